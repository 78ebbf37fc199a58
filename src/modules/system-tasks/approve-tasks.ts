/**
 * The officer approves the previewed plans of a request (承認して実行): each `planned` task with a plan becomes
 * `queued`, and the worker carries it out. Approving refers to the plans the officer saw: a task planned again
 * since (its version moved on) is refused with `request_version_conflict`, so nothing unseen is run.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { openStates, type RequestState } from '../../contract/requests.ts';
import { iso } from '../../db/time.ts';
import { assertSystemTasks } from './permissions.ts';
import { auditTask, parsePlan, planTables } from './record.ts';

export async function approveTasks(
  ctx: AppContext,
  opts: {
    actor: StaffActor;
    requestId: string;
    /** The tasks approved, each with the version the preview showed; omitted: every planned task with a plan. */
    tasks?: { id: string; version: number }[];
  },
): Promise<{ approved: number }> {
  assertSystemTasks(opts.actor, 'approve');
  const now = ctx.clock();
  const result = await ctx.db.transaction().execute(async (tx) => {
    const request = await tx
      .selectFrom('subject_requests')
      .select(['id', 'org_id', 'member_id', 'reference', 'kind', 'state'])
      .where('id', '=', opts.requestId)
      .executeTakeFirst();
    if (!request || request.org_id !== opts.actor.orgId) throw new AppError('request_not_found');
    if (!openStates.includes(request.state as RequestState)) throw new AppError('request_transition_invalid');
    const planned = await tx
      .selectFrom('system_tasks')
      .selectAll()
      .where('request_id', '=', request.id)
      .where('state', '=', 'planned')
      .execute();
    const chosen = opts.tasks
      ? opts.tasks.map((want) => {
          const t = planned.find((p) => p.id === want.id);
          if (!t) throw new AppError('system_task_state_invalid');
          if (t.version !== want.version) throw new AppError('request_version_conflict');
          return t;
        })
      : planned;
    let approved = 0;
    for (const t of chosen) {
      // A task whose planning failed has nothing to approve: plan it again once the cause is fixed.
      if (!t.plan) {
        if (opts.tasks) throw new AppError('system_task_state_invalid');
        continue;
      }
      const r = await tx
        .updateTable('system_tasks')
        .set({
          state: 'queued',
          next_at: iso(now),
          approved_by: opts.actor.id,
          approved_at: iso(now),
          updated_at: iso(now),
          version: t.version + 1,
        })
        .where('id', '=', t.id)
        .where('version', '=', t.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new AppError('request_version_conflict');
      const plan = parsePlan(t);
      await auditTask(tx, opts.actor, {
        action: 'approve',
        task: t,
        request,
        state: 'queued',
        extra: { table_rows: planTables(plan), rows: plan?.rows ?? 0, kept: plan?.kept.length ?? 0 },
        clock: ctx.clock,
      });
      approved += 1;
    }
    return { approved };
  });
  if (result.approved > 0) ctx.events.emit('system_tasks.queued', {});
  return result;
}
