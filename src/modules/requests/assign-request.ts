/**
 * The assignee of a request (担当者): a staff user whose role handles requests, set and changed on the request
 * page by anyone who handles requests. Each change is an event of the request (naming both users in the
 * history) and an audit entry, in one transaction; the version guards against two people assigning at once.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { dutyAccess, parseDuties } from '../../base/duties.ts';
import { AppError } from '../../base/errors.ts';
import { openStates } from '../../contract/requests.ts';
import type { DbOrTx } from '../../db/database.ts';
import { iso, japanDate } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { getRequest, loadForActor, type RequestView } from './requests.ts';

export interface Assignee {
  id: string;
  display_name: string;
}

/** The organization's active staff who may be assigned: their role handles requests (base/duties.ts). */
export async function listAssignees(db: DbOrTx, orgId: string): Promise<Assignee[]> {
  const rows = await db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.display_name', 'roles.kind', 'roles.duties'])
    .where('users.org_id', '=', orgId)
    .where('users.status', '=', 'active')
    .orderBy('users.display_name')
    .execute();
  return rows
    .filter((r) => dutyAccess({ roleKind: r.kind, duties: parseDuties(r.duties) }, 'member_requests') === 'handle')
    .map((r) => ({ id: r.id, display_name: r.display_name }));
}

/** Assigns an open request to a staff user (or to nobody, `assigneeId: null`). */
export async function assignRequest(
  ctx: AppContext,
  actor: StaffActor,
  requestId: string,
  input: { assigneeId: string | null; version: number },
): Promise<RequestView> {
  const now = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    const row = await loadForActor(tx, actor, requestId);
    if (dutyAccess(actor, 'member_requests') !== 'handle') throw new AppError('forbidden');
    if (input.version !== row.version) throw new AppError('request_version_conflict');
    if (!openStates.includes(row.state)) throw new AppError('request_transition_invalid');
    let assignee: Assignee | undefined;
    if (input.assigneeId !== null) {
      assignee = (await listAssignees(tx, row.org_id)).find((c) => c.id === input.assigneeId);
      if (!assignee) throw new AppError('request_assignee_invalid');
    }
    if (input.assigneeId === row.assignee_id) return;
    const updated = await tx
      .updateTable('subject_requests')
      .set({ assignee_id: input.assigneeId, version: row.version + 1, updated_at: iso(now) })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('request_version_conflict');
    // The note names the new assignee as the history shows it (staff only: the person's page leaves it out).
    await tx
      .insertInto('request_events')
      .values({
        id: randomUUID(),
        request_id: row.id,
        at: iso(now),
        actor_type: 'user',
        actor_id: actor.id,
        action: 'assign',
        from_state: row.state,
        to_state: row.state,
        note: assignee?.display_name ?? null,
      })
      .execute();
    await appendAudit(
      tx,
      actor,
      {
        action: 'request.assign',
        outcome: 'ok',
        orgId: row.org_id,
        memberId: row.member_id,
        detail: { request: row.id, reference: row.reference, kind: row.kind, assignee: input.assigneeId, previous: row.assignee_id },
      },
      ctx.clock,
    );
  });
  return getRequest(ctx.db, actor, requestId, { withEvents: true, today: japanDate(ctx.clock()) });
}
