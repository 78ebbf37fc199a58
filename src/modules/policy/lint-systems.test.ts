import { describe, expect, it } from 'vitest';
import { completePolicy } from '../../../test/support/policy-fixture.ts';
import { publicDocument } from '../notices/notice-json.ts';
import { compareDocuments, publicChanges } from './changes.ts';
import { type PolicyDocument, policyDocumentSchema } from './document.ts';
import { lintPolicy, publishable } from './lint.ts';

const today = '2026-12-04';

/** The complete fixture with one connected system mapped (customers → orders → order lines). */
function withOrdering(patch: (system: Record<string, unknown>) => void = () => {}): PolicyDocument {
  const doc = completePolicy('test-coop');
  const system: Record<string, unknown> = {
    code: 'ordering',
    name: '注文システム',
    kind: 'sqlite',
    owner: '物流部',
    tables: [
      {
        table: 'customers',
        link: { column: 'member_code', identity: 'member_code' },
        columns: [
          { column: 'shimei', item: 'name', erase: 'mask' },
          { column: 'tel', item: 'phone', erase: 'set_null' },
        ],
        purposes: ['P02'],
      },
      {
        table: 'orders',
        via: { table: 'customers', column: 'customer_id', references: 'id' },
        columns: [{ column: 'ship_to', item: 'address', erase: 'keep', keep_rule: '法人税法により7年間保存' }],
      },
      { table: 'order_lines', via: { table: 'orders', column: 'order_id', references: 'id' } },
    ],
  };
  patch(system);
  return policyDocumentSchema.parse({ ...doc, systems: [system] });
}

const codes = (doc: PolicyDocument) =>
  lintPolicy(doc, { today, knownOrgCodes: new Set(['test-coop']) }).map((g) => `${g.severity}:${g.code}:${g.path}`);

describe('the dataset map of connected systems in the policy', () => {
  it('a complete map passes, with defaults filled in (key id, erase set_null, correct, country JP)', () => {
    const doc = withOrdering();
    expect(codes(doc).filter((c) => c.includes('system'))).toEqual([]);
    const customers = doc.systems[0]!.tables[0]!;
    expect(customers.key).toBe('id');
    expect(doc.systems[0]!.country).toBe('JP');
    expect(doc.systems[0]!.tables[2]!.columns).toEqual([]);
    expect(policyDocumentSchema.safeParse({ ...doc, systems: [{ ...doc.systems[0], kind: 'oracle' }] }).success).toBe(false);
    expect(
      policyDocumentSchema.safeParse({ ...doc, systems: [{ ...doc.systems[0], tables: [{ table: 'x; drop table y' }] }] }).success,
    ).toBe(false);
  });

  it('refuses a map a request could not walk or that erases without saying how', () => {
    const doc = withOrdering((s) => {
      const tables = s.tables as Record<string, unknown>[];
      tables.push({ table: 'loose' }); // neither link nor via
      tables.push({
        table: 'both',
        link: { column: 'mail', identity: 'email' },
        via: { table: 'customers', column: 'c', references: 'id' },
      });
      tables.push({ table: 'ghost', via: { table: 'nowhere', column: 'x', references: 'id' } });
      tables.push(
        { table: 'a', via: { table: 'b', column: 'x', references: 'id' } },
        { table: 'b', via: { table: 'a', column: 'x', references: 'id' } },
      );
      tables.push({
        table: 'notes',
        link: { column: 'tel', identity: 'phone' },
        purposes: ['P99'],
        columns: [
          { column: 'body', item: 'inquiry', erase: 'delete_row' },
          { column: 'kept', item: 'name', erase: 'keep' },
          { column: 'kept', item: 'name' },
        ],
      });
    });
    const found = codes(doc);
    expect(found).toEqual(
      expect.arrayContaining([
        'error:system_table_unlinked:systems[0].tables[3]',
        'error:system_table_link_ambiguous:systems[0].tables[4]',
        'error:system_via_unknown:systems[0].tables[5].via.table',
        'error:system_via_cycle:systems[0].tables[6].via',
        'error:system_via_cycle:systems[0].tables[7].via',
        'error:system_purpose_unknown:systems[0].tables[8].purposes[0]',
        'error:system_item_unknown:systems[0].tables[8].columns[0].item',
        'error:system_keep_rule_missing:systems[0].tables[8].columns[1].keep_rule',
        'error:system_column_duplicate:systems[0].tables[8].columns[2].column',
      ]),
    );
    expect(publishable(lintPolicy(doc, { today, knownOrgCodes: new Set(['test-coop']) }))).toBe(false);
  });

  it('a system abroad must be stated among the storage countries, by its Japanese name', () => {
    const abroad = withOrdering((s) => {
      s.country = 'US';
    });
    const gap = lintPolicy(abroad, { today }).find((g) => g.code === 'system_country_unstated')!;
    expect(gap.message_ja).toContain('アメリカ合衆国');
    abroad.safety_measures!.storage.push({ country: 'アメリカ合衆国', regime: 'CCPA 等' });
    expect(codes(abroad).some((c) => c.includes('system_country_unstated'))).toBe(false);
  });

  it('a My Number column is a warning to check its purposes under the My Number Act', () => {
    const doc = withOrdering((s) => {
      (s.tables as { columns?: unknown[] }[])[0]!.columns!.push({ column: 'kojin_bango', item: 'my_number', erase: 'delete_row' });
    });
    doc.items.push({ code: 'my_number', name: '個人番号', sensitive: false, financial: false });
    expect(codes(doc)).toContain('warning:system_my_number:systems[0].tables[0].columns[2].item');
  });

  it('never reaches the public: not in the published document, not in the public change list', () => {
    const before = completePolicy('test-coop');
    const after = withOrdering();
    const published = publicDocument(after) as Record<string, unknown>;
    expect(published).not.toHaveProperty('systems');
    expect(JSON.stringify(published)).not.toContain('customers');
    const changes = compareDocuments(before, after);
    expect(changes).toContainEqual(expect.objectContaining({ section: 'systems', key: 'ordering', kind: 'added', notice: 'none' }));
    expect(publicChanges(changes).some((c) => c.section === 'systems')).toBe(false);
  });
});

describe('the dataset map in the policy file (YAML)', () => {
  it('round-trips, and a wrong value in the map is named with its line and Japanese field label', async () => {
    const { formatPolicyFile, parsePolicyFile } = await import('./policy-file.ts');
    const doc = withOrdering();
    const yaml = formatPolicyFile(doc);
    expect(yaml).toContain('systems:');
    expect(yaml).toContain('via:');
    expect(parsePolicyFile(yaml).systems).toEqual(doc.systems);
    const broken = yaml.replace('erase: mask', 'erase: shred');
    try {
      parsePolicyFile(broken);
      expect.unreachable();
    } catch (error) {
      const issue = (error as { issues: { field: string; line?: number; message_ja: string }[] }).issues[0]!;
      expect(issue.field).toBe('systems.0.tables.0.columns.0.erase');
      expect(issue.line).toBe(broken.split('\n').findIndex((l) => l.includes('erase: shred')) + 1);
      expect(issue.message_ja).toContain('削除の請求での扱い');
    }
  });
});

describe('the map against the organization’s registers', () => {
  it('warns of a system without a registered connection and of a ledger asset that is not in the ledger', () => {
    const doc = withOrdering((s) => {
      s.ledger_assets = ['L-0001', 'L-9999'];
    });
    const gaps = lintPolicy(doc, { today, knownAssetCodes: new Set(['L-0001']), knownSystemCodes: new Set(['kyosai']) });
    const found = gaps.map((g) => `${g.severity}:${g.code}:${g.path}`);
    expect(found).toContain('warning:system_not_registered:systems[0].code');
    expect(found).toContain('warning:system_asset_unknown:systems[0].ledger_assets[1]');
    expect(found).not.toContain('warning:system_asset_unknown:systems[0].ledger_assets[0]');
    const registered = lintPolicy(doc, { today, knownAssetCodes: new Set(['L-0001', 'L-9999']), knownSystemCodes: new Set(['ordering']) });
    expect(registered.filter((g) => g.code === 'system_not_registered' || g.code === 'system_asset_unknown')).toEqual([]);
  });
});

describe('a deletion the law holds back', () => {
  it('warns when a delete_row table keeps its rows because rows found through it are kept by law', () => {
    const doc = withOrdering((s) => {
      const tables = s.tables as { table: string; columns?: unknown[] }[];
      tables[1]!.columns = [{ column: 'total', item: 'purchase_history', erase: 'delete_row' }];
      tables[2]!.columns = [{ column: 'product', item: 'purchase_history', erase: 'keep', keep_rule: '法人税法により7年間保存' }];
    });
    doc.items.push({ code: 'purchase_history', name: '購買履歴', sensitive: false, financial: false });
    const gap = lintPolicy(doc, { today }).find((g) => g.code === 'system_delete_held');
    expect(gap?.path).toBe('systems[0].tables[1]');
    expect(gap?.message_ja).toContain('行は削除されず');
  });
});
