import { describe, expect, it } from 'vitest';
import { completePolicy } from '../../../test/support/policy-fixture.ts';
import { compareDocuments } from './changes.ts';
import type { PolicyDocument } from './document.ts';
import { lintPolicy, publishable } from './lint.ts';

const today = '2026-11-22';
const errorsOf = (doc: PolicyDocument) =>
  lintPolicy(doc, { today, knownOrgCodes: new Set(['test-coop', 'demo-kyosai']) })
    .filter((g) => g.severity === 'error')
    .map((g) => `${g.code}@${g.path}`);
const edited = (edit: (d: PolicyDocument) => void) => {
  const d = completePolicy('test-coop', { jointUserOrg: 'demo-kyosai' });
  edit(d);
  return d;
};

describe('lint before publish', () => {
  it('passes a complete policy', () => {
    expect(errorsOf(completePolicy('test-coop'))).toEqual([]);
  });

  it.each([
    [
      'joint use without the responsible party’s address',
      (d: PolicyDocument) => delete d.joint_uses[0]!.responsible!.address,
      'joint_use_responsible_address_missing@joint_uses[0].responsible.address',
    ],
    [
      'joint use without its representative',
      (d: PolicyDocument) => delete d.joint_uses[0]!.responsible!.representative,
      'joint_use_responsible_representative_missing@joint_uses[0].responsible.representative',
    ],
    ['a purpose with no items', (d: PolicyDocument) => (d.purposes[1]!.items = []), 'purpose_without_items@purposes[1].items'],
    ['no contact window', (d: PolicyDocument) => delete d.contact, 'contact_missing@contact'],
    [
      'a recipient without a legal basis',
      (d: PolicyDocument) => delete d.third_parties[0]!.legal_basis,
      'third_party_legal_basis_missing@third_parties[0].legal_basis',
    ],
    [
      'a children’s service without guardian consent',
      (d: PolicyDocument) => (d.scope[0]!.child_facing = true),
      'child_service_without_guardian_consent@scope[0].guardian_consent',
    ],
    [
      'an item that is a My Number',
      (d: PolicyDocument) => d.items.push({ code: 'my_number', name: '個人番号', sensitive: false, financial: false }),
      'my_number_item@items[5]',
    ],
    [
      'a joint user unknown to mamori',
      (d: PolicyDocument) => (d.joint_uses[0]!.users[0]!.org = 'nowhere'),
      'joint_use_org_unknown@joint_uses[0].users[0].org',
    ],
    [
      'a purpose naming an unknown item',
      (d: PolicyDocument) => d.purposes[0]!.items.push('shoe_size'),
      'purpose_item_unknown@purposes[0].items[5]',
    ],
    [
      'data stored abroad without its regime',
      (d: PolicyDocument) => d.safety_measures!.storage.push({ country: 'シンガポール' }),
      'storage_country_regime_missing@safety_measures.storage[1].regime',
    ],
    [
      'a foreign recipient without its measures (Art. 28)',
      (d: PolicyDocument) => Object.assign(d.third_parties[0]!, { country: 'US', country_regime: '連邦法はなく州法がある。' }),
      'third_party_foreign_measures_missing@third_parties[0].recipient_measures',
    ],
  ])('refuses %s with the exact gap', (_name, edit, gap) => {
    const doc = edited(edit as (d: PolicyDocument) => void);
    expect(errorsOf(doc)).toContain(gap);
    expect(publishable(lintPolicy(doc, { today, knownOrgCodes: new Set(['demo-kyosai']) }))).toBe(false);
  });
});

describe('statements the notice makes only when the co-op made them', () => {
  const codes = (doc: PolicyDocument) =>
    lintPolicy(doc, { today: '2026-12-03' })
      .filter((g) => g.severity === 'error')
      .map((g) => `${g.code}@${g.path}`);

  it('refuses a policy that says nothing about joint use or outsourcing, until it states there is none', () => {
    const doc = completePolicy('test-coop');
    doc.joint_uses = [];
    doc.contractors = [];
    expect(codes(doc)).toEqual(expect.arrayContaining(['joint_use_unstated@no_joint_use', 'outsourcing_unstated@no_outsourcing']));
    expect(publishable(lintPolicy(doc, { today: '2026-12-03' }))).toBe(false);
    doc.no_joint_use = true;
    doc.no_outsourcing = true;
    expect(codes(doc)).toEqual([]);
  });

  it('refuses a statement of none that contradicts the registers', () => {
    const doc = completePolicy('test-coop');
    doc.no_joint_use = true;
    doc.no_outsourcing = true;
    expect(codes(doc)).toEqual(['joint_use_contradiction@no_joint_use', 'outsourcing_contradiction@no_outsourcing']);
  });

  it('refuses an unstated request fee; free, an amount or paid are statements', () => {
    const doc = completePolicy('test-coop');
    doc.requests!.fee = {};
    expect(codes(doc)).toEqual(['requests_fee_unstated@requests.fee']);
    for (const fee of [{ free: true }, { free: false }, { amount_yen: 500 }]) {
      doc.requests!.fee = fee;
      expect(codes(doc)).toEqual([]);
    }
  });
});

describe('drafting marks left in published text', () => {
  it('warns at each place a mark is left, in any section, and not on ordinary text', () => {
    const doc = completePolicy('test-coop');
    const clean = lintPolicy(doc, { today: '2026-12-03' }).filter((g) => g.code === 'placeholder_text');
    expect(clean).toEqual([]);
    doc.organization.representative = '理事長 ○○ ○○';
    doc.purposes[0]!.name = '商品の供給（仮）';
    doc.purposes[1]!.name_en = 'Delivery TODO: check the wording';
    doc.contact!.hours = '平日 9:00〜17:00 (仮)';
    doc.organization.website = 'https://example.coop/xxx';
    const gaps = lintPolicy(doc, { today: '2026-12-03' }).filter((g) => g.code === 'placeholder_text');
    expect(gaps.map((g) => g.path).sort()).toEqual(
      ['contact.hours', 'organization.representative', 'organization.website', 'purposes[0].name', 'purposes[1].name_en'].sort(),
    );
    expect(gaps.every((g) => g.severity === 'warning')).toBe(true);
    expect(gaps.find((g) => g.path === 'purposes[0].name')).toMatchObject({
      message_ja: expect.stringContaining('「（仮）」'),
      message_en: expect.stringContaining('“（仮）”'),
    });
    // Warnings only: the policy can still be published, with the warnings accepted.
    expect(publishable(lintPolicy(doc, { today: '2026-12-03' }))).toBe(true);
  });

  it('does not mistake ordinary words and numbers for marks', () => {
    const doc = completePolicy('test-coop');
    doc.purposes[0]!.name = '仮設住宅への配送、○印の商品、XXL サイズ、2026年12月';
    doc.purposes[0]!.name_en = 'Taxi and boxes, todos los productos';
    expect(lintPolicy(doc, { today: '2026-12-03' }).filter((g) => g.code === 'placeholder_text')).toEqual([]);
  });
});

describe('changes and their notice', () => {
  const base = completePolicy('test-coop');
  it.each([
    [
      'a new purpose',
      (d: PolicyDocument) => d.purposes.push({ code: 'P04', number: 4, name: '新しい目的', items: ['name'], subjects: [] }),
      'prior',
    ],
    ['a joint use’s purposes', (d: PolicyDocument) => d.joint_uses[0]!.purposes.push('P02'), 'prior'],
    ['the responsible party', (d: PolicyDocument) => (d.joint_uses[0]!.responsible!.name = '別の法人'), 'prior'],
    ['the responsible party’s address', (d: PolicyDocument) => (d.joint_uses[0]!.responsible!.address = '東京都千代田区1-1'), 'after'],
    [
      'a recipient on consent',
      (d: PolicyDocument) =>
        d.third_parties.push({
          code: 'insurer',
          name: '損害保険会社',
          kind: 'category',
          legal_basis: 'consent',
          items: ['name'],
          transmission: ['paper'],
        }),
      'consent',
    ],
    ['the contact hours', (d: PolicyDocument) => (d.contact!.hours = '10:00〜16:00'), 'none'],
    ['the items a purpose uses', (d: PolicyDocument) => d.purposes[1]!.items.push('birth_date'), 'none'],
  ])('classifies %s', (_name, edit, notice) => {
    const after = structuredClone(base);
    (edit as (d: PolicyDocument) => void)(after);
    const changes = compareDocuments(base, after);
    expect(changes).toHaveLength(1);
    expect(changes[0]!.notice).toBe(notice);
  });

  it('reports no change for an identical document, and one change for a first version', () => {
    expect(compareDocuments(base, structuredClone(base))).toEqual([]);
    // A statement of none is a change of its own.
    const without = { ...structuredClone(base), contractors: [] };
    expect(compareDocuments(without, { ...without, no_outsourcing: true })).toEqual([
      expect.objectContaining({ section: 'no_outsourcing', kind: 'changed', summary_ja: '委託していない旨の記載を変更' }),
    ]);
    expect(compareDocuments(undefined, base)).toEqual([expect.objectContaining({ kind: 'added', notice: 'none' })]);
  });
});

describe('items whose misuse may cause financial damage (issue 14 §6)', () => {
  const warnings = (doc: PolicyDocument) =>
    lintPolicy(doc, { today, knownOrgCodes: new Set(['test-coop', 'demo-kyosai']) })
      .filter((g) => g.severity === 'warning')
      .map((g) => `${g.code}@${g.path}`);

  it('warns of a bank account or card number not marked financial, and not once it is marked', () => {
    const unmarked = edited((d) => d.items.push({ code: 'bank_account', name: '引落口座', sensitive: false, financial: false }));
    expect(warnings(unmarked)).toContain('item_financial_unflagged@items[5].financial');
    const card = edited((d) => d.items.push({ code: 'payment', name: 'クレジットカード番号', sensitive: false, financial: false }));
    expect(warnings(card)).toContain('item_financial_unflagged@items[5].financial');
    const marked = edited((d) => d.items.push({ code: 'bank_account', name: '引落口座', sensitive: false, financial: true }));
    expect(warnings(marked).filter((w) => w.startsWith('item_financial_unflagged'))).toEqual([]);
  });
});
