/**
 * Planning a request across the connected systems (issue 13 §4): one task per system of the dataset map (the
 * policy in effect's `systems:`) that holds the person.
 *  - disclosure → `disclose`, queued at once (reading only: no approval);
 *  - deletion → `erase` (the items asked, or all) and correction → `correct` (the corrected ledger fields): the
 *    connector plans without writing, and the task waits in `planned` for the officer's approval; a system
 *    where the plan finds nothing (no row, nothing kept) gets no task;
 *  - cessation of use → `stop` for the systems whose tables serve the stopped purposes: nothing is written, the
 *    task is done at once; the system learns the stop through the stopped-purposes export.
 * Planning again replaces the plans of tasks still `planned` (the data may have changed); tasks approved or run
 * are left as they are. The connectors are asked outside any transaction; the tasks and their audit entries are
 * written in one.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { TaskAction, TaskState } from '../../contract/connector-vocabulary.ts';
import { openStates, type RequestState } from '../../contract/requests.ts';
import type { Tx } from '../../db/database.ts';
import type { SystemTaskTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import type { Change, Plan } from '../connectors/connector.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { openSystem } from '../systems/read-connection.ts';
import { personIdentities, servesPurposes, taskActionOfKind } from './identities.ts';
import { assertSystemTasks } from './permissions.ts';
import { auditTask, planTables } from './record.ts';

/** Tries per task before it is `dead` and waits for the officer. */
export const DEFAULT_MAX_ATTEMPTS = 5;

interface Outcome {
  /** The task's id, known before planning: the connector takes it as the work's reference. */
  id: string;
  system: string;
  state: TaskState;
  plan: Plan | null;
  error: { code: string; detail: string } | null;
}

/** Plans (or plans again) the request's tasks; returns how many tasks were created or replaced. */
export async function planRequest(
  ctx: AppContext,
  opts: { actor: StaffActor | null; requestId: string; orgId: string },
): Promise<{ planned: number }> {
  if (opts.actor) assertSystemTasks(opts.actor, 'plan');
  const request = await ctx.db
    .selectFrom('subject_requests')
    .select(['id', 'org_id', 'member_id', 'kind', 'state', 'detail', 'reference'])
    .where('id', '=', opts.requestId)
    .executeTakeFirst();
  if (!request || request.org_id !== opts.orgId) throw new AppError('request_not_found');
  if (!openStates.includes(request.state as RequestState)) throw new AppError('request_transition_invalid');
  const action = taskActionOfKind[request.kind];
  if (!action) return { planned: 0 };
  const policy = await policyInEffect(ctx.db, request.org_id);
  const systems = policy?.document.systems ?? [];
  if (systems.length === 0) return { planned: 0 };
  const detail = JSON.parse(request.detail) as Record<string, unknown>;
  const existing = await ctx.db.selectFrom('system_tasks').selectAll().where('request_id', '=', request.id).execute();
  const current = (code: string) => existing.find((t) => t.system_code === code && t.action === action);
  // Tasks approved, running or finished are not planned again; cancelled ones are (the request reopened).
  const replaceable = (code: string) => {
    const t = current(code);
    return !t || t.state === 'planned' || t.state === 'cancelled';
  };

  const outcomes: Outcome[] = [];
  const stale: string[] = [];
  if (action === 'disclose') {
    for (const s of systems) {
      if (replaceable(s.code))
        outcomes.push({ id: current(s.code)?.id ?? randomUUID(), system: s.code, state: 'queued', plan: null, error: null });
    }
  } else if (action === 'stop') {
    const purposes = (detail.purposes as string[] | undefined) ?? [];
    for (const s of systems) {
      if (replaceable(s.code) && servesPurposes(s, policy!.document, purposes)) {
        outcomes.push({ id: current(s.code)?.id ?? randomUUID(), system: s.code, state: 'done', plan: null, error: null });
      }
    }
  } else {
    const person = await personIdentities(ctx.db, request.member_id);
    const change: Change =
      action === 'erase'
        ? { kind: 'erase', ...(Array.isArray(detail.items) ? { items: detail.items as string[] } : {}) }
        : { kind: 'correct', values: (detail.changes as Record<string, string | null>) ?? {} };
    const planned = await Promise.all(
      systems
        .filter((s) => replaceable(s.code))
        .map(async (s): Promise<Outcome | null> => {
          const id = current(s.code)?.id ?? randomUUID();
          try {
            const connector = await openSystem(ctx.db, ctx.keys, request.org_id, s.code);
            try {
              const plan = await connector.plan(s, person, change, { reference: id });
              // The system does not hold the person (or holds nothing this change touches): no task.
              if (plan.rows === 0 && plan.kept.length === 0) return null;
              return { id, system: s.code, state: 'planned', plan, error: null };
            } finally {
              await connector.close().catch(() => {});
            }
          } catch (error) {
            return { id, system: s.code, state: 'planned', plan: null, error: errorOf(error) };
          }
        }),
    );
    const none = new Set(systems.map((s) => s.code));
    for (const o of planned) if (o) none.delete(o.system);
    for (const o of planned) if (o) outcomes.push(o);
    // A planned task whose system no longer holds anything to change: removed (nothing was done by it).
    stale.push(...existing.filter((t) => t.action === action && t.state === 'planned' && none.has(t.system_code)).map((t) => t.id));
  }
  const now = ctx.clock();
  // Planned, even where no system holds anything: the answer may go (assertTasksDone).
  const markPlanned = (db: typeof ctx.db | Tx) =>
    db
      .updateTable('subject_requests')
      .set({ systems_planned_at: iso(now) })
      .where('id', '=', request.id)
      .execute();
  if (outcomes.length === 0 && stale.length === 0) {
    await markPlanned(ctx.db);
    return { planned: 0 };
  }

  await ctx.db.transaction().execute(async (tx) => {
    await markPlanned(tx);
    if (stale.length > 0) await tx.deleteFrom('system_tasks').where('id', 'in', stale).where('state', '=', 'planned').execute();
    for (const o of outcomes) {
      const before = current(o.system);
      const values = {
        state: o.state,
        plan: o.plan ? JSON.stringify(o.plan) : null,
        result_enc: null,
        changed: 0,
        attempts: 0,
        next_at: o.state === 'queued' ? iso(now) : null,
        lease_owner: null,
        lease_until: null,
        error_code: o.error?.code ?? null,
        error_detail: o.error?.detail ?? null,
        approved_by: null,
        approved_at: null,
        updated_at: iso(now),
      } satisfies Partial<SystemTaskTable>;
      let task: SystemTaskTable;
      if (before) {
        const r = await tx
          .updateTable('system_tasks')
          .set({ ...values, version: before.version + 1 })
          .where('id', '=', before.id)
          .where('version', '=', before.version)
          .returningAll()
          .executeTakeFirst();
        if (!r) throw new AppError('system_task_state_invalid');
        task = r;
      } else {
        task = {
          id: o.id,
          org_id: request.org_id,
          request_id: request.id,
          system_code: o.system,
          action: action as TaskAction,
          max_attempts: DEFAULT_MAX_ATTEMPTS,
          created_at: iso(now),
          version: 1,
          ...values,
        };
        await tx.insertInto('system_tasks').values(task).execute();
      }
      await auditTask(tx, opts.actor ?? { type: 'system', id: null, orgId: request.org_id, label: 'system-tasks' }, {
        action: 'plan',
        task,
        request,
        state: o.state,
        extra: {
          ...(o.plan ? { table_rows: planTables(o.plan), rows: o.plan.rows, kept: o.plan.kept.length } : {}),
          ...(o.error ? { error: o.error.code } : {}),
        },
        clock: ctx.clock,
      });
    }
  });
  if (outcomes.some((o) => o.state === 'queued')) ctx.events.emit('system_tasks.queued', {});
  return { planned: outcomes.length };
}

/** A failure as a task records it: the error code, and a detail that names no value and no secret. */
export function errorOf(error: unknown): { code: string; detail: string } {
  if (error instanceof AppError) return { code: error.code, detail: error.message.slice(0, 500) };
  // Driver errors may quote values: only their kind and code are kept.
  const e = error as { name?: string; code?: string };
  return { code: 'internal_error', detail: [e?.name ?? 'Error', e?.code].filter(Boolean).join(' ') };
}
