/** The policy registers over HTTP: a new co-op configured from scratch, files, conflicts, publishing and enforcement. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../../src/modules/auth/totp.ts';
import { readMember } from '../../src/modules/members/read-member.ts';
import { setRolePurposes } from '../../src/modules/organizations/setup.ts';
import { parsePolicyFile } from '../../src/modules/policy/policy-file.ts';
import { availableDialects } from '../support/db.ts';
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
    // The draft names who saved it, for every reader of the draft (not only those who may list the users).
    const savedBy = (saved.body as unknown as { draft: { updated_by: string; updated_by_name: string } }).draft;
    const me = (await newOfficer.get('/api/v1/auth/me')).body as { user: { id: string; display_name: string } };
    expect(savedBy).toMatchObject({ updated_by: me.user.id, updated_by_name: me.user.display_name });
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
        expect.objectContaining({ field: 'purposes.0.number', line: 6 }),
        expect.objectContaining({ field: 'purposes.0', code: 'unknown_field', line: 8 }),
      ]),
    );
    const broken = await officer.post('/api/v1/policy/draft/file', { revision: before.draft.revision, yaml: 'format: [unclosed' });
    expect(broken.body.error?.issues?.[0]).toMatchObject({ code: 'yaml_syntax', line: 1 });
    expect((await draft()).draft.revision).toBe(before.draft.revision);
  });

  // Found by the API fuzz (test/fuzz/api-fuzz.test.ts): an alias without its anchor was a 500.
  it('rejects YAML aliases without an anchor, or too many of them, as a file problem', async () => {
    const before = await draft();
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    ];
    for (const yaml of ['*!', 'format: *nowhere', laughs.join('\n')]) {
      const r = await officer.post('/api/v1/policy/draft/file', { revision: before.draft.revision, yaml });
      expect(r.status, yaml).toBe(400);
      expect(r.body.error?.code).toBe('policy_file_invalid');
      expect(r.body.error?.issues?.[0]).toMatchObject({ code: 'yaml_alias' });
    }
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
    // The demo co-op runs version 1, made from the Miyagi seed: start the draft again from it (the test above left
    // another document in the draft), then add ⑬ to its joint use with the kyosai federation.
    const left = await draft();
    const reset = await officer.post('/api/v1/policy/draft/reset', { revision: left.draft.revision, version: 1 });
    expect(reset.status).toBe(200);
    const d = reset.body as unknown as Draft;
    expect((d.review as { changes: unknown[] }).changes).toEqual([]);
    const changed = structuredClone(d.draft.document) as ReturnType<typeof completePolicy>;
    const kyosaiUse = changed.joint_uses.find((j) => j.code === 'coop-kyosai-ren')!;
    kyosaiUse.purposes = [...kyosaiUse.purposes, 'P13'];
    expect((await officer.request('PUT', '/api/v1/policy/draft', { json: { revision: d.draft.revision, document: changed } })).status).toBe(
      200,
    );
    const review = (await draft()).review as {
      notice_required: boolean;
      earliest_effective_on: string;
      changes: { key: string; notice: string }[];
    };
    expect(review).toMatchObject({ notice_required: true, earliest_effective_on: '2026-12-24' });
    expect(review.changes).toEqual([expect.objectContaining({ key: 'coop-kyosai-ren', notice: 'prior' })]);
    const early = await officer.post('/api/v1/policy/publish', { revision: d.draft.revision + 1, effective_on: '2026-12-01' });
    expect(early.status).toBe(422);
    expect(early.body.error?.code).toBe('policy_notice_period');
    expect(early.body.error?.issues?.[0]).toMatchObject({ field: 'joint_uses.coop-kyosai-ren', code: 'prior_notice_required' });
    const v2 = await officer.post('/api/v1/policy/publish', {
      revision: d.draft.revision + 1,
      effective_on: '2026-12-24',
      summary: '⑬を追加',
    });
    expect(v2.status).toBe(201);
    expect(v2.body.version).toMatchObject({ number: 2, status: 'scheduled', notice_on: '2026-11-24', effective_on: '2026-12-24' });

    const list = (await officer.get('/api/v1/policy/versions')).body.versions as { number: number; status: string }[];
    expect(list.map((v) => [v.number, v.status])).toEqual([
      [2, 'scheduled'],
      [1, 'active'],
    ]);
    const file = await officer.get('/api/v1/policy/versions/1/file');
    expect(file.headers['content-disposition']).toContain("filename*=UTF-8''demo-coop-");
    expect(parsePolicyFile(file.raw).joint_uses.find((j) => j.code === 'coop-kyosai-ren')?.purposes).toEqual(['P14', 'P15']);
    expect((await officer.get('/api/v1/policy/versions/9')).body.error?.code).toBe('policy_version_not_found');
  });

  it('lets the joint user read exactly the declared items for the declared purposes, with the new version from its date', async () => {
    const kyosai = await f.actor('kyosai');
    const jointActor = { type: 'cli' as const, id: null, orgId: kyosai.orgId, label: 'test' };
    const id = await f.memberId('1000001');
    // ⑬ is covered by the group-wide joint use (all sixteen purposes), whose users include the federation.
    await expect(readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P13' })).rejects.toMatchObject({
      code: 'purpose_not_permitted',
    });
    await setRolePurposes(f.ctx, jointActor, 'kyosai_staff', ['demo-coop:P13', 'demo-coop:P14', 'demo-coop:P15']);
    const seen = await readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P13' });
    // ⑬'s items (code, name, kana, phone, e-mail, account, purchases) that the joint use declares: not the kana.
    expect(Object.keys(seen).sort()).toEqual(['bank_account', 'email', 'id', 'member_code', 'name', 'phone', 'version']);

    const kyosaiPurposes = () =>
      f.ctx.db
        .selectFrom('joint_use_purposes')
        .innerJoin('joint_use_groups', 'joint_use_groups.id', 'joint_use_purposes.group_id')
        .innerJoin('purposes', 'purposes.id', 'joint_use_purposes.purpose_id')
        .select('purposes.code')
        .innerJoin('organizations', 'organizations.id', 'joint_use_groups.owner_org_id')
        .where('organizations.code', '=', 'demo-coop')
        .where('joint_use_groups.code', '=', 'coop-kyosai-ren')
        .orderBy('purposes.code')
        .execute()
        .then((rows) => rows.map((r) => r.code));
    now = new Date('2026-12-23T03:00:00Z');
    f.ctx.policy.invalidate();
    await f.ctx.policy.engine();
    expect(await kyosaiPurposes()).toEqual(['P14', 'P15']);
    now = new Date('2026-12-24T03:00:00Z');
    f.ctx.policy.invalidate();
    await f.ctx.policy.engine();
    expect(await kyosaiPurposes()).toEqual(['P13', 'P14', 'P15']);
    // Sessions last at most a day: sign in again a month later.
    officer = new Client(app);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    const versions = (await officer.get('/api/v1/policy/versions')).body.versions as { number: number; status: string }[];
    expect(versions.map((v) => [v.number, v.status])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
  });

  it('refuses a joint use that starts later: not in effect before its start date', async () => {
    const d = await draft();
    const doc = structuredClone(d.draft.document) as ReturnType<typeof completePolicy>;
    doc.purposes.push({
      code: 'P17',
      number: 17,
      name: '共済の新しい商品のご案内のため',
      items: ['name', 'address', 'phone'],
      subjects: [],
    });
    doc.joint_uses.push({
      code: 'kyosai-2027',
      name: '共済の新商品案内の共同利用（2027年度から）',
      users: [{ name: 'デモ共済生活協同組合連合会', org: 'demo-kyosai' }],
      items: ['name', 'address'],
      items_all: false,
      purposes: ['P17'],
      purposes_all: false,
      purpose_items: [],
      responsible: doc.joint_uses[0]!.responsible,
      starts_on: '2027-04-01',
    });
    await officer.request('PUT', '/api/v1/policy/draft', { json: { revision: d.draft.revision, document: doc } });
    const review = (await draft()).review as { earliest_effective_on: string; notice_required: boolean };
    expect(review).toMatchObject({ notice_required: true, earliest_effective_on: '2027-01-23' });
    const v = await officer.post('/api/v1/policy/publish', { revision: d.draft.revision + 1, effective_on: review.earliest_effective_on });
    expect(v.status).toBe(201);
    now = new Date('2027-01-23T03:00:00Z');
    f.ctx.policy.invalidate();
    await f.ctx.policy.engine();
    const kyosai = await f.actor('kyosai');
    await setRolePurposes(f.ctx, { type: 'cli', id: null, orgId: kyosai.orgId, label: 'test' }, 'kyosai_staff', [
      'demo-coop:P17',
      'demo-coop:P14',
    ]);
    const id = await f.memberId('1000002');
    await expect(readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P17' })).rejects.toMatchObject({
      code: 'joint_use_not_effective',
    });
    now = new Date('2027-04-01T03:00:00Z');
    const m = await readMember(f.ctx, { actor: kyosai, memberId: id, purpose: 'P17' });
    expect(Object.keys(m).sort()).toEqual(['address', 'id', 'name', 'version']);
  });
});
