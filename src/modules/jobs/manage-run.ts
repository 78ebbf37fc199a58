/**
 * An administrator's hand on a failed or dead run (the dead letters): retry it now, with its tries counted
 * afresh, or discard it (set aside, kept in the list as `discarded`). Each is one transaction with its audit
 * entry (`job.retry`, `job.discard`), from the console or `mamori jobs retry`.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { retryableStates } from '../../contract/jobs.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { assertMay } from './permissions.ts';
import { type JobRunView, presentRun } from './read-runs.ts';

/** Staff from the console, or the operator at the command line (`cli`); the permission table decides for staff. */
type Operator = StaffActor | Extract<Actor, { type: 'cli' }>;

async function handle(ctx: AppContext, opts: { actor: Operator; id: string; action: 'retry' | 'discard' }): Promise<JobRunView> {
  if (opts.actor.type === 'user') assertMay(opts.actor, 'manage');
  const now = ctx.clock();
  const at = iso(now);
  return ctx.db.transaction().execute(async (tx) => {
    const run = await tx.selectFrom('job_runs').selectAll().where('id', '=', opts.id).executeTakeFirst();
    if (!run) throw new AppError('job_run_not_found');
    if (!retryableStates.includes(run.state)) throw new AppError('job_run_not_retryable');
    const changed = await tx
      .updateTable('job_runs')
      .set(
        opts.action === 'retry'
          ? { state: 'scheduled', attempts: 0, next_attempt_at: at, finished_at: null, updated_at: at }
          : { state: 'discarded', finished_at: at, updated_at: at },
      )
      .where('id', '=', run.id)
      // A runner may have moved a failed run on meanwhile (claimed it for its next try).
      .where('state', '=', run.state)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) !== 1) throw new AppError('job_run_not_retryable');
    await appendAudit(
      tx,
      opts.actor,
      {
        action: opts.action === 'retry' ? 'job.retry' : 'job.discard',
        outcome: 'ok',
        orgId: opts.actor.orgId,
        detail: { run: run.id, job: run.job, due_at: run.due_at, from: run.state, attempts: Number(run.attempts) },
      },
      ctx.clock,
    );
    return presentRun(await tx.selectFrom('job_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow());
  });
}

/** Schedules a failed or dead run to be tried now (`job_run_not_found`, `job_run_not_retryable`). */
export const retryRun = (ctx: AppContext, opts: { actor: Operator; id: string }) => handle(ctx, { ...opts, action: 'retry' });

/** Sets a failed or dead run aside; it will not be tried again. */
export const discardRun = (ctx: AppContext, opts: { actor: Operator; id: string }) => handle(ctx, { ...opts, action: 'discard' });
