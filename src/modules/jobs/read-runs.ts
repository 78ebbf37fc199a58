/**
 * Reading the job table for the administrators' screen, the API and `mamori jobs list`: recent runs (dead
 * and failed ones first, whatever their age: they wait for someone), the count per state, and per recurring
 * job its schedule, next due run and last success. Nothing here is personal data (counts and redacted
 * errors), so reads are not audited.
 */
import { sql } from 'kysely';
import type { StaffActor } from '../../base/actors.ts';
import type { JobName, JobState } from '../../contract/jobs.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { JobRunTable } from '../../db/schema.ts';
import type { JobDefinition, JobResult } from './definitions.ts';
import { assertMay, mayManage } from './permissions.ts';
import type { ListRunsQuery } from './schemas.ts';

export interface JobRunView {
  id: string;
  job: string;
  due_at: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  /** For a failed run: when it is tried again. */
  next_attempt_at: string | null;
  /** For a running run: which instance holds it, and until when. */
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  result: JobResult | null;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

export interface JobView {
  name: string;
  schedule: { every_minutes: number } | { daily_at_jst: string };
  max_attempts: number;
  next_due_at: string | null;
  last_succeeded_at: string | null;
}

export interface JobsOverview {
  jobs: JobView[];
  runs: JobRunView[];
  counts: Record<JobState, number>;
  /** Whether the reader may retry and discard (the console shows the buttons). */
  can_manage: boolean;
}

export function presentRun(row: JobRunTable): JobRunView {
  return {
    id: row.id,
    job: row.job,
    due_at: row.due_at,
    state: row.state,
    attempts: Number(row.attempts),
    max_attempts: Number(row.max_attempts),
    next_attempt_at: row.state === 'failed' || row.state === 'scheduled' ? row.next_attempt_at : null,
    lease_owner: row.state === 'running' ? row.lease_owner : null,
    lease_until: row.state === 'running' ? row.lease_until : null,
    last_error: row.last_error,
    result: row.result ? (JSON.parse(row.result) as JobResult) : null,
    started_at: row.started_at,
    finished_at: row.finished_at,
    updated_at: row.updated_at,
  };
}

const emptyCounts = (): Record<JobState, number> => ({ scheduled: 0, running: 0, failed: 0, succeeded: 0, dead: 0, discarded: 0 });

/** Runs matching the filters, dead and failed first, then newest due first. */
export async function listRuns(
  db: DbOrTx,
  opts: { actor: StaffActor | null; query: ListRunsQuery; jobs: readonly JobDefinition[] },
): Promise<JobsOverview> {
  if (opts.actor) assertMay(opts.actor, 'read');
  let q = db.selectFrom('job_runs').selectAll();
  if (opts.query.state) q = q.where('state', '=', opts.query.state);
  if (opts.query.job) q = q.where('job', '=', opts.query.job satisfies JobName);
  const rows = await q
    .orderBy(sql`case when state in ('dead', 'failed') then 0 else 1 end`)
    .orderBy('due_at', 'desc')
    .limit(opts.query.limit ?? 100)
    .execute();
  const counted = await db
    .selectFrom('job_runs')
    .select(['state', sql<number>`count(*)`.as('n')])
    .groupBy('state')
    .execute();
  const counts = emptyCounts();
  for (const c of counted) counts[c.state] = Number(c.n);
  const perJob = await db
    .selectFrom('job_runs')
    .select([
      'job',
      sql<string | null>`min(case when state = 'scheduled' then due_at end)`.as('next_due_at'),
      sql<string | null>`max(case when state = 'succeeded' then finished_at end)`.as('last_succeeded_at'),
    ])
    .groupBy('job')
    .execute();
  const byJob = new Map(perJob.map((r) => [r.job, r]));
  return {
    jobs: opts.jobs.map((j) => ({
      name: j.name,
      schedule: 'everyMinutes' in j.schedule ? { every_minutes: j.schedule.everyMinutes } : { daily_at_jst: j.schedule.dailyAtJst },
      max_attempts: j.maxAttempts,
      next_due_at: byJob.get(j.name)?.next_due_at ?? null,
      last_succeeded_at: byJob.get(j.name)?.last_succeeded_at ?? null,
    })),
    runs: rows.map(presentRun),
    counts,
    can_manage: opts.actor ? mayManage(opts.actor) : true,
  };
}
