/**
 * The request's connected systems panel (連携システム): per system, what the plan changes where (per table: the
 * action, the row count, the columns written), what is kept and why, and the progress (state, attempts, the
 * error in words). Never the person's values: the plan's keys and set values stay on the server.
 * Also the attention count (dead and stuck tasks) and the list behind it.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError, errorCatalogue, isErrorCode } from '../../base/errors.ts';
import { openTaskStates } from '../../contract/connector-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { SystemTaskTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import type { FoundTable } from '../connectors/connector.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { assertSystemTasks } from './permissions.ts';
import { parsePlan } from './record.ts';
import type { SystemTasksView, SystemTaskView } from './schemas.ts';

export async function listRequestTasks(ctx: AppContext, opts: { actor: StaffActor; requestId: string }): Promise<SystemTasksView> {
  assertSystemTasks(opts.actor, 'read');
  const request = await ctx.db
    .selectFrom('subject_requests')
    .select(['id', 'org_id', 'kind'])
    .where('id', '=', opts.requestId)
    .executeTakeFirst();
  if (!request || request.org_id !== opts.actor.orgId) throw new AppError('request_not_found');
  const [tasks, names] = await Promise.all([
    ctx.db.selectFrom('system_tasks').selectAll().where('request_id', '=', request.id).orderBy('system_code').execute(),
    systemNames(ctx.db, request.org_id),
  ]);
  const approvers = await approverNames(
    ctx.db,
    tasks.map((t) => t.approved_by).filter((x): x is string => !!x),
  );
  const views = tasks.map((t) => presentTask(t, names.get(t.system_code) ?? t.system_code, approvers));
  return {
    request_id: request.id,
    mapped_systems: names.size,
    tasks: views,
    open: views.filter((t) => openTaskStates.includes(t.state)).length,
    awaiting_approval: views.filter((t) => t.state === 'planned' && t.approvable).length,
    running: views.some((t) => t.state === 'queued' || t.state === 'running' || t.state === 'applied' || t.state === 'failed'),
  };
}

export function presentTask(t: SystemTaskTable, systemName: string, approvers: Map<string, string>): SystemTaskView {
  const plan = parsePlan(t);
  const error = t.error_code
    ? {
        code: t.error_code,
        message_ja: isErrorCode(t.error_code) ? errorCatalogue[t.error_code][1] : t.error_code,
        message_en: isErrorCode(t.error_code) ? errorCatalogue[t.error_code][2] : t.error_code,
        detail: t.error_detail,
      }
    : null;
  return {
    id: t.id,
    system_code: t.system_code,
    system_name: systemName,
    action: t.action,
    state: t.state,
    version: Number(t.version),
    approvable: t.state === 'planned' && plan !== null,
    rows: plan?.rows ?? 0,
    // A drop folder's plan cannot count rows before the system answers: -1 (unknown) for its tables too.
    tables: (plan?.steps ?? []).map((s) => ({
      table: s.table,
      action: s.action,
      rows: plan && plan.rows < 0 ? -1 : s.keys.length,
      columns: Object.keys(s.set ?? {}),
    })),
    kept: (plan?.kept ?? []).map((k) => ({ table: k.table, column: k.column, item: k.item, rows: k.rows, rule: k.rule })),
    changed: Number(t.changed),
    attempts: Number(t.attempts),
    max_attempts: Number(t.max_attempts),
    next_at: t.next_at,
    error,
    approved_by_name: t.approved_by ? (approvers.get(t.approved_by) ?? null) : null,
    approved_at: t.approved_at,
    updated_at: t.updated_at,
  };
}

/** The systems' names: the policy's map first, the register's otherwise. */
async function systemNames(db: DbOrTx, orgId: string): Promise<Map<string, string>> {
  const [policy, registered] = await Promise.all([
    policyInEffect(db, orgId),
    db.selectFrom('connected_systems').select(['code', 'name']).where('org_id', '=', orgId).execute(),
  ]);
  const names = new Map(registered.map((r) => [r.code, r.name]));
  for (const s of policy?.document.systems ?? []) names.set(s.code, s.name);
  return names;
}

async function approverNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/**
 * What each system's disclose task found for the person, decrypted, for the disclosure package: system by
 * system under its name. Only `done` tasks: a disclosure is answered once they all are.
 */
export async function disclosedSystemRows(
  db: DbOrTx,
  keys: KeyRing,
  requestId: string,
): Promise<{ code: string; name: string; tables: FoundTable[] }[]> {
  const tasks = await db
    .selectFrom('system_tasks')
    .select(['org_id', 'system_code', 'result_enc'])
    .where('request_id', '=', requestId)
    .where('action', '=', 'disclose')
    .where('state', '=', 'done')
    .orderBy('system_code')
    .execute();
  if (tasks.length === 0) return [];
  const names = await systemNames(db, tasks[0]!.org_id);
  return tasks.map((t) => ({
    code: t.system_code,
    name: names.get(t.system_code) ?? t.system_code,
    tables: t.result_enc ? (JSON.parse(keys.decrypt(t.result_enc)) as FoundTable[]) : [],
  }));
}

/** The home page's count: tasks stopped (dead) and tasks stuck (running under an expired lease, or failing). */
export async function countTasksNeedingAction(db: DbOrTx, orgId: string, now: Date): Promise<{ dead: number; stuck: number }> {
  const rows = await db
    .selectFrom('system_tasks')
    .select(['state', 'lease_owner', 'lease_until'])
    .where('org_id', '=', orgId)
    .where('state', 'in', ['dead', 'running', 'applied'])
    .execute();
  const at = iso(now);
  return {
    dead: rows.filter((r) => r.state === 'dead').length,
    stuck: rows.filter((r) => r.state !== 'dead' && r.lease_owner !== null && r.lease_until !== null && r.lease_until < at).length,
  };
}

/** The list behind the count: tasks stopped, stuck or failing, with their request's reference. */
export async function listTasksNeedingAction(
  ctx: AppContext,
  actor: StaffActor,
): Promise<(SystemTaskView & { request_id: string; reference: string })[]> {
  assertSystemTasks(actor, 'read');
  const at = iso(ctx.clock());
  const rows = await ctx.db
    .selectFrom('system_tasks')
    .innerJoin('subject_requests', 'subject_requests.id', 'system_tasks.request_id')
    .selectAll('system_tasks')
    .select('subject_requests.reference')
    .where('system_tasks.org_id', '=', actor.orgId)
    .where((eb) =>
      eb.or([
        eb('system_tasks.state', 'in', ['dead', 'failed']),
        eb.and([eb('system_tasks.state', 'in', ['running', 'applied']), eb('system_tasks.lease_until', '<', at)]),
      ]),
    )
    .orderBy('system_tasks.updated_at')
    .limit(500)
    .execute();
  const names = await systemNames(ctx.db, actor.orgId);
  return rows.map((r) => ({
    ...presentTask(r, names.get(r.system_code) ?? r.system_code, new Map()),
    request_id: r.request_id,
    reference: r.reference,
  }));
}
