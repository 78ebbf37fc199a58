/**
 * Moving a task on and writing its audit entry in the same transaction (style.md: the audit event is written
 * with the change it records). Every step of a task — plan, approve, apply, verify, fail, resume, cancel — comes
 * through `auditTask`, whose detail names the system, the tables with row counts and error codes, never a value.
 */
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { SystemTaskTable } from '../../db/schema.ts';
import type { Clock } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor, SystemTaskAuditDetail } from '../audit/events.ts';
import type { FoundTable, Plan } from '../connectors/connector.ts';

/** The worker's actor in the audit trail. */
export function workerActor(orgId: string): Actor {
  return { type: 'system', id: null, orgId, label: 'system-tasks' };
}

/** Rows per table of a plan (deleted or updated). */
export function planTables(plan: Plan | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of plan?.steps ?? []) out[s.table] = (out[s.table] ?? 0) + s.keys.length;
  return out;
}

/** Rows per table a disclosure found. */
export function foundTables(found: FoundTable[]): Record<string, number> {
  return Object.fromEntries(found.map((t) => [t.table, t.rows.length]));
}

export function parsePlan(task: Pick<SystemTaskTable, 'plan'>): Plan | null {
  return task.plan ? (JSON.parse(task.plan) as Plan) : null;
}

export async function auditTask(
  tx: Tx,
  actor: Actor,
  opts: {
    action: 'plan' | 'approve' | 'apply' | 'verify' | 'fail' | 'resume' | 'cancel';
    task: Pick<SystemTaskTable, 'org_id' | 'request_id' | 'system_code' | 'action' | 'attempts'>;
    request: { reference: string; kind: string; member_id: string };
    state: SystemTaskTable['state'];
    extra?: Omit<Partial<SystemTaskAuditDetail>, 'request' | 'reference' | 'kind' | 'system' | 'task' | 'task_state'>;
    clock: Clock;
  },
): Promise<void> {
  const detail: SystemTaskAuditDetail = {
    request: opts.task.request_id,
    reference: opts.request.reference,
    kind: opts.request.kind,
    system: opts.task.system_code,
    task: opts.task.action,
    task_state: opts.state,
    ...opts.extra,
  };
  const action = `system_task.${opts.action}` as const;
  const event =
    action === 'system_task.fail' || action === 'system_task.resume' || action === 'system_task.cancel'
      ? { action, outcome: action === 'system_task.fail' ? ('failed' as const) : ('ok' as const), detail }
      : { action, outcome: 'ok' as const, detail };
  await appendAudit(tx, actor, { ...event, orgId: opts.task.org_id, memberId: opts.request.member_id }, opts.clock);
}

/** The request a task belongs to, as the audit detail names it. */
export async function requestOf(
  db: DbOrTx,
  requestId: string,
): Promise<{ id: string; org_id: string; member_id: string; reference: string; kind: string; state: string; detail: string }> {
  return db
    .selectFrom('subject_requests')
    .select(['id', 'org_id', 'member_id', 'reference', 'kind', 'state', 'detail'])
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
}
