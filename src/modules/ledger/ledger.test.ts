/**
 * The ledger's services on both dialects, with a fixed clock (2026-06-15, Japan): registering with register
 * codes checked, changes at a version, reviews and the overdue clock, retiring, who may do what, and the
 * audit entries written with each change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import type { StaffActor } from '../../base/actors.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { seedDemoLedger } from './demo.ts';
import { readScope } from './permissions.ts';
import { getAsset, listAssets } from './read-assets.ts';
import { recordReview } from './record-review.ts';
import type { CreateAssetInput } from './schemas.ts';
import { createAsset, retireAsset, updateAsset } from './write-asset.ts';

const NOW = new Date('2026-06-15T01:00:00Z'); // 10:00 in Japan
const TODAY = '2026-06-15';

const order: CreateAssetInput = {
  name: '試験用 宅配注文書（紙）',
  department: 'delivery',
  medium: 'paper',
  items: ['member_code', 'name', 'phone'],
  purposes: ['P03', 'P04'],
  storage_location: '宅配センターの施錠キャビネット',
  retention: '3か月',
  risks: [{ stage: 'transfer', threats: '配送車両からの紛失', countermeasures: '施錠ボックスで運搬', residual_risk: 'medium' }],
};

describe.each(availableDialects())('ledger of personal information on %s', (dialect) => {
  let f: Fixture;
  let officer: StaffActor;
  let manager: StaffActor;
  let auditor: StaffActor;
  let staff: StaffActor;
  let admin: StaffActor;
  let orgId: string;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 5, clock: () => NOW });
    officer = await f.actor('officer');
    manager = await f.actor('manager');
    auditor = await f.actor('auditor');
    staff = await f.actor('staff');
    admin = await f.actor('admin');
    orgId = officer.orgId;
    await f.ctx.db.transaction().execute((tx) => seedDemoLedger(tx, orgId, NOW));
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const auditCount = async () =>
    Number(
      (
        await (
          await chained(f.ctx.db)
        )
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const assetCount = async () =>
    Number(
      (
        await f.ctx.db
          .selectFrom('ledger_assets')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const lastAudit = async () =>
    (await chained(f.ctx.db)).selectFrom('audit_log').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
  const list = (actor: StaffActor, filters = {}) => listAssets(f.ctx.db, { scope: readScope(actor), filters, today: TODAY, actor });

  it('seeds the demo ledger once: six assets, one review overdue, one due soon, 要配慮 on the welfare records', async () => {
    const { assets, counts } = await list(officer);
    expect(assets.map((a) => a.code)).toEqual(['L-0001', 'L-0002', 'L-0003', 'L-0004', 'L-0005', 'L-0006']);
    expect(assets.filter((a) => a.review.state === 'overdue').map((a) => a.name)).toEqual(['共済申込書（紙）']);
    expect(assets.filter((a) => a.review.state === 'due_soon').map((a) => a.name)).toEqual(['宅配注文書（紙）']);
    expect(counts).toMatchObject({ active: 6, overdue: 1, due_soon: 1 });
    const welfare = assets.find((a) => a.name === '福祉サービス利用者記録')!;
    expect(welfare.sensitive).toBe(true);
    expect(welfare.risks.every((r) => r.assessed)).toBe(true);
    expect(welfare.purposes[0]).toMatchObject({ code: 'P08', label: '⑧' });
    expect(await f.ctx.db.transaction().execute((tx) => seedDemoLedger(tx, orgId, NOW))).toBe(0);
  });

  it('registers an asset with register names, the risk table in stage order, gaps and an audit entry', async () => {
    const before = await auditCount();
    const a = await createAsset(f.ctx, { actor: officer, input: order });
    expect(a).toMatchObject({
      code: 'L-0007',
      version: 1,
      status: 'active',
      medium: 'paper',
      department: { code: 'delivery', name: '宅配事業部' },
    });
    expect(a.items.map((i) => i.name)).toEqual(['メンバー（組合員）コード', '氏名', '電話番号']);
    expect(a.purposes.map((p) => p.label)).toEqual(['③', '④']);
    expect(a.risks.map((r) => r.stage)).toEqual(['acquire', 'transfer', 'use', 'store', 'dispose', 'outsource', 'provide']);
    expect(a.risks[1]).toMatchObject({ assessed: true, residual_risk: 'medium' });
    expect(a.highest_residual_risk).toBe('medium');
    expect(a.gaps).toContain('access_scope');
    expect(a.gaps).toContain('risks.acquire');
    expect(a.gaps).not.toContain('items');
    // Never reviewed: due twelve months after registration.
    expect(a.review).toMatchObject({ last_reviewed_on: null, next_review_on: '2027-06-15', state: 'ok', interval_months: 12 });
    expect(await auditCount()).toBe(before + 1);
    expect(await lastAudit()).toMatchObject({ action: 'ledger.create', outcome: 'ok', actor_id: officer.id, org_id: orgId });
    expect(JSON.parse((await lastAudit()).detail)).toMatchObject({ asset_id: a.id, code: 'L-0007', version: 1 });
  });

  it('refuses unknown item and purpose codes by name, and writes nothing', async () => {
    const [assets, audits] = [await assetCount(), await auditCount()];
    const item = await createAsset(f.ctx, { actor: officer, input: { ...order, items: ['name', 'blood_type'] } }).catch((e) => e);
    expect(item).toMatchObject({ code: 'ledger_item_unknown' });
    expect(item.issues).toEqual([
      expect.objectContaining({ field: 'items.1', code: 'unknown_item', message_ja: expect.stringContaining('blood_type') }),
    ]);
    const purpose = await createAsset(f.ctx, { actor: officer, input: { ...order, purposes: ['P99'] } }).catch((e) => e);
    expect(purpose).toMatchObject({ code: 'ledger_purpose_unknown' });
    expect(purpose.issues[0].message_en).toContain('P99');
    await expect(createAsset(f.ctx, { actor: officer, input: { ...order, department: 'nowhere' } })).rejects.toMatchObject({
      code: 'department_unknown',
    });
    const risk = await createAsset(f.ctx, {
      actor: officer,
      input: {
        ...order,
        risks: [
          { stage: 'use', threats: '目的外利用' },
          { stage: 'use', applicable: false },
        ],
      },
    }).catch((e) => e);
    expect(risk).toMatchObject({ code: 'validation_failed' });
    expect(risk.issues.map((i: { field: string }) => i.field)).toEqual([
      'risks.0.countermeasures',
      'risks.0.residual_risk',
      'risks.1.stage',
    ]);
    await expect(createAsset(f.ctx, { actor: officer, input: { ...order, code: 'L-0001' } })).rejects.toMatchObject({
      code: 'ledger_code_taken',
    });
    await expect(createAsset(f.ctx, { actor: officer, input: { ...order, last_reviewed_on: '2026-06-16' } })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    expect([await assetCount(), await auditCount()]).toEqual([assets, audits]);
  });

  it('turns 要配慮 on whenever a register item is sensitive', async () => {
    await f.ctx.db
      .insertInto('data_items')
      .values({ id: crypto.randomUUID(), org_id: orgId, code: 'care_level', name: '要介護度', name_en: 'Care level', sensitive: 1 })
      .execute();
    const a = await createAsset(f.ctx, {
      actor: officer,
      input: { ...order, name: '介護記録', items: ['name', 'care_level'], sensitive: false },
    });
    expect(a.sensitive).toBe(true);
    expect(a.items[1]).toMatchObject({ code: 'care_level', sensitive: true });
    expect(a.gaps).toContain('sensitive_note');
    expect((await list(officer, { sensitive: true })).assets.map((x) => x.name)).toContain('介護記録');
  });

  it('changes an asset at its version; a stale save is a conflict; an unchanged save is no change', async () => {
    const a = await createAsset(f.ctx, { actor: officer, input: { ...order, name: '版のテスト' } });
    const b = await updateAsset(f.ctx, {
      actor: officer,
      assetId: a.id,
      version: 1,
      changes: { access_scope: '宅配センター職員', risks: [...order.risks!, { stage: 'provide', applicable: false, threats: '提供なし' }] },
    });
    expect(b).toMatchObject({ version: 2, access_scope: '宅配センター職員' });
    expect(b.risks.find((r) => r.stage === 'provide')).toMatchObject({ assessed: true, applicable: false });
    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: 'ledger.update', outcome: 'ok' });
    expect(JSON.parse(entry.detail)).toMatchObject({ asset_id: a.id, version: 2, fields: ['access_scope', 'risks'] });
    const audits = await auditCount();
    await expect(updateAsset(f.ctx, { actor: officer, assetId: a.id, version: 1, changes: { name: '古い版から' } })).rejects.toMatchObject({
      code: 'ledger_version_conflict',
    });
    const same = await updateAsset(f.ctx, { actor: officer, assetId: a.id, version: 2, changes: { access_scope: '宅配センター職員' } });
    expect(same.version).toBe(2);
    expect(await auditCount()).toBe(audits);
    const c = await updateAsset(f.ctx, { actor: officer, assetId: a.id, version: 2, changes: { review_interval_months: 6 } });
    expect(c.review).toMatchObject({ interval_months: 6, next_review_on: '2026-12-15' });
    await expect(updateAsset(f.ctx, { actor: officer, assetId: a.id, version: 3, changes: { items: ['nope'] } })).rejects.toMatchObject({
      code: 'ledger_item_unknown',
    });
    expect((await getAsset(f.ctx.db, { scope: readScope(officer), id: a.id, today: TODAY })).version).toBe(3);
  });

  it('computes overdue from the last review and the interval, and a review restarts the clock', async () => {
    const a = await createAsset(f.ctx, { actor: officer, input: { ...order, name: '期限切れの資産', last_reviewed_on: '2025-05-01' } });
    expect(a.review).toMatchObject({ next_review_on: '2026-05-01', state: 'overdue', days_overdue: 45 });
    expect((await list(officer, { overdue: true })).assets.map((x) => x.name)).toContain('期限切れの資産');
    const dueToday = await createAsset(f.ctx, { actor: officer, input: { ...order, name: '今日が期限', last_reviewed_on: '2025-06-15' } });
    expect(dueToday.review).toMatchObject({ state: 'due_soon', days_left: 0 });

    const reviewed = await recordReview(f.ctx, {
      actor: officer,
      assetId: a.id,
      input: { result: 'updated', notes: '保管場所を更新', version: 1 },
    });
    expect(reviewed.review).toMatchObject({ last_reviewed_on: TODAY, next_review_on: '2027-06-15', state: 'ok' });
    expect(reviewed.review.last).toMatchObject({ reviewer_name: '保護 管理子', result: 'updated', notes: '保管場所を更新' });
    expect(reviewed.reviews).toHaveLength(1);
    expect(reviewed.version).toBe(2);
    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: 'ledger.review', actor_id: officer.id });
    expect(JSON.parse(entry.detail)).toMatchObject({ asset_id: a.id, result: 'updated', reviewed_on: TODAY, next_review_on: '2027-06-15' });
    expect((await list(officer, { overdue: true })).assets.map((x) => x.name)).not.toContain('期限切れの資産');

    // A review entered late for an earlier date joins the history without moving the clock back.
    const late = await recordReview(f.ctx, { actor: officer, assetId: a.id, input: { result: 'no_change', reviewed_on: '2026-01-10' } });
    expect(late.review.last_reviewed_on).toBe(TODAY);
    expect(late.reviews?.map((r) => r.reviewed_on)).toEqual([TODAY, '2026-01-10']);
    await expect(
      recordReview(f.ctx, { actor: officer, assetId: a.id, input: { result: 'no_change', reviewed_on: '2026-06-16' } }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(recordReview(f.ctx, { actor: officer, assetId: a.id, input: { result: 'no_change', version: 1 } })).rejects.toMatchObject({
      code: 'ledger_version_conflict',
    });
  });

  it('follows the permission table: officer all, manager own department, auditor reads, staff and admin nothing', async () => {
    const other = await createAsset(f.ctx, { actor: officer, input: { ...order, name: '共済部の資産', department: 'kyosai' } });
    // Department manager (宅配事業部): own department only, for reading and writing.
    const mine = await createAsset(f.ctx, { actor: manager, input: { ...order, name: '宅配部長の資産' } });
    expect(mine.can_edit).toBe(true);
    await expect(createAsset(f.ctx, { actor: manager, input: { ...order, department: 'kyosai' } })).rejects.toMatchObject({
      code: 'ledger_department_forbidden',
    });
    await expect(updateAsset(f.ctx, { actor: manager, assetId: other.id, version: 1, changes: { name: 'x' } })).rejects.toMatchObject({
      code: 'ledger_department_forbidden',
    });
    await expect(
      updateAsset(f.ctx, { actor: manager, assetId: mine.id, version: 1, changes: { department: 'kyosai' } }),
    ).rejects.toMatchObject({
      code: 'ledger_department_forbidden',
    });
    await expect(recordReview(f.ctx, { actor: manager, assetId: other.id, input: { result: 'no_change' } })).rejects.toMatchObject({
      code: 'ledger_department_forbidden',
    });
    expect((await updateAsset(f.ctx, { actor: manager, assetId: mine.id, version: 1, changes: { retention: '6か月' } })).version).toBe(2);
    const managerView = await list(manager);
    expect(new Set(managerView.assets.map((a) => a.department.code))).toEqual(new Set(['delivery']));
    await expect(getAsset(f.ctx.db, { scope: readScope(manager), id: other.id, today: TODAY })).rejects.toMatchObject({
      code: 'ledger_department_forbidden',
    });

    // Auditor: reads everything, changes nothing.
    const auditorView = await list(auditor);
    expect(auditorView.assets.map((a) => a.id)).toEqual(expect.arrayContaining([other.id, mine.id]));
    expect(auditorView.assets.every((a) => !a.can_edit)).toBe(true);
    await expect(createAsset(f.ctx, { actor: auditor, input: order })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(recordReview(f.ctx, { actor: auditor, assetId: mine.id, input: { result: 'no_change' } })).rejects.toMatchObject({
      code: 'forbidden',
    });

    // Staff and the system admin: no part in the ledger.
    for (const actor of [staff, admin]) {
      expect(() => readScope(actor)).toThrow(expect.objectContaining({ code: 'forbidden' }));
      await expect(createAsset(f.ctx, { actor, input: order })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(updateAsset(f.ctx, { actor, assetId: mine.id, version: 2, changes: { name: 'x' } })).rejects.toMatchObject({
        code: 'forbidden',
      });
    }

    // Another co-op's staff never reach this co-op's assets.
    const outsider = await f.actor('other');
    await expect(
      updateAsset(f.ctx, { actor: { ...outsider, roleKind: 'privacy_officer' }, assetId: mine.id, version: 2, changes: { name: 'x' } }),
    ).rejects.toMatchObject({ code: 'ledger_asset_not_found' });
  });

  it('retires an asset: kept with its history, out of the active list, closed to changes', async () => {
    const a = await createAsset(f.ctx, { actor: officer, input: { ...order, name: '廃止する資産', last_reviewed_on: '2024-01-01' } });
    const retired = await retireAsset(f.ctx, { actor: officer, assetId: a.id, version: 1, reason: 'システム廃止' });
    expect(retired).toMatchObject({ status: 'retired', retired_on: TODAY, retire_reason: 'システム廃止', version: 2, can_edit: false });
    expect(retired.review.state).toBe('ok');
    expect(JSON.parse((await lastAudit()).detail)).toMatchObject({ asset_id: a.id, version: 2 });
    expect((await lastAudit()).action).toBe('ledger.retire');
    expect((await list(officer)).assets.map((x) => x.id)).not.toContain(a.id);
    expect((await list(officer, { overdue: true })).assets.map((x) => x.id)).not.toContain(a.id);
    expect((await list(officer, { status: 'retired' })).assets.map((x) => x.id)).toEqual([a.id]);
    await expect(updateAsset(f.ctx, { actor: officer, assetId: a.id, version: 2, changes: { name: 'x' } })).rejects.toMatchObject({
      code: 'ledger_asset_retired',
    });
  });

  it('shows a contractor code with the name the policy in effect registers, and free text as it is', async () => {
    const document = { contractors: [{ code: 'print-co', name: 'デモ印刷株式会社', service: '印刷・封入' }] };
    // The demo co-op's version 1 gives way to a version naming the contractor.
    await f.ctx.db
      .updateTable('policy_versions')
      .set({ status: 'superseded' })
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .execute();
    await f.ctx.db
      .insertInto('policy_versions')
      .values({
        id: crypto.randomUUID(),
        org_id: orgId,
        number: 99,
        status: 'active',
        document: JSON.stringify(document),
        sha256: '0'.repeat(64),
        revision: 1,
        summary: null,
        changes: '[]',
        warnings: '[]',
        notice_on: null,
        effective_on: '2026-04-01',
        created_at: NOW.toISOString(),
        updated_at: NOW.toISOString(),
        updated_by: null,
        published_at: null,
        published_by: null,
        activated_at: null,
      })
      .execute();
    const a = await createAsset(f.ctx, {
      actor: officer,
      input: { ...order, name: '委託先の表示', contractors: ['print-co', '地元の配送業者'] },
    });
    expect(a.contractors).toEqual([
      { value: 'print-co', code: 'print-co', name: 'デモ印刷株式会社', service: '印刷・封入' },
      { value: '地元の配送業者', code: null, name: '地元の配送業者', service: null },
    ]);
  });

  it('searches by name or number, filters by department', async () => {
    expect((await list(officer, { q: '通話' })).assets.map((a) => a.code)).toEqual(['L-0005']);
    expect((await list(officer, { q: 'L-0004' })).assets.map((a) => a.name)).toEqual(['福祉サービス利用者記録']);
    expect((await list(officer, { q: '100%' })).assets).toEqual([]);
    const welfare = await list(officer, { department: 'welfare' });
    expect(welfare.assets.map((a) => a.code)).toEqual(['L-0004']);
    await expect(list(officer, { department: 'nowhere' })).rejects.toMatchObject({ code: 'department_unknown' });
  });

  it('keeps the audit chain intact', async () => {
    expect((await verifyAuditChain(f.ctx.db)).ok).toBe(true);
  });
});
