import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { completePolicy } from '../../../test/support/policy-fixture.ts';
import type { Actor } from '../audit/events.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { createOrganization } from '../organizations/service.ts';
import type { PolicyDocument } from './document.ts';
import { activateDueVersions, getDraft, getVersion, listVersions, publishPolicy, reviewDocument, saveDraft } from './versions.ts';

const system: Actor = { type: 'system', id: null, orgId: null, label: 'test' };
const at = (date: string) => new Date(`${date}T03:00:00Z`); // noon in Japan

describe.each(availableDialects())('versioned policies on %s', (dialect) => {
  let f: Fixture;
  let orgId: string;
  let officer: Actor;
  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 5 });
    orgId = await f.ctx.db
      .transaction()
      .execute((tx) =>
        createOrganization(tx, system, { code: 'test-coop', name: 'テスト生協', name_en: 'Test Co-op', kind: 'coop' }, at('2026-01-05')),
      );
    officer = { type: 'cli', id: null, orgId, label: 'test-officer' };
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const save = (revision: number, document: PolicyDocument, now = at('2026-01-05')) =>
    f.ctx.db.transaction().execute((tx) => saveDraft(tx, { orgId, actor: officer, revision, document, now, via: 'editor' }));
  const publish = (revision: number, effectiveOn: string, now = at('2026-01-05')) =>
    f.ctx.db
      .transaction()
      .execute((tx) => publishPolicy(tx, { orgId, actor: officer, revision, effectiveOn, now, priorNoticeDays: 30, summary: 'test' }));
  const purposeRows = () =>
    f.ctx.db.selectFrom('purposes').select(['id', 'code', 'status', 'name']).where('org_id', '=', orgId).orderBy('code').execute();

  it('starts a new organization from a blank draft and refuses to publish it with every gap', async () => {
    const draft = await getDraft(f.ctx.db, orgId, at('2026-01-05'));
    expect(draft.revision).toBe(1);
    expect(draft.document.organization.code).toBe('test-coop');
    expect(draft.document.purposes).toEqual([]);
    const error = await publish(1, '2026-01-05').catch((e) => e);
    expect(error.code).toBe('policy_lint_failed');
    const codes = error.issues.map((i: { code: string }) => i.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'organization_address_missing',
        'organization_representative_missing',
        'purposes_missing',
        'contact_missing',
        'requests_procedure_missing',
        'safety_measures_missing',
      ]),
    );
    expect(await listVersions(f.ctx.db, orgId)).toEqual([]);
  });

  it('keeps both officers’ edits from being lost: a stale save is refused', async () => {
    const first = await save(1, completePolicy('test-coop'));
    expect(first.revision).toBe(2);
    const stale = completePolicy('test-coop');
    stale.contact!.phone = '999-9999-9999';
    await expect(save(1, stale)).rejects.toMatchObject({ code: 'policy_edit_conflict' });
    const now = await getDraft(f.ctx.db, orgId, at('2026-01-05'));
    expect(now.revision).toBe(2);
    expect(now.document.contact?.phone).toBe('000-0000-0000');
  });

  it('refuses a document of another organization', async () => {
    await expect(save(2, completePolicy('demo-coop'))).rejects.toMatchObject({ code: 'policy_org_mismatch' });
  });

  it('publishes the first version in effect today and materialises its registers', async () => {
    const v = await publish(2, '2026-01-05');
    expect(v).toMatchObject({ number: 1, status: 'active', notice_on: '2026-01-05', effective_on: '2026-01-05' });
    expect(v.changes).toEqual([expect.objectContaining({ summary_ja: '初版を公表' })]);
    const purposes = await purposeRows();
    expect(purposes.map((p) => [p.code, p.status])).toEqual([
      ['P01', 'active'],
      ['P02', 'active'],
      ['P03', 'active'],
    ]);
    const items = await f.ctx.db
      .selectFrom('purpose_items')
      .innerJoin('data_items', 'data_items.id', 'purpose_items.item_id')
      .select('data_items.code')
      .where('purpose_items.purpose_id', '=', purposes[1]!.id)
      .orderBy('data_items.code')
      .execute();
    expect(items.map((i) => i.code)).toEqual(['address', 'member_code', 'name', 'phone']);
    const actions = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('action')
      .where('org_id', '=', orgId)
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['organization.create', 'policy.draft_save', 'policy.publish', 'policy.activate']);
  });

  it('flags a change of a joint use’s purposes for prior notice and refuses an earlier effective date', async () => {
    const draft = await getDraft(f.ctx.db, orgId, at('2026-02-01'));
    const doc = structuredClone(draft.document);
    doc.joint_uses[0]!.purposes = ['P02', 'P03'];
    const saved = await save(draft.revision, doc, at('2026-02-01'));
    const review = await reviewDocument(f.ctx.db, { orgId, document: saved.document, now: at('2026-02-01'), priorNoticeDays: 30 });
    expect(review.notice_required).toBe(true);
    expect(review.earliest_effective_on).toBe('2026-03-03');
    expect(review.changes).toEqual([
      expect.objectContaining({ section: 'joint_uses', key: 'kyosai', kind: 'changed', notice: 'prior', fields: ['purposes'] }),
    ]);
    const refused = await publish(saved.revision, '2026-02-15', at('2026-02-01')).catch((e) => e);
    expect(refused.code).toBe('policy_notice_period');
    expect(refused.issues[0].message_ja).toContain('2026-03-03');
    await expect(publish(saved.revision, '2026-01-31', at('2026-02-01'))).rejects.toMatchObject({ code: 'policy_effective_date_invalid' });

    const scheduled = await publish(saved.revision, '2026-03-03', at('2026-02-01'));
    expect(scheduled).toMatchObject({ number: 2, status: 'scheduled', notice_on: '2026-02-01', effective_on: '2026-03-03' });
    // Not in effect yet: the registers still hold version 1's joint use.
    const jointPurposes = () =>
      f.ctx.db
        .selectFrom('joint_use_purposes')
        .innerJoin('joint_use_groups', 'joint_use_groups.id', 'joint_use_purposes.group_id')
        .innerJoin('purposes', 'purposes.id', 'joint_use_purposes.purpose_id')
        .select('purposes.code')
        .where('joint_use_groups.owner_org_id', '=', orgId)
        .orderBy('purposes.code')
        .execute();
    expect((await jointPurposes()).map((p) => p.code)).toEqual(['P03']);
    expect(await activateDueVersions(f.ctx.db, at('2026-03-02'))).toEqual([]);
    expect(await activateDueVersions(f.ctx.db, at('2026-03-03'))).toEqual([{ orgId, number: 2 }]);
    expect((await jointPurposes()).map((p) => p.code)).toEqual(['P02', 'P03']);
    const versions = await listVersions(f.ctx.db, orgId);
    expect(versions.map((v) => [v.number, v.status])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
  });

  it('retires a purpose the new version drops, keeping its id for history', async () => {
    const before = await purposeRows();
    const draft = await getDraft(f.ctx.db, orgId, at('2026-04-01'));
    const doc = structuredClone(draft.document);
    doc.purposes = doc.purposes.filter((p) => p.code !== 'P02');
    doc.joint_uses[0]!.purposes = ['P03'];
    const saved = await save(draft.revision, doc, at('2026-04-01'));
    // Removing a purpose needs no prior notice, but narrowing the joint use's purposes is still a change to it.
    await publish(saved.revision, '2026-05-01', at('2026-04-01'));
    await activateDueVersions(f.ctx.db, at('2026-05-01'));
    const after = await purposeRows();
    expect(after.find((p) => p.code === 'P02')).toMatchObject({ id: before.find((p) => p.code === 'P02')!.id, status: 'retired' });
    const v3 = await getVersion(f.ctx.db, orgId, 3);
    expect(v3.document.purposes.map((p) => p.code)).toEqual(['P01', 'P03']);
    expect(v3.summary.changes.map((c) => c.summary_ja)).toEqual(
      expect.arrayContaining([expect.stringContaining('利用目的②を削除'), expect.stringContaining('共同利用「共済事業の共同利用」')]),
    );
  });

  it('keeps the audit chain intact through drafts, publications and activations', async () => {
    const report = await verifyAuditChain(f.ctx.db);
    expect(report.ok).toBe(true);
  });
});
