/** The policy registers over HTTP: a new co-op configured from scratch, files, conflicts, publishing and enforcement. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../src/db/testing.ts';
import { currentTotp } from '../../src/modules/auth/totp.ts';
import { readMember } from '../../src/modules/members/read-member.ts';
import { setRolePurposes } from '../../src/modules/organizations/setup.ts';
import { parsePolicyFile } from '../../src/modules/policy/policy-file.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, testServer } from '../support/http.ts';
import { completePolicy } from '../support/policy-fixture.ts';

type Draft = { draft: { revision: number; document: Record<string, unknown> }; review: Record<string, unknown> };

describe.each(availableDialects())('policy registers over HTTP on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let now = new Date('2026-11-24T03:00:00Z');
  const clock = () => now;

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock, members: 10 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const draft = async (client = officer) => (await client.get('/api/v1/policy/draft')).body as unknown as Draft;

  it('sets up a new co-op from scratch: the administrator creates it, its officer enrols and edits a blank draft', async () => {
    const admin = new Client(app);
    expect((await admin.login(f, 'admin')).status).toBe(200);
    const created = await admin.post('/api/v1/organizations', {
      code: 'new-coop',
      name: '新しい生活協同組合',
      officer: { login: 'new-officer', display_name: '新任 責任者', password: 'mamori-new-officer-2026' },
    });
    expect(created.status).toBe(201);
    expect(
      (
        await admin.post('/api/v1/organizations', {
          code: 'new-coop',
          name: 'x',
          officer: { login: 'y1234', display_name: 'y', password: 'mamori-new-officer-2026' },
        })
      ).body.error?.code,
    ).toBe('validation_failed');

    const newOfficer = new Client(app);
    expect((await newOfficer.post('/api/v1/auth/login', { login: 'new-officer', password: 'mamori-new-officer-2026' })).body.mfa).toBe(
      'enroll',
    );
    const { secret } = (await newOfficer.post('/api/v1/auth/totp/enroll')).body as { secret: string };
    expect((await newOfficer.post('/api/v1/auth/totp/activate', { code: currentTotp(secret, now) })).status).toBe(200);

    const blank = await draft(newOfficer);
    expect(blank.draft.document).toMatchObject({ organization: { code: 'new-coop', name: '新しい生活協同組合' }, purposes: [] });
    expect(blank.review.publishable).toBe(false);
    const roles = (await newOfficer.get('/api/v1/roles')).body as { roles: { code: string }[] };
    expect(roles.roles.map((r) => r.code).sort()).toEqual(['auditor', 'department_manager', 'privacy_officer', 'staff', 'system_admin']);

    const doc = completePolicy('new-coop');
    const saved = await newOfficer.request('PUT', '/api/v1/policy/draft', { json: { revision: blank.draft.revision, document: doc } });
    expect(saved.status).toBe(200);
    const published = await newOfficer.post('/api/v1/policy/publish', {
      revision: (saved.body as unknown as Draft).draft.revision,
      effective_on: '2026-11-24',
    });
    expect(published.status).toBe(201);
    expect(published.body.version).toMatchObject({ number: 1, status: 'active' });
    expect((await newOfficer.request('PUT', '/api/v1/roles/staff/purposes', { json: { purposes: ['P02'] } })).status).toBe(200);
    expect((await newOfficer.request('PUT', '/api/v1/roles/staff/purposes', { json: { purposes: ['P99'] } })).body.error?.code).toBe(
      'validation_failed',
    );
    const after = (await newOfficer.get('/api/v1/roles')).body as { roles: { code: string; purposes: string[] }[] };
    expect(after.roles.find((r) => r.code === 'staff')?.purposes).toEqual(['P02']);
  });

  it('refuses staff, and shows auditors the draft read-only', async () => {
    const staff = new Client(app);
    await staff.login(f, 'staff');
    expect((await staff.get('/api/v1/policy/draft')).status).toBe(403);
    const auditor = new Client(app);
    await auditor.login(f, 'auditor');
    expect((await auditor.get('/api/v1/policy/draft')).status).toBe(200);
    const d = await draft(auditor);
    expect(
      (await auditor.request('PUT', '/api/v1/policy/draft', { json: { revision: d.draft.revision, document: d.draft.document } })).status,
    ).toBe(403);
  });

  it('rejects a malformed YAML file with the line and field of each problem, and keeps the draft', async () => {
    const before = await draft();
    const yaml = [
      'format: mamori-policy/1',
      'organization:',
      '  code: demo-coop',
      '  name: デモ生協',
      'purposes:',
      '  - number: one',
      '    name: 配達のため',
      '    colour: red',
    ].join('\n');
    const r = await officer.post('/api/v1/policy/draft/file', { revision: before.draft.revision, yaml });
    expect(r.status).toBe(400);
    expect(r.body.error?.code).toBe('policy_file_invalid');
    const issues = r.body.error?.issues as { field: string; code: string; line: number }[];
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'purposes.0.number', code: 'invalid_type', line: 6 }),
        expect.objectContaining({ field: 'purposes.0', code: 'unknown_field', line: 6 }),
      ]),
    );
    const broken = await officer.post('/api/v1/policy/draft/file', { revision: before.draft.revision, yaml: 'format: [unclosed' });
    expect(broken.body.error?.issues?.[0]).toMatchObject({ code: 'yaml_syntax', line: 1 });
    expect((await draft()).draft.revision).toBe(before.draft.revision);
  });

  it('lets only one of two officers save on the same revision', async () => {
    // A TOTP code is accepted once: the second sign-in happens in the next 30-second step.
    now = new Date(now.getTime() + 30_000);
    const second = new Client(app);
    expect((await second.login(f, 'officer')).status).toBe(200);
    const base = await draft();
    const a = completePolicy('demo-coop', { jointUserOrg: 'demo-kyosai' });
    const b = completePolicy('demo-coop', { jointUserOrg: 'demo-kyosai' });
    b.contact!.hours = '10:00〜16:00';
    const [ra, rb] = await Promise.all([
      officer.request('PUT', '/api/v1/policy/draft', { json: { revision: base.draft.revision, document: a } }),
      second.request('PUT', '/api/v1/policy/draft', { json: { revision: base.draft.revision, document: b } }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const loser = ra.status === 409 ? ra : rb;
    expect(loser.body.error).toMatchObject({ code: 'policy_edit_conflict', message_ja: expect.stringContaining('他の担当者') });
  });

  it('publishes, flags a joint-use purpose change for prior notice, and serves every version as a file', async () => {
    const current = await draft();
    const doc = completePolicy('demo-coop', { jointUserOrg: 'demo-kyosai' });
    await officer.request('PUT', '/api/v1/policy/draft', { json: { revision: current.draft.revision, document: doc } });
    const v1 = await officer.post('/api/v1/policy/publish', {
      revision: current.draft.revision + 1,
      effective_on: '2026-11-24',
      summary: '初版',
    });
    expect(v1.status).toBe(201);

    const d = await draft();
    const changed = structuredClone(d.draft.document) as ReturnType<typeof completePolicy>;
    changed.joint_uses[0]!.purposes = ['P02', 'P03'];
    await officer.request('PUT', '/api/v1/policy/draft', { json: { revision: d.draft.revision, document: changed } });
    const review = (await draft()).review as { notice_required: boolean; earliest_effective_on: string };
    expect(review).toMatchObject({ notice_required: true, earliest_effective_on: '2026-12-24' });
    const early = await officer.post('/api/v1/policy/publish', { revision: d.draft.revision + 1, effective_on: '2026-12-01' });
    expect(early.status).toBe(422);
    expect(early.body.error?.code).toBe('policy_notice_period');
    const v2 = await officer.post('/api/v1/policy/publish', { revision: d.draft.revision + 1, effective_on: '2026-12-24' });
    expect(v2.body.version).toMatchObject({ number: 2, status: 'scheduled' });

    const list = (await officer.get('/api/v1/policy/versions')).body.versions as { number: number; status: string }[];
    expect(list.map((v) => [v.number, v.status])).toEqual([
      [2, 'scheduled'],
      [1, 'active'],
    ]);
    const file = await officer.get('/api/v1/policy/versions/1/file');
    expect(file.headers['content-disposition']).toContain("filename*=UTF-8''demo-coop-");
    expect(parsePolicyFile(file.raw).joint_uses[0]?.purposes).toEqual(['P03']);
    expect((await officer.get('/api/v1/policy/versions/9')).body.error?.code).toBe('policy_version_not_found');
  });

  it('lets the joint user read exactly the declared items for the declared purposes, from the effective date', async () => {
    await setRolePurposes(f.ctx, { type: 'cli', id: null, orgId: (await f.actor('kyosai')).orgId, label: 'test' }, 'kyosai_staff', [
      'demo-coop:P03',
    ]);
    const kyosai = await f.actor('kyosai');
    const id = await f.memberId('1000001');
    const seen = await readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P03' });
    // P03 uses member_code, name, address, birth_date; the joint use shares member_code, name, birth_date.
    expect(
      Object.keys(seen)
        .filter((k) => k !== 'id' && k !== 'version')
        .sort(),
    ).toEqual(['birth_date', 'member_code', 'name']);
    await expect(readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P02' })).rejects.toMatchObject({
      code: 'purpose_not_permitted',
    });

    // Version 2 (P02 added to the joint use) takes effect on 2026-12-24 and not a day before.
    await setRolePurposes(f.ctx, { type: 'cli', id: null, orgId: kyosai.orgId, label: 'test' }, 'kyosai_staff', ['demo-coop:P03']);
    now = new Date('2026-12-23T03:00:00Z');
    f.ctx.policy.invalidate();
    expect(
      (await f.ctx.policy.engine()).decide({
        actor: kyosai,
        purpose: 'P02',
        action: 'read',
        member: {
          orgId: (await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow()).id,
          blocks: [],
        },
        today: '2026-12-23',
      }),
    ).toMatchObject({ allowed: false });
    now = new Date('2026-12-24T03:00:00Z');
    f.ctx.policy.invalidate();
    await f.ctx.policy.engine();
    // Sessions last at most a day: sign in again a month later.
    officer = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    const versions = (await officer.get('/api/v1/policy/versions')).body.versions as { number: number; status: string }[];
    expect(versions[0]).toMatchObject({ number: 2, status: 'active' });
    const offered = (
      await f.ctx.db
        .selectFrom('joint_use_purposes')
        .innerJoin('purposes', 'purposes.id', 'joint_use_purposes.purpose_id')
        .select('purposes.code')
        .execute()
    )
      .map((r) => r.code)
      .sort();
    expect(offered).toContain('P02');
  });

  it('refuses a joint use starting later: not effective before its start date', async () => {
    const d = await draft();
    const doc = structuredClone(d.draft.document) as ReturnType<typeof completePolicy>;
    doc.joint_uses[0]!.code = 'kyosai-2027';
    doc.joint_uses[0]!.starts_on = '2027-04-01';
    doc.joint_uses[0]!.purposes = ['P03'];
    await officer.request('PUT', '/api/v1/policy/draft', { json: { revision: d.draft.revision, document: doc } });
    const review = (await draft()).review as { earliest_effective_on: string };
    const v = await officer.post('/api/v1/policy/publish', { revision: d.draft.revision + 1, effective_on: review.earliest_effective_on });
    expect(v.status).toBe(201);
    now = new Date(`${review.earliest_effective_on}T03:00:00Z`);
    f.ctx.policy.invalidate();
    await f.ctx.policy.engine();
    f.ctx.policy.invalidate();
    const kyosai = await f.actor('kyosai');
    const id = await f.memberId('1000002');
    await expect(readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P03' })).rejects.toMatchObject({
      code: 'joint_use_not_effective',
    });
  });
});
