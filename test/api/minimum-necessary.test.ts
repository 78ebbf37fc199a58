/**
 * Minimum necessary on every screen (issue 10, §3): the registers beyond a purpose's items — consents, requests
 * from the person (with identity documents and guardian links) and provision records — are reached only by the
 * roles whose work they are (duties, organizations/duties.ts). One table of roles × capabilities, each cell
 * asserted over the real HTTP server, on SQLite and PostgreSQL; then the duty granted and taken back through
 * the role grants API, and a member opened for a purpose answering that purpose’s items and nothing else.
 * Outside member data, the scheduled jobs: the system administrator handles them, the privacy officer reads;
 * the systems register (connected systems): both manage it, the auditor reads the list.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleDuties } from '../../src/db/migrations/0008-role-duties.ts';
import { createOrganization, createRole } from '../../src/modules/organizations/service.ts';
import { insertConnection, mapSystems, orderingMap } from '../support/connected-systems.ts';
import { availableDialects, chained } from '../support/db.ts';
import { writeOrderingSystem } from '../support/discovery-system.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, type Response, testServer } from '../support/http.ts';

type Role = 'officer' | 'auditor' | 'manager' | 'managerNoDuty' | 'service' | 'delivery' | 'admin';
const roles: Role[] = ['officer', 'auditor', 'manager', 'managerNoDuty', 'service', 'delivery', 'admin'];
/** The demo login of each row (`analyst` is moved to a department-manager role without duties). */
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
  | 'consents.read'
  | 'consents.record'
  | 'requests.list'
  | 'requests.read'
  | 'requests.intake'
  | 'requests.step'
  | 'requests.adjust'
  | 'requests.addDocument'
  | 'requests.readDocument'
  | 'requests.package'
  | 'requests.export'
  | 'audit.export'
  | 'requests.preview'
  | 'requests.assignees'
  | 'requests.assign'
  | 'attention'
  | 'provisions.read'
  | 'provisions.record'
  | 'guardians.list'
  | 'guardians.link'
  | 'users.status'
  | 'jobs.list'
  | 'jobs.retry'
  | 'jobs.discard'
  | 'alerts.list'
  | 'alerts.acknowledge'
  | 'systemTasks.read'
  | 'systemTasks.plan'
  | 'systemTasks.approve'
  | 'systemTasks.resume'
  | 'systemTasks.cancel'
  | 'systemTasks.attention'
  | 'systems.stoppedPurposes'
  | 'systems.list'
  | 'systems.register'
  | 'systems.update'
  | 'systems.check'
  | 'systems.remove'
  | 'discovery.read'
  | 'discovery.run'
  | 'discovery.decide';

const Y = true;
const N = false;
// biome-ignore format: the table reads as a table
const table: Record<Capability, Record<Role, boolean>> = {
  //                        officer  auditor  manager  mgr-no-duty  service  delivery  admin
  'consents.read':         { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'consents.record':       { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'requests.list':         { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'requests.read':         { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'requests.intake':       { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'requests.step':         { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'requests.adjust':       { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'requests.addDocument':  { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'requests.readDocument': { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'requests.package':      { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'requests.export':       { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'audit.export':          { officer: Y, auditor: Y, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'requests.preview':      { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'requests.assignees':    { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'requests.assign':       { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  // Every signed-in role reads its own counts; which parts it gets is the attention module's table test.
  'attention':             { officer: Y, auditor: Y, manager: Y, managerNoDuty: Y, service: Y, delivery: Y, admin: Y },
  'provisions.read':       { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'provisions.record':     { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: N, delivery: N, admin: N },
  'guardians.list':        { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: N, delivery: N, admin: N },
  'guardians.link':        { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: N, delivery: N, admin: N },
  'users.status':          { officer: N, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'jobs.list':             { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'jobs.retry':            { officer: N, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'jobs.discard':          { officer: N, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'alerts.list':           { officer: Y, auditor: Y, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'alerts.acknowledge':    { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  // A request's work in the connected systems (system-tasks/permissions.ts): approving and resuming change other
  // systems' data (the privacy officer only); the stopped-purposes file goes to the systems' administrators.
  'systemTasks.read':       { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'systemTasks.plan':       { officer: Y, auditor: N, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'systemTasks.approve':    { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'systemTasks.resume':     { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'systemTasks.cancel':     { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
  'systemTasks.attention':  { officer: Y, auditor: Y, manager: Y, managerNoDuty: N, service: Y, delivery: N, admin: N },
  'systems.stoppedPurposes':{ officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  // The systems register (modules/systems/permissions.ts): auditors read the list without settings.
  'systems.list':          { officer: Y, auditor: Y, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'systems.register':      { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'systems.update':        { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'systems.check':         { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'systems.remove':        { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  // Discovery in a connected system (discovery/permissions.ts): deciding writes the policy draft, the officer's.
  'discovery.read':        { officer: Y, auditor: Y, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'discovery.run':         { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: Y },
  'discovery.decide':      { officer: Y, auditor: N, manager: N, managerNoDuty: N, service: N, delivery: N, admin: N },
};

/** /auth/me's `duties` per row. */
const meDuties: Record<Role, Record<string, string | null>> = {
  officer: { member_requests: 'handle', provision_records: 'handle', handovers: 'handle' },
  auditor: { member_requests: 'read', provision_records: 'read', handovers: 'read' },
  manager: { member_requests: 'handle', provision_records: 'handle', handovers: null },
  managerNoDuty: { member_requests: null, provision_records: null, handovers: null },
  service: { member_requests: 'handle', provision_records: 'handle', handovers: null },
  delivery: { member_requests: null, provision_records: null, handovers: null },
  admin: { member_requests: null, provision_records: null, handovers: null },
};

interface Req {
  id: string;
  version: number;
  documents?: { id: string }[];
}

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]).toString('base64');

describe.each(availableDialects())('minimum necessary: roles × registers on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  const clients = {} as Record<Role, Client>;
  let memberId: string;
  /** A request with a document, for reads; an answered disclosure, for the package. */
  let request: Req;
  let documentId: string;
  let answered: Req;
  let systemDir: string | undefined;
  /** A pending proposal of its own for each decision cell (the officer runs discovery again). */
  const pendingProposal = async (): Promise<string> => {
    const run = await clients.officer.post('/api/v1/systems/ordering/discovery');
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    return (run.body.proposals as { id: string }[])[0]!.id;
  };
  /** A dead job run of its own for each retry or discard cell (scheduled jobs belong to the installation). */
  let deadRuns = 0;
  const deadRun = async (): Promise<string> => {
    const id = randomUUID();
    const due = new Date(Date.UTC(2026, 0, 1, 0, deadRuns++)).toISOString();
    await f.ctx.db
      .insertInto('job_runs')
      .values({
        id,
        job: 'send_reminders',
        due_at: due,
        state: 'dead',
        attempts: 6,
        max_attempts: 6,
        next_attempt_at: due,
        lease_owner: null,
        lease_until: null,
        last_error: 'Error [ECONNREFUSED]: connect ECONNREFUSED #',
        result: null,
        created_at: due,
        started_at: due,
        finished_at: due,
        updated_at: due,
      })
      .execute();
    return id;
  };
  /** An open alert of its own for each acknowledgement cell. */
  const openAlert = async (): Promise<string> => {
    const id = randomUUID();
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    await f.ctx.db
      .insertInto('alerts')
      .values({
        id,
        org_id: org.id,
        kind: 'off_hours',
        actor_id: null,
        member_id: null,
        audit_seq: null,
        audit_entry: null,
        created_at: new Date().toISOString(),
        detail: '{}',
        status: 'open',
        acknowledged_by: null,
        acknowledged_at: null,
      })
      .execute();
    return id;
  };
  /** A dead task of the request's, in a system of its own, for each resume cell. */
  const deadTask = async (): Promise<string> => {
    const id = randomUUID();
    const now = new Date().toISOString();
    await f.ctx.db
      .insertInto('system_tasks')
      .values({
        id,
        org_id: (await f.ctx.db.selectFrom('subject_requests').select('org_id').where('id', '=', request.id).executeTakeFirstOrThrow())
          .org_id,
        request_id: request.id,
        system_code: `sys-${id.slice(0, 8)}`,
        action: 'disclose',
        state: 'dead',
        plan: null,
        result_enc: null,
        changed: 0,
        attempts: 5,
        max_attempts: 5,
        next_at: now,
        lease_owner: null,
        lease_until: null,
        error_code: 'system_unreachable',
        error_detail: null,
        approved_by: null,
        approved_at: null,
        created_at: now,
        updated_at: now,
        version: 1,
      })
      .execute();
    return id;
  };
  /** A connected system of its own for each cell that changes one (a SQLite file that does not exist). */
  let systems = 0;
  const systemBody = () => ({
    code: `cap-${systems++}`,
    name: '権限表の連携システム',
    kind: 'sqlite',
    settings: { file: join(tmpdir(), 'nonexistent', 'cap.db') },
  });
  const freshSystem = async (): Promise<{ code: string; version: number }> => {
    const r = await clients.officer.post('/api/v1/systems', systemBody());
    expect(r.status, r.raw).toBe(201);
    return r.body as unknown as { code: string; version: number };
  };
  /** Members handed out one per cell where a write must not collide with another (intake, guardian links). */
  let nextCode = 1000010;
  const freshMember = async () => f.memberId(String(nextCode++));

  const officerFile = async (member: string, body: Record<string, unknown> = {}): Promise<Req> => {
    const r = await clients.officer.post('/api/v1/requests', { channel: 'phone', member_id: member, kind: 'disclosure', ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as unknown as Req;
  };

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 60 });
    // A department manager's role without duties (a co-op's other manager), granted ④ like delivery staff.
    await f.ctx.db.transaction().execute(async (tx) => {
      const org = await tx.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
      const p04 = await tx
        .selectFrom('purposes')
        .select('id')
        .where('org_id', '=', org.id)
        .where('code', '=', 'P04')
        .executeTakeFirstOrThrow();
      const roleId = await createRole(
        tx,
        { type: 'system', id: null, orgId: null, label: 'test' },
        {
          orgId: org.id,
          code: 'store_manager',
          name: '店舗部門管理者',
          name_en: 'Store manager',
          kind: 'department_manager',
          purposeIds: [p04.id],
        },
        new Date(),
      );
      await tx.updateTable('users').set({ role_id: roleId }).where('login', '=', 'analyst').where('org_id', '=', org.id).execute();
    });
    f.ctx.policy.invalidate();
    // A connected system to run discovery in (a SQLite ordering system, synthetic data).
    systemDir = mkdtempSync(join(tmpdir(), 'mamori-capability-'));
    writeOrderingSystem(join(systemDir, 'ordering.db'), 30);
    const demoOrg = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    await insertConnection(f.ctx, {
      orgId: demoOrg.id,
      code: 'ordering',
      name: '注文システム',
      kind: 'sqlite',
      settings: { file: join(systemDir, 'ordering.db') },
    });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const role of roles) {
      clients[role] = new Client(app);
      const res = await clients[role].login(f, logins[role]);
      expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    memberId = await f.memberId('1000001');
    request = await officerFile(memberId);
    const doc = await clients.officer.post(`/api/v1/requests/${request.id}/documents`, {
      kind: 'identity',
      file_name: '本人確認書類.png',
      data_base64: png,
    });
    expect(doc.status, JSON.stringify(doc.body)).toBe(201);
    documentId = String(doc.body.id);
    let a = await officerFile(await f.memberId('1000002'));
    for (const step of [{ step: 'verify', identity_method: 'callback' }, { step: 'start' }, { step: 'approve' }, { step: 'answer' }]) {
      const res = await clients.officer.post(`/api/v1/requests/${a.id}/steps`, { version: a.version, ...step });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      a = res.body as unknown as Req;
    }
    answered = a;
    // A mapped connected system, for the stopped-purposes file (mapped after the answer: nothing to plan there).
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    await mapSystems(f.ctx, org.id, [orderingMap]);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
    if (systemDir) rmSync(systemDir, { recursive: true, force: true });
  });

  /** Each capability as one call; writes get what they need fresh, so each cell stands on its own. */
  const calls: Record<Capability, (c: Client) => Promise<Response>> = {
    'consents.read': (c) => c.get(`/api/v1/members/${memberId}/consents`),
    'consents.record': (c) =>
      c.post(`/api/v1/members/${memberId}/consents`, { subject_kind: 'purpose', subject_code: 'P16', state: 'opted_out', source: 'paper' }),
    'requests.list': (c) => c.get(`/api/v1/requests?member_id=${memberId}&state=all`),
    'requests.read': (c) => c.get(`/api/v1/requests/${request.id}`),
    'requests.intake': async (c) => c.post('/api/v1/requests', { channel: 'paper', member_id: await freshMember(), kind: 'disclosure' }),
    'requests.step': async (c) => {
      const r = await officerFile(await freshMember());
      return c.post(`/api/v1/requests/${r.id}/steps`, { version: r.version, step: 'verify', identity_method: 'callback' });
    },
    'requests.adjust': async (c) => {
      const r = await officerFile(await freshMember());
      return c.patch(`/api/v1/requests/${r.id}`, { version: r.version, fee_yen: 0 });
    },
    'requests.addDocument': (c) =>
      c.post(`/api/v1/requests/${request.id}/documents`, { kind: 'other', file_name: '書類.png', data_base64: png }),
    'requests.readDocument': (c) => c.get(`/api/v1/requests/${request.id}/documents/${documentId}`),
    'requests.package': (c) => c.get(`/api/v1/requests/${answered.id}/package?form=json`),
    'requests.export': (c) => c.get('/api/v1/requests/export?state=all&format=xlsx'),
    'audit.export': (c) => c.get(`/api/v1/audit/export?member=1000001&format=csv`),
    'requests.preview': (c) => c.get(`/api/v1/requests/${answered.id}/package/preview`),
    'requests.assignees': (c) => c.get('/api/v1/requests/assignees'),
    'requests.assign': async (c) => {
      const r = await officerFile(await freshMember());
      const officer = await f.ctx.db.selectFrom('users').select('id').where('login', '=', 'officer').executeTakeFirstOrThrow();
      return c.request('PUT', `/api/v1/requests/${r.id}/assignee`, { json: { assignee_id: officer.id, version: r.version } });
    },
    attention: (c) => c.get('/api/v1/attention'),
    'provisions.read': (c) => c.get(`/api/v1/members/${memberId}/provisions`),
    'provisions.record': (c) =>
      c.post(`/api/v1/members/${memberId}/provisions`, {
        direction: 'provided',
        counterparty: { name: '架空運送株式会社' },
        items: ['name', 'address'],
        legal_basis: 'law',
      }),
    'guardians.list': (c) => c.get(`/api/v1/members/${memberId}/guardians`),
    'guardians.link': async (c) => {
      const child = await freshMember();
      return c.post(`/api/v1/members/${child}/guardians`, {
        guardian_member_code: String(nextCode++),
        relationship: 'parent',
        proof: '健康保険証で続柄を確認',
      });
    },
    // Re-enabling an active user changes nothing a later cell depends on (disabling is in test/api/instances.test.ts).
    'users.status': async (c) => {
      const user = await f.ctx.db.selectFrom('users').select('id').where('login', '=', 'staff').executeTakeFirstOrThrow();
      return c.patch(`/api/v1/users/${user.id}/status`, { status: 'active' });
    },
    'jobs.list': (c) => c.get('/api/v1/jobs'),
    'jobs.retry': async (c) => c.post(`/api/v1/jobs/${await deadRun()}/retry`),
    'jobs.discard': async (c) => c.post(`/api/v1/jobs/${await deadRun()}/discard`),
    'alerts.list': (c) => c.get('/api/v1/alerts?status=open'),
    'alerts.acknowledge': async (c) => c.post('/api/v1/alerts/acknowledge', { ids: [await openAlert()], note: '確認' }),
    'systemTasks.read': (c) => c.get(`/api/v1/requests/${request.id}/system-tasks`),
    'systemTasks.plan': async (c) => c.post(`/api/v1/requests/${(await officerFile(await freshMember())).id}/system-tasks/plan`),
    'systemTasks.approve': (c) => c.post(`/api/v1/requests/${request.id}/system-tasks/approve`, {}),
    'systemTasks.resume': async (c) => c.post(`/api/v1/system-tasks/${await deadTask()}/resume`),
    'systemTasks.cancel': async (c) => c.post(`/api/v1/system-tasks/${await deadTask()}/cancel`),
    'systemTasks.attention': (c) => c.get('/api/v1/system-tasks/attention'),
    'systems.stoppedPurposes': (c) => c.get('/api/v1/systems/ordering/stopped-purposes'),
    'systems.list': (c) => c.get('/api/v1/systems'),
    'systems.register': (c) => c.post('/api/v1/systems', systemBody()),
    'systems.update': async (c) => {
      const s = await freshSystem();
      return c.patch(`/api/v1/systems/${s.code}`, { version: s.version, name: '名称の変更' });
    },
    'systems.check': async (c) => c.post(`/api/v1/systems/${(await freshSystem()).code}/check`),
    'systems.remove': async (c) => {
      const s = await freshSystem();
      return c.request('DELETE', `/api/v1/systems/${s.code}?version=${s.version}`);
    },
    'discovery.read': (c) => c.get('/api/v1/systems/ordering/discovery'),
    'discovery.run': (c) => c.post('/api/v1/systems/ordering/discovery'),
    'discovery.decide': async (c) =>
      c.post('/api/v1/systems/ordering/discovery/decisions', { ids: [await pendingProposal()], decision: 'rejected' }),
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

  it.each(roles)('/auth/me tells %s their duties', async (role) => {
    const me = await clients[role].get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.duties).toEqual(meDuties[role]);
  });

  it('a member opened for ④ answers ④’s items and nothing else, for delivery staff and a manager alike', async () => {
    const me = (await clients.delivery.get('/api/v1/auth/me')).body as unknown as { purposes: { code: string; items: string[] }[] };
    const p04 = me.purposes.find((p) => p.code === 'P04');
    expect(p04?.items.length).toBeGreaterThan(0);
    for (const role of ['delivery', 'managerNoDuty', 'officer'] as const) {
      const res = await clients[role].get(`/api/v1/members/${memberId}?purpose=P04`);
      expect(res.status, role).toBe(200);
      const extra = Object.keys(res.body).filter((k) => k !== 'id' && k !== 'version' && !p04!.items.includes(k));
      expect(extra, role).toEqual([]);
      expect(res.body).toHaveProperty('address');
      expect(res.body).not.toHaveProperty('bank_account');
    }
    // Member services have no ④: the read is refused, whatever their duties.
    expect((await clients.service.get(`/api/v1/members/${memberId}?purpose=P04`)).body.error?.code).toBe('purpose_not_permitted');
  });

  it('the privacy officer grants a duty to delivery staff and takes it back; each change is audited and holds at once', async () => {
    const list = () => clients.delivery.get(`/api/v1/requests?member_id=${memberId}`);
    expect((await list()).status).toBe(403);
    expect(
      (await clients.delivery.request('PUT', '/api/v1/roles/delivery_staff/duties', { json: { duties: ['member_requests'] } })).status,
    ).toBe(403);

    const grant = await clients.officer.request('PUT', '/api/v1/roles/delivery_staff/duties', { json: { duties: ['member_requests'] } });
    expect(grant.status, JSON.stringify(grant.body)).toBe(200);
    expect((await list()).status).toBe(200);
    expect((await clients.delivery.get(`/api/v1/members/${memberId}/provisions`)).status).toBe(403);
    expect((await clients.delivery.get('/api/v1/auth/me')).body.duties).toEqual({
      member_requests: 'handle',
      provision_records: null,
      handovers: null,
    });
    const listed = (await clients.officer.get('/api/v1/roles')).body.roles as { code: string; duties: string[] }[];
    expect(listed.find((r) => r.code === 'delivery_staff')?.duties).toEqual(['member_requests']);
    expect(listed.find((r) => r.code === 'member_service')?.duties).toEqual(['member_requests', 'provision_records']);

    const revoke = await clients.officer.request('PUT', '/api/v1/roles/delivery_staff/duties', { json: { duties: [] } });
    expect(revoke.status).toBe(200);
    expect((await list()).status).toBe(403);

    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['detail', 'outcome'])
      .where('action', '=', 'role.duties')
      .orderBy('seq')
      .execute();
    expect(trail.map((e) => JSON.parse(e.detail))).toEqual([
      { role: 'delivery_staff', duties: ['member_requests'], before: [] },
      { role: 'delivery_staff', duties: [], before: ['member_requests'] },
    ]);

    // The kinds whose duties follow from the kind cannot be given any; unknown duties are not accepted.
    const fixed = await clients.officer.request('PUT', '/api/v1/roles/auditor/duties', { json: { duties: ['member_requests'] } });
    expect(fixed.status).toBe(400);
    expect(fixed.body.error?.issues?.[0]?.code).toBe('duties_fixed_by_kind');
    const unknown = await clients.officer.request('PUT', '/api/v1/roles/delivery_staff/duties', { json: { duties: ['everything'] } });
    expect(unknown.status).toBe(400);
  });
});

describe.each(availableDialects())('migration 0008 on an existing database (%s)', (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 3 });
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('gives no existing role a duty except the demo co-op’s member services and department manager', async () => {
    const system = { type: 'system', id: null, orgId: null, label: 'test' } as const;
    await f.ctx.db.transaction().execute(async (tx) => {
      const now = new Date();
      const orgId = await createOrganization(
        tx,
        system,
        { code: 'real-coop', name: '実在しない生協', name_en: 'Real Co-op', kind: 'coop' },
        now,
      );
      for (const kind of ['staff', 'department_manager'] as const) {
        await createRole(tx, system, { orgId, code: kind, name: kind, name_en: kind, kind, duties: ['member_requests'] }, now);
      }
      // Also a role named like the demo's, in a co-op that is not a demo: it gets nothing either.
      await createRole(tx, system, { orgId, code: 'member_service', name: '窓口', name_en: 'Counter', kind: 'staff' }, now);
    });
    // The database as it was before 0008: no duties column. Then the migration runs over it.
    await sql`alter table roles drop column duties`.execute(f.ctx.db);
    await roleDuties.up(f.ctx.db);
    const rows = await f.ctx.db
      .selectFrom('roles')
      .innerJoin('organizations', 'organizations.id', 'roles.org_id')
      .select(['organizations.code as org', 'roles.code', 'roles.duties'])
      .where('roles.duties', '!=', '[]')
      .orderBy('organizations.code')
      .orderBy('roles.code')
      .execute();
    const granted = ['member_requests', 'provision_records'];
    expect(rows.map((r) => [r.org, r.code, JSON.parse(r.duties)])).toEqual(
      ['demo-coop', 'demo-kyosai', 'demo-other-coop'].flatMap((org) => [
        [org, 'department_manager', granted],
        [org, 'member_service', granted],
      ]),
    );
  });
});
