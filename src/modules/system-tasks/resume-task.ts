/**
 * The officer's hand on a task that stopped (停止) or waits for a retry: resuming queues it again at once with
 * fresh attempts, once the cause (a password, a renamed table, a server down) is fixed. And cancelling: when a
 * request is refused or withdrawn, its tasks not yet run are cancelled; a task running finishes (what it
 * writes is recorded), since a change half carried out is worse than one done.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { TaskState } from '../../contract/connector-vocabulary.ts';
import type { Tx } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import type { Actor } from '../audit/events.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { taskActionOfKind } from './identities.ts';
import { assertSystemTasks } from './permissions.ts';
import { auditTask } from './record.ts';

export async function resumeTask(ctx: AppContext, opts: { actor: StaffActor; taskId: string }): Promise<{ id: string; state: 'queued' }> {
  const now = ctx.clock();
  const resumed = await moveTask(ctx, opts, {
    from: ['failed', 'dead'],
    to: 'queued',
    action: 'resume',
    set: { attempts: 0, next_at: iso(now) },
  });
  ctx.events.emit('system_tasks.queued', {});
  return resumed;
}

/**
 * The officer sets a task aside (取消) that cannot or need not be carried out — a system retired, the person's rows
 * handled there by hand — so that it no longer holds the request's answer back. Not a task running or done.
 */
export function cancelTask(ctx: AppContext, opts: { actor: StaffActor; taskId: string }): Promise<{ id: string; state: 'cancelled' }> {
  return moveTask(ctx, opts, { from: ['planned', 'queued', 'failed', 'dead'], to: 'cancelled', action: 'cancel', set: { next_at: null } });
}

/** One officer's step on one task: from the states it may be in, to `to`, audited with its last error and attempts. */
async function moveTask<S extends 'queued' | 'cancelled'>(
  ctx: AppContext,
  opts: { actor: StaffActor; taskId: string },
  step: { from: readonly TaskState[]; to: S; action: 'resume' | 'cancel'; set: { attempts?: number; next_at: string | null } },
): Promise<{ id: string; state: S }> {
  assertSystemTasks(opts.actor, 'approve');
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const task = await tx.selectFrom('system_tasks').selectAll().where('id', '=', opts.taskId).executeTakeFirst();
    if (!task || task.org_id !== opts.actor.orgId) throw new AppError('system_task_not_found');
    if (!step.from.includes(task.state)) throw new AppError('system_task_state_invalid');
    const request = await tx
      .selectFrom('subject_requests')
      .select(['reference', 'kind', 'member_id'])
      .where('id', '=', task.request_id)
      .executeTakeFirstOrThrow();
    const r = await tx
      .updateTable('system_tasks')
      .set({ ...step.set, state: step.to, updated_at: iso(now), version: task.version + 1 })
      .where('id', '=', task.id)
      .where('version', '=', task.version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError('request_version_conflict');
    await auditTask(tx, opts.actor, {
      action: step.action,
      task,
      request,
      state: step.to,
      extra: { ...(task.error_code ? { error: task.error_code } : {}), attempts: task.attempts },
      clock: ctx.clock,
    });
    return { id: task.id, state: step.to };
  });
}

/** Cancels the request's tasks not yet running (the request was refused or withdrawn), in the step's transaction. */
export async function cancelRequestTasks(
  tx: Tx,
  actor: Actor,
  request: { id: string; reference: string; kind: string; member_id: string },
  now: Date,
): Promise<number> {
  const tasks = await tx
    .selectFrom('system_tasks')
    .selectAll()
    .where('request_id', '=', request.id)
    .where('state', 'in', ['planned', 'queued', 'failed', 'dead'])
    .execute();
  for (const t of tasks) {
    await tx
      .updateTable('system_tasks')
      .set({ state: 'cancelled', next_at: null, updated_at: iso(now), version: t.version + 1 })
      .where('id', '=', t.id)
      .execute();
    await auditTask(tx, actor, { action: 'cancel', task: t, request, state: 'cancelled', clock: () => now });
  }
  return tasks.length;
}

/** Throws `system_tasks_open` while any of the request's tasks still has work to do (the answer waits for them). */
export async function assertTasksDone(tx: Tx, requestId: string): Promise<void> {
  // Never planned while the policy maps systems: "no task" would not mean "nothing to do there".
  const request = await tx
    .selectFrom('subject_requests')
    .select(['org_id', 'kind', 'systems_planned_at'])
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
  if (taskActionOfKind[request.kind] && !request.systems_planned_at) {
    const policy = await policyInEffect(tx, request.org_id);
    if ((policy?.document.systems.length ?? 0) > 0) throw new AppError('system_tasks_unplanned');
  }
  const open = await tx
    .selectFrom('system_tasks')
    .select('id')
    .where('request_id', '=', requestId)
    .where('state', 'in', ['planned', 'queued', 'running', 'applied', 'failed', 'dead'])
    .limit(1)
    .executeTakeFirst();
  if (open) throw new AppError('system_tasks_open');
}
