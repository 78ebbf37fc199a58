/**
 * What needs the reader's attention (home page): open and overdue requests with the nearest days left, new
 * (unacknowledged) alerts, ledger reviews due, and policy versions scheduled with their notice periods. Counts
 * only, each for the roles of permissions.ts; the lists behind them are the screens the counts link to.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { daysBetween } from '../../base/rules.ts';
import { openStates } from '../../contract/requests.ts';
import { japanDate } from '../../db/time.ts';
import { countContractorsDue } from '../handovers/read-contractors.ts';
import { readScope } from '../ledger/permissions.ts';
import { countAssets } from '../ledger/read-assets.ts';
import { countTasksNeedingAction } from '../system-tasks/read-tasks.ts';
import { seesAttention } from './permissions.ts';
import type { Attention } from './schemas.ts';

export async function readAttention(ctx: AppContext, actor: StaffActor): Promise<Attention> {
  const today = japanDate(ctx.clock());
  const db = ctx.db;
  const [requests, systemTasks, alerts, ledger, policy, contractors] = await Promise.all([
    seesAttention(actor, 'requests') ? requestCounts(ctx, actor, today) : null,
    seesAttention(actor, 'system_tasks') ? countTasksNeedingAction(db, actor.orgId, ctx.clock()) : null,
    seesAttention(actor, 'alerts')
      ? db
          .selectFrom('alerts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', actor.orgId)
          .where('status', '=', 'open')
          .executeTakeFirstOrThrow()
          .then((r) => ({ open: Number(r.n) }))
      : null,
    seesAttention(actor, 'ledger')
      ? countAssets(db, readScope(actor), today).then((c) => ({ overdue: c.overdue, due_soon: c.due_soon }))
      : null,
    seesAttention(actor, 'policy')
      ? db
          .selectFrom('policy_versions')
          .select(['number', 'notice_on', 'effective_on'])
          .where('org_id', '=', actor.orgId)
          .where('status', '=', 'scheduled')
          .orderBy('effective_on')
          .execute()
          .then((rows) => ({
            scheduled: rows.map((r) => ({
              number: r.number,
              notice_on: r.notice_on,
              effective_on: r.effective_on,
              notice_days: r.notice_on && r.effective_on ? daysBetween(r.notice_on, r.effective_on) : null,
              days_until: r.effective_on ? daysBetween(today, r.effective_on) : null,
            })),
          }))
      : null,
    seesAttention(actor, 'contractors') ? countContractorsDue(ctx, actor.orgId) : null,
  ]);
  return { today, requests, system_tasks: systemTasks, alerts, ledger, policy, contractors };
}

async function requestCounts(ctx: AppContext, actor: StaffActor, today: string): Promise<NonNullable<Attention['requests']>> {
  const rows = await ctx.db
    .selectFrom('subject_requests')
    .select(['due_on', 'assignee_id'])
    .where('org_id', '=', actor.orgId)
    .where('state', 'in', openStates)
    .orderBy('due_on')
    .execute();
  const nearest = rows[0]?.due_on ?? null;
  return {
    open: rows.length,
    overdue: rows.filter((r) => r.due_on < today).length,
    nearest_days_left: nearest ? daysBetween(today, nearest) : null,
    nearest_due_on: nearest,
    mine: rows.filter((r) => r.assignee_id === actor.id).length,
  };
}
