/**
 * Requests reach the connected systems (issue 13 §4–§5), over HTTP on both dialects of mamori's own database,
 * with a real SQLite file as the ordering system: a deletion is planned, previewed (tables, row counts, kept
 * columns with their rule), approved by the officer, applied, verified and audited; the answer waits for it; a
 * disclosure gathers the system's rows into the package, encrypted until the package is built; faults become
 * a state with the reason, retried with back-off, dead after the last try, resumed by the officer; the watchdog
 * takes back a task whose worker died; a refused request cancels its tasks; a cessation of use reaches the
 * stopped-purposes export; on PostgreSQL, two workers run each task once.
 */
import { renameSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOrdering, createOrderingDb, readOrdering } from '../../../test/support/connected-systems.ts';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { standInSqliteConnector } from '../../../test/support/sqlite-test-connector.ts';
import { MASK } from '../../contract/connector-vocabulary.ts';
import { iso } from '../../db/time.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import { countTasksNeedingAction } from './read-tasks.ts';
import { reencryptTaskResults } from './reencrypt-results.ts';
import { SystemTaskWorker } from './worker.ts';

type Req = { id: string; state: string; version: number; reference: string };
type TaskView = {
  id: string;
  system_code: string;
  system_name: string;
  action: string;
  state: string;
  version: number;
  rows: number;
  changed: number;
  attempts: number;
  tables: { table: string; action: string; rows: number; columns: string[] }[];
  kept: { table: string; column: string; rule: string; rows: number }[];
  error: { code: string; message_ja: string } | null;
};
type TasksView = { tasks: TaskView[]; open: number; awaiting_approval: number; running: boolean };

standInSqliteConnector();

describe.each(availableDialects())('requests across connected systems on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let staff: Client;
  let service: Client;
  let orgId: string;
  let orderingFile: string;
  let now = new Date('2026-11-24T03:00:00Z');
  const clock = () => now;
  const codes = ['1000001', '1000002', '1000003', '1000004', '1000005', '1000006', '1000007', '1000008'];

  const worker = (opts: { owner?: string; leaseMs?: number } = {}) =>
    new SystemTaskWorker(f.ctx, {
      pollMs: 1000,
      leaseMs: opts.leaseMs ?? 60_000,
      backoffMs: 1000,
      ...(opts.owner ? { owner: opts.owner } : {}),
    });

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock, members: 12 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    staff = new Client(app);
    service = new Client(app);
    for (const [c, login] of [
      [officer, 'officer'],
      [staff, 'staff'],
      [service, 'service'],
    ] as const) {
      expect((await c.login(f, login)).status).toBe(200);
    }
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    orgId = org.id;
    orderingFile = createOrderingDb(codes);
    await connectOrdering(f.ctx, orgId, orderingFile);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const file = async (code: string, kind: string, detail: Record<string, unknown> = {}) => {
    const res = await officer.post('/api/v1/requests', { channel: 'phone', member_id: await f.memberId(code), kind, detail });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as unknown as Req;
  };
  const step = async (r: Req, body: Record<string, unknown>) => {
    const res = await officer.post(`/api/v1/requests/${r.id}/steps`, { version: r.version, ...body });
    return res;
  };
  const advance = async (r: Req, steps: Record<string, unknown>[]): Promise<Req> => {
    let cur = r;
    for (const s of steps) {
      const res = await step(cur, s);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      cur = res.body as unknown as Req;
    }
    return cur;
  };
  const started = (r: Req) => advance(r, [{ step: 'verify', identity_method: 'callback' }, { step: 'start' }]);
  const tasksOf = async (r: Req) => {
    const res = await officer.get(`/api/v1/requests/${r.id}/system-tasks`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as unknown as TasksView;
  };
  const customersOf = (code: string) => readOrdering(orderingFile).customers.filter((c) => c.member_code === code);

  it('a deletion is planned, previewed, approved, applied and verified in the ordering system; the answer waits for it', async () => {
    const before = readOrdering(orderingFile);
    const r = await started(await file('1000001', 'deletion'));
    // Starting the work planned the systems: the preview names tables, row counts, columns and what is kept.
    const view = await tasksOf(r);
    expect(view.tasks).toHaveLength(1);
    const task = view.tasks[0]!;
    expect(task).toMatchObject({ system_code: 'ordering', system_name: '注文システム', action: 'erase', state: 'planned', rows: 4 });
    expect(task.tables).toEqual(
      expect.arrayContaining([
        { table: 'customers', action: 'update', rows: 1, columns: ['name', 'phone'] },
        { table: 'orders', action: 'update', rows: 2, columns: ['delivery_address'] },
        { table: 'favorites', action: 'delete', rows: 1, columns: [] },
      ]),
    );
    expect(task.kept).toEqual([
      { table: 'orders', column: 'item_name', item: 'purchase_history', rows: 2, rule: '法人税法により帳簿書類として7年間保存' },
    ]);
    // No value of the person leaves the server in the preview.
    expect(JSON.stringify(view)).not.toContain('試験 太郎');
    expect(JSON.stringify(view)).not.toContain('テスト町');
    expect(view.awaiting_approval).toBe(1);

    // Planned but not approved: nothing written, and the request cannot be answered.
    const approved = await advance(r, [{ step: 'approve' }]);
    const early = await step(approved, { step: 'answer' });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'system_tasks_open' });
    expect(String(early.body.error?.message_ja)).toContain('連携システム');

    // Only the officer approves.
    expect((await service.post(`/api/v1/requests/${r.id}/system-tasks/approve`, {})).status).toBe(403);
    const ok = await officer.post(`/api/v1/requests/${r.id}/system-tasks/approve`, { tasks: [{ id: task.id, version: task.version }] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((ok.body as unknown as TasksView).tasks[0]!.state).toBe('queued');
    expect(customersOf('1000001')[0]!.name).not.toBe(MASK);

    expect(await worker().poll()).toBeGreaterThanOrEqual(1);
    const done = (await tasksOf(r)).tasks[0]!;
    expect(done).toMatchObject({ state: 'done', changed: 4, attempts: 1, error: null });
    const after = readOrdering(orderingFile);
    const customer = customersOf('1000001')[0]!;
    expect(customer).toMatchObject({ name: MASK, phone: null });
    const mine = after.orders.filter((o) => o.customer_id === customer.id);
    expect(mine).toHaveLength(2);
    // The order lines are kept (the law), without the address.
    expect(mine.every((o) => o.delivery_address === null && typeof o.item_name === 'string')).toBe(true);
    expect(after.favorites.filter((x) => x.customer_id === customer.id)).toHaveLength(0);
    // Other members' rows are untouched.
    expect(after.customers.filter((c) => c.name === MASK)).toHaveLength(1);
    expect(after.favorites).toHaveLength(before.favorites.length - 1);
    expect(after.orders.filter((o) => o.delivery_address !== null)).toHaveLength(before.orders.length - 2);

    // Each step is in mamori's audit chain, with counts and never values.
    const db = await chained(f.ctx.db);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', 'like', 'system_task.%')
      .orderBy('seq')
      .execute();
    const mineAudit = audit.filter((a) => String(a.detail).includes(r.id));
    expect(mineAudit.map((a) => a.action)).toEqual(['system_task.plan', 'system_task.approve', 'system_task.apply', 'system_task.verify']);
    expect(mineAudit.map((a) => String(a.detail)).join()).not.toContain('テスト町');

    const answered = await step(approved, { step: 'answer' });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
  });

  it('a disclosure gathers the system’s rows, kept encrypted, into the package under the system’s name', async () => {
    const r = await started(await file('1000002', 'disclosure'));
    const queued = await tasksOf(r);
    expect(queued.tasks.map((t) => [t.action, t.state])).toEqual([['disclose', 'queued']]);
    expect(queued.running).toBe(true);
    await worker().poll();
    const row = await f.ctx.db.selectFrom('system_tasks').selectAll().where('request_id', '=', r.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('done');
    expect(row.result_enc).toBeTruthy();
    expect(row.result_enc).not.toContain('テスト町');
    expect(JSON.parse(f.ctx.keys.decrypt(row.result_enc!))).toHaveLength(3);
    // Key rotation re-encrypts what was found (the old key stays in the ring for anything not yet rotated).
    const rotated = f.ctx.keys.rotated();
    expect(await reencryptTaskResults(f.ctx.db, rotated)).toBeGreaterThanOrEqual(1);
    const again = await f.ctx.db.selectFrom('system_tasks').select('result_enc').where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(KeyRing.keyIdOf(again.result_enc!)).toBe(rotated.primaryId);
    expect(rotated.decrypt(again.result_enc!)).toBe(f.ctx.keys.decrypt(row.result_enc!));
    await f.ctx.db.updateTable('system_tasks').set({ result_enc: row.result_enc }).where('id', '=', row.id).execute();

    const approved = await advance(r, [{ step: 'approve' }]);
    const json = await officer.get(`/api/v1/requests/${approved.id}/package?form=json`);
    expect(json.status).toBe(200);
    const pkg = JSON.parse(json.raw) as { systems: { name: string; tables: { table: string; rows: Record<string, string>[] }[] }[] };
    expect(pkg.systems[0]!.name).toBe('注文システム');
    expect(pkg.systems[0]!.tables.find((t) => t.table === 'orders')!.rows).toHaveLength(2);
    expect(pkg.systems[0]!.tables.find((t) => t.table === 'customers')!.rows[0]!.member_code).toBe('1000002');
    const csv = await officer.get(`/api/v1/requests/${approved.id}/package?form=csv`);
    expect(csv.raw).toContain('他のシステムで保有する情報');
    expect(csv.raw).toContain('注文システム（orders）');
    expect(csv.raw).toContain('テスト町1-1');
    const pdf = await officer.get(`/api/v1/requests/${approved.id}/package?form=pdf`);
    expect(pdf.status).toBe(200);
    expect((await step(approved, { step: 'answer' })).status).toBe(200);
  });

  it('a fault is a state with the reason: retried with back-off, dead after the last try, resumed by the officer once fixed', async () => {
    const r = await started(await file('1000003', 'deletion'));
    const planned = (await tasksOf(r)).tasks[0]!;
    await officer.post(`/api/v1/requests/${r.id}/system-tasks/approve`, {});
    // The system's database file is moved away (an unreachable system).
    const moved = `${orderingFile}.away`;
    renameSync(orderingFile, moved);
    try {
      await worker().poll();
      let t = (await tasksOf(r)).tasks[0]!;
      expect(t).toMatchObject({ id: planned.id, state: 'failed', attempts: 1 });
      expect(t.error?.code).toBe('system_unreachable');
      expect(t.error?.message_ja).toContain('接続できません');
      // Not due before its back-off.
      expect(await worker().poll()).toBe(0);
      const max = 5;
      for (let i = 1; i < max; i++) {
        now = new Date(now.getTime() + 3_600_000);
        await worker().poll();
      }
      t = (await tasksOf(r)).tasks[0]!;
      expect(t).toMatchObject({ state: 'dead', attempts: max });
      expect((await countTasksNeedingAction(f.ctx.db, orgId, now)).dead).toBe(1);
      const attention = await officer.get('/api/v1/system-tasks/attention');
      expect((attention.body.tasks as { id: string; reference: string }[]).map((x) => x.id)).toContain(planned.id);
    } finally {
      renameSync(moved, orderingFile);
    }
    // Resumed by the officer (never by staff), it runs and is done.
    expect((await staff.post(`/api/v1/system-tasks/${planned.id}/resume`, {})).status).toBe(403);
    const resumed = await officer.post(`/api/v1/system-tasks/${planned.id}/resume`, {});
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    expect((await officer.post(`/api/v1/system-tasks/${planned.id}/resume`, {})).body.error?.code).toBe('system_task_state_invalid');
    await worker().poll();
    expect((await tasksOf(r)).tasks[0]).toMatchObject({ state: 'done', attempts: 1, error: null });
    expect(customersOf('1000003')[0]!.name).toBe(MASK);
    // A task done cannot be set aside.
    expect((await officer.post(`/api/v1/system-tasks/${planned.id}/cancel`, {})).body.error?.code).toBe('system_task_state_invalid');
  });

  it('the watchdog takes back a task whose worker died, and a refused request cancels its tasks', async () => {
    const r = await started(await file('1000004', 'deletion'));
    const task = (await tasksOf(r)).tasks[0]!;
    await officer.post(`/api/v1/requests/${r.id}/system-tasks/approve`, {});
    // A worker claimed it and died: running under a lease that expires.
    await f.ctx.db
      .updateTable('system_tasks')
      .set({ state: 'running', attempts: 1, lease_owner: 'gone:1', lease_until: iso(new Date(now.getTime() - 1000)) })
      .where('id', '=', task.id)
      .execute();
    expect((await countTasksNeedingAction(f.ctx.db, orgId, now)).stuck).toBe(1);
    const w = worker();
    expect(await w.watchdog()).toBe(1);
    expect(w.stuckFound).toBe(1);
    const t = (await tasksOf(r)).tasks[0]!;
    expect(t).toMatchObject({ state: 'failed' });
    expect(t.error?.code).toBe('system_task_interrupted');
    await w.poll();
    expect((await tasksOf(r)).tasks[0]).toMatchObject({ state: 'done', attempts: 2 });

    // The officer sets a task aside (a system retired, handled by hand): it no longer holds the answer back.
    const aside = await started(await file('1000002', 'correction', { changes: { phone: '090-1111-2222' } }));
    const asideTask = (await tasksOf(aside)).tasks[0]!;
    expect((await service.post(`/api/v1/system-tasks/${asideTask.id}/cancel`, {})).status).toBe(403);
    const set = await officer.post(`/api/v1/system-tasks/${asideTask.id}/cancel`, {});
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect((await tasksOf(aside)).tasks[0]!.state).toBe('cancelled');
    const asideApproved = await advance(aside, [{ step: 'approve' }]);
    expect((await step(asideApproved, { step: 'answer' })).status).toBe(200);

    // Refusing another request cancels its planned task; nothing is written.
    const other = await started(await file('1000005', 'deletion'));
    expect((await tasksOf(other)).tasks[0]!.state).toBe('planned');
    const refused = await step(other, { step: 'refuse', reason: '法令上の保存義務があるため' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(200);
    expect((await tasksOf(other)).tasks[0]!.state).toBe('cancelled');
    await worker().poll();
    expect(customersOf('1000005')[0]!.name).not.toBe(MASK);
  });

  it('a correction is written where the map says; a cessation of use reaches the stopped-purposes export', async () => {
    const r = await started(await file('1000006', 'correction', { changes: { phone: '090-1234-5678' } }));
    const t = (await tasksOf(r)).tasks[0]!;
    expect(t).toMatchObject({ action: 'correct', state: 'planned', rows: 1 });
    expect(t.tables).toEqual([{ table: 'customers', action: 'update', rows: 1, columns: ['phone'] }]);
    await officer.post(`/api/v1/requests/${r.id}/system-tasks/approve`, {});
    await worker().poll();
    expect(customersOf('1000006')[0]!.phone).toBe('090-1234-5678');

    const c = await started(await file('1000007', 'cessation', { purposes: ['P03'] }));
    const stop = (await tasksOf(c)).tasks;
    expect(stop.map((x) => [x.action, x.state])).toEqual([['stop', 'done']]);
    await advance(c, [{ step: 'approve' }, { step: 'answer' }]);
    // A purpose no table of the system serves gives no task.
    const none = await started(await file('1000008', 'cessation', { purposes: ['P16'] }));
    expect((await tasksOf(none)).tasks).toEqual([]);

    const csv = await officer.get('/api/v1/systems/ordering/stopped-purposes');
    expect(csv.status, csv.raw).toBe(200);
    expect(String(csv.headers['content-type'])).toContain('text/csv');
    expect(csv.raw.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.raw.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('組合員コード,利用停止の目的コード,利用停止の目的,停止日');
    expect(lines.slice(1).some((l) => l.startsWith('1000007,P03,'))).toBe(true);
    expect((await staff.get('/api/v1/systems/ordering/stopped-purposes')).status).toBe(403);
    expect((await officer.get('/api/v1/systems/nowhere/stopped-purposes')).body.error?.code).toBe('system_not_mapped');
  });

  it('a started worker takes approved work at once, not at its next poll', async () => {
    const w = new SystemTaskWorker(f.ctx, { pollMs: 600_000, leaseMs: 60_000 });
    w.start();
    try {
      // The first poll (at start) finds nothing; the next one would be ten minutes later.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const r = await started(await file('1000008', 'correction', { changes: { phone: '090-8765-4321' } }));
      await officer.post(`/api/v1/requests/${r.id}/system-tasks/approve`, {});
      const deadline = Date.now() + 10_000;
      while ((await tasksOf(r)).tasks[0]!.state !== 'done' && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await tasksOf(r)).tasks[0]!.state).toBe('done');
      expect(customersOf('1000008')[0]!.phone).toBe('090-8765-4321');
    } finally {
      await w.stop();
    }
  });

  // Only on PostgreSQL (SKIP LOCKED); defined only there, so that no run counts a skipped test.
  if (dialect === 'postgres')
    it('two workers on PostgreSQL run each task once', async () => {
      const requests: Req[] = [];
      for (const code of ['1000009', '1000010', '1000011', '1000012']) {
        // Members without orders still get a disclose task (reading finds nothing).
        requests.push(await started(await file(code, 'disclosure')));
      }
      const [a, b] = [worker({ owner: 'a' }), worker({ owner: 'b' })];
      const [ran1, ran2] = await Promise.all([a.poll(), b.poll()]);
      expect(ran1 + ran2).toBe(4);
      const rows = await f.ctx.db
        .selectFrom('system_tasks')
        .select(['state', 'attempts'])
        .where(
          'request_id',
          'in',
          requests.map((r) => r.id),
        )
        .execute();
      expect(rows.map((x) => [x.state, Number(x.attempts)])).toEqual(Array(4).fill(['done', 1]));
    });
});
