/**
 * The task table's statements for the worker, each atomic on its own (as jobs/lease.ts): claim the next due task
 * (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so that several instances run each task once; SQLite: one UPDATE …
 * RETURNING under the database's write lock), renew a lease, and move a task on — only while the lease is still
 * the caller's, so a worker that lost its lease cannot overwrite what another did since.
 */
import { type ExpressionBuilder, sql } from 'kysely';
import type { Db, DialectName } from '../../db/database.ts';
import type { Database, SystemTaskTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';

/**
 * Claimable: queued or failed tasks whose time has come, and tasks applied but not yet read back that wait for
 * their verification (a drop folder's answer) without a lease.
 */
function claimable(at: string) {
  return (eb: ExpressionBuilder<Database, 'system_tasks'>) =>
    eb.and([
      eb('next_at', '<=', at),
      eb.or([eb('state', 'in', ['queued', 'failed']), eb.and([eb('state', '=', 'applied'), eb('lease_owner', 'is', null)])]),
    ]);
}

/**
 * Claims the most overdue task for `owner` until `now + leaseMs` and counts the try. A task claimed from
 * `applied` stays `applied` (only its verification is left); the others become `running`.
 */
export async function claimNextTask(
  db: Db,
  dialect: DialectName,
  opts: { owner: string; now: Date; leaseMs: number; taskId?: string },
): Promise<SystemTaskTable | undefined> {
  const at = iso(opts.now);
  let pick = db.selectFrom('system_tasks').select('id').where(claimable(at)).orderBy('next_at').limit(1);
  if (opts.taskId) pick = pick.where('id', '=', opts.taskId);
  if (dialect === 'postgres') pick = pick.forUpdate().skipLocked();
  const claimed = await db
    .updateTable('system_tasks')
    .set((eb) => ({
      state: sql<SystemTaskTable['state']>`case when ${eb.ref('state')} = 'applied' then 'applied' else 'running' end`,
      lease_owner: opts.owner,
      lease_until: iso(new Date(opts.now.getTime() + opts.leaseMs)),
      attempts: eb('attempts', '+', 1),
      updated_at: at,
    }))
    // `=` and not `in`: the scalar subquery runs once (see jobs/lease.ts).
    .where('id', '=', pick)
    .where(claimable(at))
    .returningAll()
    .executeTakeFirst();
  return (
    claimed && {
      ...claimed,
      attempts: Number(claimed.attempts),
      max_attempts: Number(claimed.max_attempts),
      changed: Number(claimed.changed),
    }
  );
}

/** Extends the lease; false when the task is no longer this owner's. */
export async function renewTaskLease(db: Db, opts: { id: string; owner: string; until: Date; now: Date }): Promise<boolean> {
  const r = await db
    .updateTable('system_tasks')
    .set({ lease_until: iso(opts.until), updated_at: iso(opts.now) })
    .where('id', '=', opts.id)
    .where('lease_owner', '=', opts.owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The error recorded when a lease expired: the worker holding the task stopped or lost the database. */
export const INTERRUPTED = 'system_task_interrupted';

/**
 * The watchdog: tasks left `running` or `applied` under an expired lease (their worker died) go to `failed`, to
 * be tried again at once — or `dead` when their attempts are used up. Returns how many it found.
 */
export async function expireStuckTasks(db: Db, now: Date): Promise<{ retried: number; dead: number }> {
  const at = iso(now);
  const stuck = (eb: ExpressionBuilder<Database, 'system_tasks'>) =>
    eb.and([eb('state', 'in', ['running', 'applied']), eb('lease_owner', 'is not', null), eb('lease_until', '<', at)]);
  const base = {
    lease_owner: null,
    lease_until: null,
    error_code: INTERRUPTED,
    error_detail: 'lease expired',
    next_at: at,
    updated_at: at,
  };
  const dead = await db
    .updateTable('system_tasks')
    .set((eb) => ({ ...base, state: 'dead', version: eb('version', '+', 1) }))
    .where(stuck)
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .executeTakeFirst();
  const retried = await db
    .updateTable('system_tasks')
    .set((eb) => ({ ...base, state: 'failed', version: eb('version', '+', 1) }))
    .where(stuck)
    .executeTakeFirst();
  return { retried: Number(retried.numUpdatedRows), dead: Number(dead.numUpdatedRows) };
}
