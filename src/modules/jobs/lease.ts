/**
 * The job table's few statements, each one atomic on its own so that instances never need to agree on
 * anything else: make sure a run exists (unique (job, due time), conflicts ignored), claim the next due run
 * (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent claimers pass over each other's rows; SQLite: one
 * UPDATE … RETURNING under the database's write lock), renew a lease, and record the outcome — only while
 * the lease is still the caller's, so an instance that lost its lease cannot overwrite the run's new state.
 */
import { randomUUID } from 'node:crypto';
import { type ExpressionBuilder, sql } from 'kysely';
import type { Db, DialectName } from '../../db/database.ts';
import type { Database, JobRunTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import type { JobResult } from './definitions.ts';

/** Creates the run of `job` due at `dueAt` unless it exists. */
export async function ensureRun(db: Db, opts: { job: string; dueAt: Date; maxAttempts: number; now: Date }): Promise<void> {
  const due = iso(opts.dueAt);
  const now = iso(opts.now);
  await db
    .insertInto('job_runs')
    .values({
      id: randomUUID(),
      job: opts.job,
      due_at: due,
      state: 'scheduled',
      attempts: 0,
      max_attempts: opts.maxAttempts,
      next_attempt_at: due,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      result: null,
      created_at: now,
      started_at: null,
      finished_at: null,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['job', 'due_at']).doNothing())
    .execute();
}

const EXPIRED = 'lease expired: the instance running it stopped or lost the database';

/**
 * Runs whose lease expired (their instance crashed) after their last try: `dead`. Those with tries left are
 * claimable again (`claimNext`).
 */
export async function buryExpired(db: Db, now: Date): Promise<number> {
  const at = iso(now);
  const r = await db
    .updateTable('job_runs')
    .set({ state: 'dead', lease_owner: null, lease_until: null, last_error: EXPIRED, finished_at: at, updated_at: at })
    .where('state', '=', 'running')
    .where('lease_until', '<', at)
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

function claimable(at: string) {
  return (eb: ExpressionBuilder<Database, 'job_runs'>) =>
    eb.or([
      eb.and([eb('state', 'in', ['scheduled', 'failed']), eb('next_attempt_at', '<=', at)]),
      eb.and([eb('state', '=', 'running'), eb('lease_until', '<', at)]),
    ]);
}

/**
 * Claims the most overdue run among `jobs` (the jobs this instance knows), or a running one whose lease
 * expired, for `owner` until `now + leaseMs`; counts the try. Undefined when nothing is due.
 */
export async function claimNext(
  db: Db,
  dialect: DialectName,
  opts: { owner: string; now: Date; leaseMs: number; jobs: readonly string[] },
): Promise<JobRunTable | undefined> {
  if (opts.jobs.length === 0) return undefined;
  const at = iso(opts.now);
  let pick = db.selectFrom('job_runs').select('id').where(claimable(at)).where('job', 'in', opts.jobs).orderBy('next_attempt_at').limit(1);
  // Concurrent claimers on PostgreSQL pass over rows another transaction has locked instead of waiting for
  // them and then finding them taken. SQLite has one writer at a time: the UPDATE alone is atomic.
  if (dialect === 'postgres') pick = pick.forUpdate().skipLocked();
  const claimed = await db
    .updateTable('job_runs')
    .set((eb) => ({
      state: 'running',
      lease_owner: opts.owner,
      lease_until: iso(new Date(opts.now.getTime() + opts.leaseMs)),
      attempts: eb('attempts', '+', 1),
      started_at: at,
      updated_at: at,
    }))
    // `=` and not `in`: a scalar subquery runs once; PostgreSQL may run an `in` subquery per candidate row,
    // and with SKIP LOCKED each run can pick another row, claiming several at once.
    .where('id', '=', pick)
    // Checked again on the row being updated (another claimer may have committed in between).
    .where(claimable(at))
    .returningAll()
    .executeTakeFirst();
  return claimed && { ...claimed, attempts: Number(claimed.attempts), max_attempts: Number(claimed.max_attempts) };
}

/** Extends the lease; false when the run is no longer this owner's (another instance took it over). */
export async function renewLease(db: Db, opts: { id: string; owner: string; until: Date; now: Date }): Promise<boolean> {
  const r = await db
    .updateTable('job_runs')
    .set({ lease_until: iso(opts.until), updated_at: iso(opts.now) })
    .where('id', '=', opts.id)
    .where('lease_owner', '=', opts.owner)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The run succeeded; false when the lease had been lost meanwhile (the outcome is then not recorded). */
export async function recordSuccess(
  db: Db,
  opts: { id: string; owner: string; result: JobResult | undefined; now: Date },
): Promise<boolean> {
  const at = iso(opts.now);
  const r = await db
    .updateTable('job_runs')
    .set({
      state: 'succeeded',
      result: opts.result ? JSON.stringify(opts.result) : null,
      lease_owner: null,
      lease_until: null,
      finished_at: at,
      updated_at: at,
    })
    .where('id', '=', opts.id)
    .where('lease_owner', '=', opts.owner)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * The try failed: `failed` with the next try after `retryInMs`, or `dead` when it was the last. False when the
 * lease had been lost meanwhile.
 */
export async function recordFailure(
  db: Db,
  opts: { id: string; owner: string; error: string; retryInMs: number | null; now: Date },
): Promise<boolean> {
  const at = iso(opts.now);
  const r = await db
    .updateTable('job_runs')
    .set({
      state: opts.retryInMs === null ? 'dead' : 'failed',
      last_error: opts.error,
      lease_owner: null,
      lease_until: null,
      ...(opts.retryInMs === null ? { finished_at: at } : { next_attempt_at: iso(new Date(opts.now.getTime() + opts.retryInMs)) }),
      updated_at: at,
    })
    .where('id', '=', opts.id)
    .where('lease_owner', '=', opts.owner)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Finished runs older than `before` (succeeded or discarded); dead and failed runs stay until handled. */
export async function pruneFinishedRuns(db: Db, before: Date): Promise<number> {
  const r = await db
    .deleteFrom('job_runs')
    .where('state', 'in', ['succeeded', 'discarded'])
    .where('due_at', '<', iso(before))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Runs per state, for the metrics gauge and the admin screen. */
export async function countRunsByState(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('job_runs')
    .select(['state', sql<number>`count(*)`.as('n')])
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
