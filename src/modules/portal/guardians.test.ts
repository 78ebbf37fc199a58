/**
 * Guardians on both dialects: staff register, list and end links after checking proof (refusing another
 * co-op's member, the member themself and a duplicate); a guardian opens a ward's page only through an active
 * link, never another member's, and loses it the moment the link ends; the demo guardian and child.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { PortalClient } from '../../../test/support/portal.ts';
import { japanDate } from '../../db/time.ts';
import { DEMO_CHILD_CODE, DEMO_MEMBER_CODE, DEMO_MEMBER_PASSWORD } from '../demo/demo-portal.ts';

const ORG = 'demo-coop';
type Link = { id: string; guardian: { member_code: string }; relationship: string; ended_at: string | null; verified_by: string };
type Me = {
  member: { id: string };
  subject: { id: string; member_code: string; is_self: boolean };
  wards: { id: string; member_code: string }[];
};

describe.each(availableDialects())('guardians on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let manager: Client;
  let staff: Client;
  let otherCoop: Client;
  const now = new Date('2026-11-24T02:00:00Z');

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock: () => now, members: 10 });
    // The other co-op's user becomes its department manager: allowed to manage guardians, but of its own members only.
    const other = await f.actor('other');
    const managerRole = await f.ctx.db
      .selectFrom('roles')
      .select('id')
      .where('org_id', '=', other.orgId)
      .where('code', '=', 'department_manager')
      .executeTakeFirstOrThrow();
    await f.ctx.db.updateTable('users').set({ role_id: managerRole.id }).where('id', '=', other.id).execute();
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    [officer, manager, staff, otherCoop] = [new Client(app), new Client(app), new Client(app), new Client(app)];
    for (const [c, login] of [
      [officer, 'officer'],
      [manager, 'manager'],
      [staff, 'staff'],
      [otherCoop, 'other'],
    ] as const)
      expect((await c.login(f, login)).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const signedInGuardian = async () => {
    const c = new PortalClient(app);
    expect(
      (await c.post('/api/v1/portal/auth/login', { org: ORG, member_code: DEMO_MEMBER_CODE, password: DEMO_MEMBER_PASSWORD })).status,
    ).toBe(200);
    return c;
  };

  it('seeds the demo guardian with a ready password and her 10-year-old child as ward', async () => {
    const child = await f.ctx.db
      .selectFrom('members')
      .select(['id', 'birth_date', 'email'])
      .where('member_code', '=', DEMO_CHILD_CODE)
      .executeTakeFirstOrThrow();
    const today = japanDate(now);
    expect(child.birth_date).toBe(`${Number(today.slice(0, 4)) - 10}${today.slice(4)}`);
    expect(child.email).toBeNull();
    const c = await signedInGuardian();
    const me = (await c.get('/api/v1/portal/me')).body as unknown as Me;
    expect(me.subject).toMatchObject({ member_code: DEMO_MEMBER_CODE, is_self: true });
    expect(me.wards).toEqual([{ id: child.id, member_code: DEMO_CHILD_CODE, name: '守田 さくら', relationship: 'parent' }]);
  });

  it('lets the guardian open the ward’s page and return to her own', async () => {
    const c = await signedInGuardian();
    const childId = await f.memberId(DEMO_CHILD_CODE);
    const asChild = await c.post('/api/v1/portal/act-as', { member_id: childId });
    expect(asChild.status).toBe(200);
    expect((asChild.body as unknown as Me).subject).toMatchObject({ id: childId, member_code: DEMO_CHILD_CODE, is_self: false });
    // The subject is kept with the session.
    expect(((await c.get('/api/v1/portal/me')).body as unknown as Me).subject.is_self).toBe(false);
    const self = await c.post('/api/v1/portal/act-as', { member_id: (asChild.body as unknown as Me).member.id });
    expect((self.body as unknown as Me).subject).toMatchObject({ member_code: DEMO_MEMBER_CODE, is_self: true });
    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['outcome', 'member_id', 'detail'])
      .where('action', '=', 'portal.act_as')
      .orderBy('seq')
      .execute();
    expect(trail.slice(-2).map((e) => JSON.parse(e.detail).as)).toEqual(['ward', 'self']);
  });

  it('refuses to open any other member’s page alike, whether the id exists or not, and audits the attempt', async () => {
    const c = await signedInGuardian();
    const other = await f.memberId('1000002');
    const otherCoopMember = await f.memberId('6000001');
    const answers = [];
    for (const id of [other, otherCoopMember, '00000000-0000-4000-8000-000000000000']) {
      const r = await c.post('/api/v1/portal/act-as', { member_id: id });
      answers.push({ status: r.status, raw: r.raw });
    }
    expect(answers[0]!.status).toBe(404);
    expect(JSON.parse(answers[0]!.raw).error.code).toBe('guardian_link_invalid');
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(((await c.get('/api/v1/portal/me')).body as unknown as Me).subject.is_self).toBe(true);
    const refused = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['member_id', 'actor_type', 'error_code'])
      .where('action', '=', 'portal.act_as')
      .where('outcome', '=', 'refused')
      .orderBy('seq')
      .execute();
    expect(refused.slice(-3)).toEqual([
      { member_id: other, actor_type: 'member', error_code: 'guardian_link_invalid' },
      { member_id: null, actor_type: 'member', error_code: 'guardian_link_invalid' },
      { member_id: null, actor_type: 'member', error_code: 'guardian_link_invalid' },
    ]);
  });

  it('lets only privacy officers and department managers register guardians, never a member', async () => {
    const child = await f.memberId('1000003');
    const body = { guardian_member_code: '1000004', relationship: 'parent', proof: '健康保険証で続柄を確認' };
    expect((await staff.post(`/api/v1/members/${child}/guardians`, body)).body.error?.code).toBe('forbidden');
    const member = await signedInGuardian();
    const byMember = await member.post(`/api/v1/members/${child}/guardians`, body);
    expect(byMember.status).toBe(401);
    expect(byMember.body.error?.code).toBe('not_authenticated');
    const created = await manager.post(`/api/v1/members/${child}/guardians`, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      guardian: { member_code: '1000004' },
      relationship: 'parent',
      verified_by: 'manager',
      ended_at: null,
    });
    const listed = await officer.get(`/api/v1/members/${child}/guardians`);
    expect((listed.body.links as Link[]).map((l) => l.guardian.member_code)).toEqual(['1000004']);
  });

  it('refuses a guardian from another co-op, a member as their own guardian, a duplicate, and another co-op’s staff', async () => {
    const child = await f.memberId('1000005');
    const post = (guardian_member_code: string) =>
      officer.post(`/api/v1/members/${child}/guardians`, {
        guardian_member_code,
        relationship: 'legal_guardian',
        proof: '後見登記事項証明書',
      });
    const foreign = await post('6000001');
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toMatchObject({ code: 'member_not_found', issues: [{ field: 'guardian_member_code' }] });
    expect((await post('1000005')).body.error?.code).toBe('guardian_self_link');
    expect((await post('1000006')).status).toBe(201);
    const dup = await post('1000006');
    expect(dup.status).toBe(409);
    expect(dup.body.error?.code).toBe('guardian_link_exists');
    // Another co-op's manager neither sees nor links this co-op's members.
    const seen = await otherCoop.get(`/api/v1/members/${child}/guardians`);
    expect(seen.status).toBe(404);
    expect(seen.body.error?.code).toBe('member_not_found');
    const linked = await otherCoop.post(`/api/v1/members/${child}/guardians`, {
      guardian_member_code: '6000001',
      relationship: 'parent',
      proof: 'x',
    });
    expect(linked.body.error?.code).toBe('member_not_found');
    const rows = await f.ctx.db.selectFrom('guardian_links').select('guardian_member_id').where('child_member_id', '=', child).execute();
    expect(rows.map((r) => r.guardian_member_id)).toEqual([await f.memberId('1000006')]);
  });

  it('ends a link: the guardian loses the ward at once, and the link stays listed as ended', async () => {
    const childId = await f.memberId(DEMO_CHILD_CODE);
    const c = await signedInGuardian();
    await c.post('/api/v1/portal/act-as', { member_id: childId });
    const links = (await officer.get(`/api/v1/members/${childId}/guardians`)).body.links as Link[];
    const active = links.find((l) => l.ended_at === null)!;
    const ended = await officer.request('DELETE', `/api/v1/members/${childId}/guardians/${active.id}`);
    expect(ended.status).toBe(200);
    expect(ended.body.ended_at).toBe(now.toISOString());
    const me = (await c.get('/api/v1/portal/me')).body as unknown as Me;
    expect(me.subject.is_self).toBe(true);
    expect(me.wards).toEqual([]);
    expect((await c.post('/api/v1/portal/act-as', { member_id: childId })).body.error?.code).toBe('guardian_link_invalid');
    expect((await officer.request('DELETE', `/api/v1/members/${childId}/guardians/${active.id}`)).body.error?.code).toBe(
      'guardian_link_invalid',
    );
    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['action', 'actor_type', 'member_id', 'detail'])
      .where('action', 'like', 'guardian.%')
      .where('member_id', '=', childId)
      .orderBy('seq')
      .execute();
    expect(trail.map((e) => `${e.action}:${e.actor_type}`)).toEqual(['guardian.link:system', 'guardian.list:user', 'guardian.unlink:user']);
    for (const e of trail) expect(e.detail).not.toMatch(/健康保険証|守田/);
    // Registered again after a new check, the pair is linked anew.
    const again = await officer.post(`/api/v1/members/${childId}/guardians`, {
      guardian_member_code: DEMO_MEMBER_CODE,
      relationship: 'parent',
      proof: '再確認',
    });
    expect(again.status).toBe(201);
  });
});
