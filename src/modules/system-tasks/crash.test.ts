/**
 * Never twice (issue 13 §5): a worker process killed (SIGKILL) between applying a plan in the connected system
 * and recording it in mamori leaves the task running under a lease; once the lease expires a new worker process
 * takes it back (the watchdog makes it `failed`, then it is claimed again), applies the same plan — which finds
 * every row already as planned and changes nothing — verifies and records `done`. The ordering system is in the
 * planned state once: nothing was applied twice, no other member's row was touched. mamori's database on SQLite
 * and PostgreSQL; the ordering system a real SQLite file.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectOrdering, createOrderingDb, readOrdering } from '../../../test/support/connected-systems.ts';
import { availableDialects, chained, postgresUrl } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { standInSqliteConnector } from '../../../test/support/sqlite-test-connector.ts';
import { MASK } from '../../contract/connector-vocabulary.ts';
import { fileRequest, stepRequest } from '../requests/requests.ts';
import { approveTasks } from './approve-tasks.ts';

const child = join(import.meta.dirname, '..', '..', '..', 'test', 'support', 'system-task-child.ts');
const LEASE_MS = 400;

standInSqliteConnector();

describe.each(availableDialects())('a worker killed between apply and record, on %s', (dialect) => {
  let f: Fixture;
  let file: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 6 });
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    file = createOrderingDb(['1000001', '1000002', '1000003']);
    await connectOrdering(f.ctx, org.id, file);
    const schema =
      dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(f.ctx.db)).rows[0]!.s : undefined;
    env = {
      MAMORI_CHILD_DB: dialect === 'postgres' ? postgresUrl()! : `sqlite:${f.database.sqlite!.name}`,
      ...(schema ? { MAMORI_CHILD_SCHEMA: schema } : {}),
      MAMORI_CHILD_KEYS: JSON.stringify(f.ctx.keys.file),
      MAMORI_CHILD_LEASE: String(LEASE_MS),
    };
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const runChild = (crash: boolean) =>
    spawnSync(process.execPath, [child], {
      env: { ...process.env, ...env, MAMORI_CHILD_CRASH: crash ? '1' : '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('the re-run applies nothing twice and the task ends done', async () => {
    const officer = await f.actor('officer');
    const before = readOrdering(file);
    let r = await fileRequest(f.ctx, officer, { memberId: await f.memberId('1000002'), kind: 'deletion', detail: {}, channel: 'phone' });
    for (const step of [{ step: 'verify', identityMethod: 'callback' }, { step: 'start' }] as const) {
      r = await stepRequest(f.ctx, officer, r.id, { ...step, version: r.version });
    }
    expect(await approveTasks(f.ctx, { actor: officer, requestId: r.id })).toEqual({ approved: 1 });
    const task = () => f.ctx.db.selectFrom('system_tasks').selectAll().where('request_id', '=', r.id).executeTakeFirstOrThrow();

    // The first worker applies the plan and is killed before recording it.
    const killed = runChild(true);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const left = await task();
    expect(left).toMatchObject({ state: 'running', changed: 0 });
    expect(Number(left.attempts)).toBe(1);
    expect(left.lease_owner).toMatch(/^child:/);
    const applied = readOrdering(file);
    const customer = applied.customers.find((c) => c.member_code === '1000002')!;
    expect(customer.name).toBe(MASK);

    // Once its lease expired, a new worker takes the task back and finishes it.
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 200));
    const rerun = runChild(false);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout.trim()).ran).toBe(1);
    const done = await task();
    expect(done).toMatchObject({ state: 'done', error_code: null, lease_owner: null });
    // The re-run changed nothing: everything was already as planned.
    expect(Number(done.changed)).toBe(0);
    expect(Number(done.attempts)).toBe(2);

    // The ordering system is in the planned state, once.
    const after = readOrdering(file);
    expect(after).toEqual(applied);
    expect(after.customers.filter((c) => c.name === MASK)).toHaveLength(1);
    expect(after.favorites).toHaveLength(before.favorites.length - 1);
    expect(after.orders).toHaveLength(before.orders.length);
    expect(after.orders.filter((o) => o.delivery_address === null)).toHaveLength(2);

    // The audit chain tells the story: interrupted, applied (0 rows), verified.
    const db = await chained(f.ctx.db);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', 'like', 'system_task.%')
      .orderBy('seq')
      .execute();
    const steps = audit.filter((a) => String(a.detail).includes(r.id)).map((a) => [a.action, JSON.parse(String(a.detail))]);
    expect(steps.map(([a]) => a)).toEqual([
      'system_task.plan',
      'system_task.approve',
      'system_task.fail',
      'system_task.apply',
      'system_task.verify',
    ]);
    expect(steps[2]![1]).toMatchObject({ error: 'system_task_interrupted', task_state: 'failed' });
    expect(steps[3]![1]).toMatchObject({ rows_changed: 0 });
  });
});
