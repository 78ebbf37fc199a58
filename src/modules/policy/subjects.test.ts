/**
 * The registers of issue 12 §2 reach the access engine when a version is published: a purpose for staff only is
 * marked as not concerning members (the engine refuses it for any member, the member's consent choices leave it
 * out), a joint use of "all items" covers an item a later version adds, and per-purpose items are kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { completePolicy } from '../../../test/support/policy-fixture.ts';
import { AccessEngine } from '../access/decide.ts';
import { loadPolicy } from '../access/policy-store.ts';
import type { Actor } from '../audit/events.ts';
import { consentTopics } from '../consent/consents.ts';
import { createOrganization } from '../organizations/service.ts';
import { type PolicyDocument, policyDocumentSchema } from './document.ts';
import { getDraft, publishPolicy, saveDraft } from './versions.ts';

const system: Actor = { type: 'system', id: null, orgId: null, label: 'test' };
const at = (date: string) => new Date(`${date}T03:00:00Z`);

function policy(extraItem = false): PolicyDocument {
  const base = completePolicy('subjects-coop');
  return policyDocumentSchema.parse({
    ...base,
    items: [...base.items, ...(extraItem ? [{ code: 'email', name: 'メールアドレス' }] : [])],
    data_subjects: [
      { code: 'member', name: '組合員', ledger: true },
      { code: 'staff', name: '役職員' },
    ],
    purposes: [
      ...base.purposes,
      { number: 9, name: '役職員の雇用管理のため', items: ['name', 'address'], subjects: ['staff'], consent: 'opt_out' },
      { number: 10, name: 'メールマガジンの送付のため', items: ['name'], subjects: ['member', 'staff'], consent: 'opt_out' },
    ],
    joint_uses: [
      {
        ...base.joint_uses[0]!,
        items: [],
        items_all: true,
        purposes: [],
        purposes_all: true,
        purpose_items: [{ purpose: 'P03', items: ['member_code', 'birth_date'] }],
      },
    ],
  });
}

describe.each(availableDialects())('data subjects and joint-use rules in the registers on %s', (dialect) => {
  let f: Fixture;
  let orgId: string;
  let officer: Actor;
  let revision: number;
  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 3 });
    orgId = await f.ctx.db
      .transaction()
      .execute((tx) =>
        createOrganization(
          tx,
          system,
          { code: 'subjects-coop', name: 'テスト生協', name_en: 'Test Co-op', kind: 'coop' },
          at('2026-01-05'),
        ),
      );
    officer = { type: 'cli', id: null, orgId, label: 'test-officer' };
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const publish = async (doc: PolicyDocument, effectiveOn: string) => {
    revision = (await getDraft(f.ctx.db, orgId, at(effectiveOn))).revision;
    const saved = await f.ctx.db
      .transaction()
      .execute((tx) => saveDraft(tx, { orgId, actor: officer, revision, document: doc, now: at(effectiveOn), via: 'editor' }));
    revision = saved.revision;
    await f.ctx.db
      .transaction()
      .execute((tx) =>
        publishPolicy(tx, { orgId, actor: officer, revision, effectiveOn, now: at(effectiveOn), priorNoticeDays: 0, summary: 'test' }),
      );
  };
  const jointItems = async () =>
    (
      await f.ctx.db
        .selectFrom('joint_use_items')
        .innerJoin('joint_use_groups', 'joint_use_groups.id', 'joint_use_items.group_id')
        .innerJoin('data_items', 'data_items.id', 'joint_use_items.item_id')
        .select('data_items.code')
        .where('joint_use_groups.owner_org_id', '=', orgId)
        .where('joint_use_groups.code', '=', 'kyosai')
        .execute()
    )
      .map((r) => r.code)
      .sort();

  it('marks a purpose for staff only, which the engine then refuses for any member', async () => {
    await publish(policy(), '2026-01-05');
    const rows = await f.ctx.db
      .selectFrom('purposes')
      .select(['code', 'for_members'])
      .where('org_id', '=', orgId)
      .orderBy('code')
      .execute();
    expect(rows.map((r) => `${r.code}:${Number(r.for_members)}`)).toEqual(['P01:1', 'P02:1', 'P03:1', 'P09:0', 'P10:1']);
    const engine = new AccessEngine(await loadPolicy(f.ctx.db));
    const ask = (purpose: string) =>
      engine.decide({ actor: { roleId: 'nobody', orgId }, purpose, action: 'read', today: '2026-01-05', member: { orgId, blocks: [] } });
    expect(ask('P09')).toMatchObject({ allowed: false, code: 'purpose_not_for_members' });
    // A members' purpose gets as far as the role check.
    expect(ask('P10')).toMatchObject({ allowed: false, code: 'purpose_not_permitted' });
    // The member's consent choices offer the opt-out purpose that concerns members, not the staff one.
    const topics = (await consentTopics(f.ctx.db, orgId)).map((t) => t.code);
    expect(topics).toContain('P10');
    expect(topics).not.toContain('P09');
  });

  it('expands "all items" and "all purposes" from each version, and keeps the per-purpose items', async () => {
    expect(await jointItems()).toEqual(['address', 'birth_date', 'member_code', 'name', 'phone']);
    const narrowed = await f.ctx.db
      .selectFrom('joint_use_purpose_items')
      .innerJoin('purposes', 'purposes.id', 'joint_use_purpose_items.purpose_id')
      .innerJoin('data_items', 'data_items.id', 'joint_use_purpose_items.item_id')
      .select(['purposes.code as purpose', 'data_items.code as item'])
      .where('purposes.org_id', '=', orgId)
      .execute();
    expect(narrowed.map((r) => `${r.purpose}:${r.item}`).sort()).toEqual(['P03:birth_date', 'P03:member_code']);
    // A later version adds an item: the joint use of all items covers it without being changed.
    await publish(policy(true), '2026-02-01');
    expect(await jointItems()).toEqual(['address', 'birth_date', 'email', 'member_code', 'name', 'phone']);
  });
});
