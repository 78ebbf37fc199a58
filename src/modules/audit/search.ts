/** Audit search for the privacy office and auditors: by member, actor, purpose, action, outcome and time. */

import { sql } from 'kysely';
import type { RoleKind } from '../../contract/roles.ts';
import type { DbOrTx } from '../../db/database.ts';

export interface AuditQuery {
  orgId: string;
  memberId?: string;
  actorId?: string;
  purpose?: string;
  action?: string;
  outcome?: string;
  /** ISO timestamps, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  /** Entries with seq below this (newest first paging). */
  before?: number;
  limit?: number;
}

/** The filters as a reader gives them (the console, the API, the CLI): a member by code or id, staff by login or id. */
export interface AuditFilters {
  member?: string | undefined;
  actor?: string | undefined;
  purpose?: string | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The id a login or member code that does not exist in the organization resolves to: it matches nothing. */
export const NO_MATCH = '00000000-0000-0000-0000-000000000000';
const isUuid = (s: string) => /^[0-9a-f-]{36}$/.test(s);

/**
 * The filters as a query of the organization's trail: a login or member code is looked up in the organization
 * (one that does not exist there matches nothing, rather than everything).
 */
export async function resolveAuditFilters(db: DbOrTx, orgId: string, f: AuditFilters): Promise<AuditQuery> {
  let actorId = f.actor;
  if (actorId && !isUuid(actorId)) {
    const u = await db.selectFrom('users').select('id').where('login', '=', actorId).where('org_id', '=', orgId).executeTakeFirst();
    actorId = u?.id ?? NO_MATCH;
  }
  let memberId = f.member;
  if (memberId && !isUuid(memberId)) {
    const m = await db
      .selectFrom('members')
      .select('id')
      .where('org_id', '=', orgId)
      .where('member_code', '=', memberId.normalize('NFKC').trim().toUpperCase())
      .executeTakeFirst();
    memberId = m?.id ?? NO_MATCH;
  }
  return {
    orgId,
    ...(memberId ? { memberId } : {}),
    ...(actorId ? { actorId } : {}),
    ...(f.purpose ? { purpose: f.purpose } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
  };
}

/**
 * The search as a query (newest first, `limit` + 1 rows). Which index answers (migrations 0001 and 0007): by
 * member `audit_member (member_id, seq)`, by actor `audit_actor (actor_id, seq)`, otherwise
 * `audit_org_seq (org_id, seq)`, walked from the newest entry (or from `before`) while the other conditions
 * filter.
 */
export function auditSearchQuery(db: DbOrTx, q: AuditQuery, limit: number) {
  // With a member or an actor, the organization is a filter only: written as an expression, so that
  // SQLite (which keeps no statistics here) does not pick the organization's index over the far narrower one.
  const byOrg = q.memberId || q.actorId ? sql<string>`audit_log.org_id || ''` : sql.ref<string>('audit_log.org_id');
  let query = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_id')
    .leftJoin('members', 'members.id', 'audit_log.member_id')
    .select([
      'audit_log.seq',
      'audit_log.ts',
      'audit_log.actor_type',
      'audit_log.actor_id',
      'users.login as actor_login',
      'users.display_name as actor_name',
      'audit_log.action',
      'audit_log.outcome',
      'audit_log.purpose_code',
      'audit_log.member_id',
      'members.member_code',
      'audit_log.error_code',
      'audit_log.detail',
      'audit_log.hash',
    ])
    .where(byOrg, '=', q.orgId);
  if (q.memberId) query = query.where('audit_log.member_id', '=', q.memberId);
  if (q.actorId) query = query.where('audit_log.actor_id', '=', q.actorId);
  if (q.purpose) query = query.where('audit_log.purpose_code', '=', q.purpose);
  if (q.action) query = query.where('audit_log.action', '=', q.action);
  if (q.outcome) query = query.where('audit_log.outcome', '=', q.outcome as never);
  if (q.from) query = query.where('audit_log.ts', '>=', q.from);
  if (q.to) query = query.where('audit_log.ts', '<', q.to);
  if (q.before) query = query.where('audit_log.seq', '<', q.before);
  return query.orderBy('audit_log.seq', 'desc').limit(limit + 1);
}

/**
 * The kinds of role that may see who the staff are (the staff list, GET /users): only they are shown the actor's
 * name and login in the trail; other readers see the kind of actor.
 */
export const staffNameReaders: readonly RoleKind[] = ['system_admin', 'privacy_officer', 'auditor'];

/**
 * Searches the trail. On PostgreSQL the caller first chains what is queued (`drainAuditQueue` on the primary), so
 * that the answer shows every entry committed before the search (a replica shows them once it has replayed).
 */
export async function searchAudit(db: DbOrTx, q: AuditQuery, opts: { staffNames?: boolean } = {}) {
  const limit = Math.min(q.limit ?? 100, 500);
  const rows = await auditSearchQuery(db, q, limit).execute();
  const page = rows.slice(0, limit).map((r) => ({
    ...r,
    ...(opts.staffNames === false ? { actor_login: null, actor_name: null } : {}),
    seq: Number(r.seq),
    detail: JSON.parse(r.detail) as unknown,
  }));
  return { entries: page, next_before: rows.length > limit ? page[page.length - 1]!.seq : null };
}
