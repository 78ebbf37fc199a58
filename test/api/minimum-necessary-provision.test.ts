/**
 * Minimum necessary for third-party provision (modules/provision/permissions.ts): one table of roles ×
 * capabilities, each cell asserted over the real HTTP server on SQLite and PostgreSQL. Reading the registers
 * follows the duty `provision_records` (auditors read); a single record or receipt is the work of the privacy
 * officer and department managers with the duty; a provision run — a bulk export of personal data to a third
 * party — and its file are the privacy officer's alone.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRole } from '../../src/modules/organizations/service.ts';
import type { PolicyDocument } from '../../src/modules/policy/document.ts';
import { availableDialects } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, type Response, testServer } from '../support/http.ts';

type Role = 'officer' | 'auditor' | 'manager' | 'managerNoDuty' | 'service' | 'delivery' | 'admin';
const roles: Role[] = ['officer', 'auditor', 'manager', 'managerNoDuty', 'service', 'delivery', 'admin'];
const logins: Record<Role, string> = {
  officer: 'officer',
  auditor: 'auditor',
  manager: 'manager',
  managerNoDuty: 'analyst',
  service: 'service',
  delivery: 'staff',
  admin: 'admin',
};

type Capability =
  | 'provision.preview'
  | 'provision.confirm'
  | 'provision.file'
  | 'provision.runs'
  | 'provision.run'
  | 'provision.records'
  | 'provision.continuous'
  | 'provision.disposals'
  | 'provision.memberRecords'
  | 'provision.recordReceipt'
  | 'provision.receipts';

const Y = true;
const N = false;
// biome-ignore format: the table reads as a table
const table: Record<Capability, Record<Role, boolean>> = {
  //                          officer  auditor  manager  mgr-no-duty  service  delivery  admin
  'provision.preview':       { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'provision.confirm':       { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'provision.file':          { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'provision.runs':          { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'provision.run':           { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'provision.records':       { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'provision.continuous':    { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'provision.disposals':     { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'provision.memberRecords': { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'provision.recordReceipt': { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: N, delivery: N, admin: N },
  'provision.receipts':      { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: N, delivery: N, admin: N },
};

describe.each(availableDialects())('minimum necessary: roles × provision on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  const clients = {} as Record<Role, Client>;
  let memberId: string;
  let confirmedRun: string;

  const runBody = {
    third_party_code: 'court',
    exception_reason: '裁判所からの調査嘱託（民事訴訟法第186条）',
    population: { kind: 'codes', member_codes: ['1000003', '1000004'] },
  };
  const previewed = async (): Promise<string> => {
    const r = await clients.officer.post('/api/v1/provision/runs', runBody);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return String(r.body.id);
  };

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 30 });
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    await f.ctx.db.transaction().execute(async (tx) => {
      const roleId = await createRole(
        tx,
        { type: 'system', id: null, orgId: null, label: 'test' },
        {
          orgId: org.id,
          code: 'store_manager',
          name: '店舗部門管理者',
          name_en: 'Store manager',
          kind: 'department_manager',
          purposeIds: [],
        },
        new Date(),
      );
      await tx.updateTable('users').set({ role_id: roleId }).where('login', '=', 'analyst').where('org_id', '=', org.id).execute();
    });
    // A recipient with items in the register in effect (an Art. 27(1) exception: no consent to arrange).
    const current = await f.ctx.db
      .selectFrom('policy_versions')
      .selectAll()
      .where('org_id', '=', org.id)
      .where('status', '=', 'active')
      .orderBy('number', 'desc')
      .executeTakeFirstOrThrow();
    const doc = JSON.parse(current.document) as PolicyDocument;
    const court: PolicyDocument['third_parties'][number] = {
      code: 'court',
      name: '架空地方裁判所',
      kind: 'recipient',
      legal_basis: 'law',
      items: ['name', 'address'],
      transmission: ['paper'],
    };
    const document = JSON.stringify({ ...doc, third_parties: [...doc.third_parties, court] });
    await f.ctx.db
      .insertInto('policy_versions')
      .values({
        ...current,
        id: randomUUID(),
        number: current.number! + 1,
        document,
        sha256: createHash('sha256').update(document).digest('hex'),
      })
      .execute();
    f.ctx.policy.invalidate();
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const role of roles) {
      clients[role] = new Client(app);
      const res = await clients[role].login(f, logins[role]);
      expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    memberId = await f.memberId('1000001');
    confirmedRun = await previewed();
    expect((await clients.officer.post(`/api/v1/provision/runs/${confirmedRun}/confirm`)).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const calls: Record<Capability, (c: Client) => Promise<Response>> = {
    'provision.preview': (c) => c.post('/api/v1/provision/runs', runBody),
    'provision.confirm': async (c) => c.post(`/api/v1/provision/runs/${await previewed()}/confirm`),
    'provision.file': (c) => c.get(`/api/v1/provision/runs/${confirmedRun}/file`),
    'provision.runs': (c) => c.get('/api/v1/provision/runs'),
    'provision.run': (c) => c.get(`/api/v1/provision/runs/${confirmedRun}`),
    'provision.records': (c) => c.get('/api/v1/provision/records'),
    'provision.continuous': (c) => c.get('/api/v1/provision/continuous'),
    'provision.disposals': (c) => c.get('/api/v1/provision/disposals'),
    'provision.memberRecords': (c) => c.get(`/api/v1/members/${memberId}/provisions`),
    'provision.recordReceipt': (c) =>
      c.post(`/api/v1/members/${memberId}/provisions`, {
        direction: 'received',
        counterparty: { name: '架空共済連', address: '東京都架空区1-2-3', representative: '会長 架空一郎' },
        acquisition: '本人から共済加入申込書により取得',
        items: ['name', 'address'],
      }),
    'provision.receipts': (c) =>
      c.post('/api/v1/provision/receipts', {
        population: { kind: 'codes', member_codes: ['1000005', '1000006'] },
        provider: { name: '架空共済連' },
        acquisition: '本人から共済加入申込書により取得',
        items: ['name'],
      }),
  };

  const cells = (Object.keys(table) as Capability[]).flatMap((cap) => roles.map((role) => [cap, role, table[cap][role]] as const));

  it.each(cells)('%s by %s: allowed = %s', async (cap, role, allowed) => {
    const res = await calls[cap](clients[role]);
    if (allowed) {
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBeGreaterThanOrEqual(200);
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBeLessThan(300);
    } else {
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(403);
      expect(res.body.error?.code).toBe('forbidden');
    }
  });

  it('another co-op’s staff reach neither the runs nor the member’s records', async () => {
    const other = new Client(app);
    expect((await other.login(f, 'other')).status).toBe(200);
    expect((await other.get(`/api/v1/provision/runs/${confirmedRun}`)).body.error?.code).toBe('provision_run_not_found');
    expect((await other.get(`/api/v1/members/${memberId}/provisions`)).body.error?.code).toBe('member_not_found');
    expect((await other.get('/api/v1/provision/runs')).body.runs).toEqual([]);
  });
});
