/**
 * 1,000 requests queued at once with one system down for a minute (issue 13, Speed): the demo co-op with its two
 * connected systems (ordering and 共済: SQLite databases of their own, `seedDemo(…, { systemsDir })`), 1,000 deletion
 * requests planned and approved (about 2,000 tasks), then the 共済 system goes away (its file is moved) for
 * `BENCH_DOWN_SECONDS` (60) while two workers of this process drain the queue with back-off (10 s doubling, at most
 * 60 s). Target: every task `done` once it returns, none applied twice (each task's rows changed equal its plan's
 * rows: the system took each plan once); the time to drain is printed. mamori on SQLite in bench/tmp/.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createContext } from '../src/app/context.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { KeyRing } from '../src/modules/crypto/data-keys.ts';
import { demoSystemFiles } from '../src/modules/demo/demo-systems.ts';
import { seedDemo } from '../src/modules/demo/seed.ts';
import { findStaffActor } from '../src/modules/members/actor.ts';
import { fileRequest, stepRequest } from '../src/modules/requests/requests.ts';
import { approveTasks } from '../src/modules/system-tasks/approve-tasks.ts';
import { SystemTaskWorker } from '../src/modules/system-tasks/worker.ts';
import type { BenchResult } from './types.ts';

const REQUESTS = Number(process.env.BENCH_TASK_REQUESTS ?? 1000);
const DOWN_MS = Number(process.env.BENCH_DOWN_SECONDS ?? 60) * 1000;
const dir = join(import.meta.dirname, 'tmp', 'system-tasks');
// The demo systems' files are connected SQLite systems: their folder must be one they may be in.
process.env.MAMORI_SQLITE_SYSTEM_DIRS ??= join(dir, 'systems');

export default async function run(): Promise<BenchResult[]> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const opened = openDatabase(`sqlite:${join(dir, 'mamori.db')}`);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', sqlite: opened.sqlite!, keys: KeyRing.generate() });
  const systemsDir = join(dir, 'systems');
  await seedDemo(ctx, REQUESTS, { systemsDir });
  const officer = await findStaffActor(ctx.db, 'officer');
  const org = await ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
  const members = await ctx.db
    .selectFrom('members')
    .select('id')
    .where('org_id', '=', org.id)
    .orderBy('member_code')
    .limit(REQUESTS)
    .execute();

  // 1,000 deletions, planned (start) and approved: the queue.
  const planStart = Date.now();
  const requestIds: string[] = [];
  for (const m of members) {
    let r = await fileRequest(ctx, officer, { memberId: m.id, kind: 'deletion', detail: {}, channel: 'phone' });
    r = await stepRequest(ctx, officer, r.id, { step: 'verify', identityMethod: 'callback', version: r.version });
    r = await stepRequest(ctx, officer, r.id, { step: 'start', version: r.version });
    await approveTasks(ctx, { actor: officer, requestId: r.id });
    requestIds.push(r.id);
  }
  const planMs = Date.now() - planStart;
  const queued = await ctx.db.selectFrom('system_tasks').select(['id', 'system_code', 'plan']).where('state', '=', 'queued').execute();

  // One system down for a minute, two workers draining meanwhile and after.
  const kyosai = demoSystemFiles(systemsDir).kyosai;
  renameSync(kyosai, `${kyosai}.away`);
  const workers = ['w1', 'w2'].map(
    (owner) => new SystemTaskWorker(ctx, { pollMs: 250, leaseMs: 30_000, backoffMs: 10_000, maxBackoffMs: 60_000, owner }),
  );
  const start = Date.now();
  for (const w of workers) w.start();
  const back = setTimeout(() => renameSync(`${kyosai}.away`, kyosai), DOWN_MS);
  let open = queued.length;
  while (open > 0 && Date.now() - start < DOWN_MS + 10 * 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    open = Number(
      (
        await ctx.db
          .selectFrom('system_tasks')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('state', '!=', 'done')
          .executeTakeFirstOrThrow()
      ).n,
    );
  }
  const drainMs = Date.now() - start;
  clearTimeout(back);
  await Promise.all(workers.map((w) => w.stop()));

  const tasks = await ctx.db.selectFrom('system_tasks').select(['state', 'plan', 'changed', 'attempts', 'system_code']).execute();
  const done = tasks.filter((t) => t.state === 'done').length;
  const twice = tasks.filter((t) => Number(t.changed) !== (JSON.parse(t.plan ?? '{"rows":0}') as { rows: number }).rows).length;
  const retried = tasks.filter((t) => Number(t.attempts) > 1).length;
  await opened.close();
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  return [
    {
      name: `${REQUESTS} deletions queued, one system down ${DOWN_MS / 1000} s: time to drain`,
      target: 'all done after it returns, none applied twice',
      value: Math.round(drainMs / 100) / 10,
      unit: 's',
      ok: done === tasks.length && twice === 0 && open === 0,
      notes: `${tasks.length} tasks (${queued.filter((t) => t.system_code === 'ordering').length} ordering, ${queued.filter((t) => t.system_code === 'kyosai').length} 共済); done ${done}; changed ≠ planned rows: ${twice}; retried: ${retried}; planning and approving took ${Math.round(planMs / 1000)} s (not timed); two workers of one process, back-off 10 s doubling to 60 s`,
    },
  ];
}
