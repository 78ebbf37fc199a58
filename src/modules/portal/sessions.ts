/**
 * Member page sessions: a random token in the `mamori_member` cookie, its SHA-256 in `member_sessions`, idle
 * expiry sliding on use. The session also holds whose page is open (`subject_member_id`): null for the
 * member's own, or a ward's, which is re-checked against an active guardian link on every request, so ending
 * a link takes effect at once. No cache: the member page is light, and logout or act-as must bite immediately.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { MemberActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import type { Tx } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';

export interface MemberSessionInfo {
  /** The token's hash (the row id). */
  sessionId: string;
  actor: MemberActor;
}

export const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Opens a session for the account (its own page open) inside the caller's transaction; returns the cookie token. */
export async function startMemberSession(tx: Tx, accountId: string, now: Date, idleMinutes: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await tx
    .insertInto('member_sessions')
    .values({
      id: hashSessionToken(token),
      account_id: accountId,
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(new Date(now.getTime() + idleMinutes * 60_000)),
      subject_member_id: null,
    })
    .execute();
  return token;
}

/**
 * The session behind a cookie token, or null when unknown, expired, or its account or member can no longer
 * sign in (disabled, erased). A ward whose link has ended (or who was erased) falls back to the member's own
 * page. Sliding expiry, written at most once a minute.
 */
export async function findMemberSession(ctx: AppContext, token: string, idleMinutes: number): Promise<MemberSessionInfo | null> {
  if (!token || token.length > 100) return null;
  const now = ctx.clock();
  const row = await ctx.db
    .selectFrom('member_sessions')
    .innerJoin('member_accounts', 'member_accounts.id', 'member_sessions.account_id')
    .innerJoin('members', 'members.id', 'member_accounts.member_id')
    .leftJoin('guardian_links', (j) =>
      j
        .onRef('guardian_links.child_member_id', '=', 'member_sessions.subject_member_id')
        .onRef('guardian_links.guardian_member_id', '=', 'member_accounts.member_id')
        .onRef('guardian_links.org_id', '=', 'member_accounts.org_id')
        .on('guardian_links.ended_at', 'is', null),
    )
    .leftJoin('members as ward', (j) => j.onRef('ward.id', '=', 'guardian_links.child_member_id').on('ward.erased_at', 'is', null))
    .select([
      'member_sessions.id as session_id',
      'member_sessions.expires_at',
      'member_sessions.last_seen_at',
      'member_accounts.id as account_id',
      'member_accounts.member_id',
      'member_accounts.org_id',
      'member_accounts.status',
      'members.erased_at',
      'ward.id as ward_id',
    ])
    .where('member_sessions.id', '=', hashSessionToken(token))
    .executeTakeFirst();
  if (!row || row.expires_at <= iso(now) || row.status !== 'active' || row.erased_at !== null) return null;
  if (now.getTime() - Date.parse(row.last_seen_at) > 60_000) {
    await ctx.db
      .updateTable('member_sessions')
      .set({ last_seen_at: iso(now), expires_at: iso(new Date(now.getTime() + idleMinutes * 60_000)) })
      .where('id', '=', row.session_id)
      .execute();
  }
  const subjectId = row.ward_id ?? row.member_id;
  return {
    sessionId: row.session_id,
    actor: {
      type: 'member',
      accountId: row.account_id,
      memberId: row.member_id,
      orgId: row.org_id,
      subjectId,
      asGuardian: subjectId !== row.member_id,
    },
  };
}

/** The audit trail's actor for a member-page action: the account signed in. */
export const auditActorOf = (actor: Pick<MemberActor, 'accountId' | 'orgId'>) =>
  ({ type: 'member', id: actor.accountId, orgId: actor.orgId }) as const;

/** Ends the session behind the token (sign-out, ログアウト); unknown tokens are ignored. */
export async function endMemberSession(ctx: AppContext, token: string): Promise<void> {
  const id = hashSessionToken(token);
  await ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('member_sessions')
      .innerJoin('member_accounts', 'member_accounts.id', 'member_sessions.account_id')
      .select(['member_accounts.id', 'member_accounts.org_id', 'member_accounts.member_id'])
      .where('member_sessions.id', '=', id)
      .executeTakeFirst();
    if (!row) return;
    await tx.deleteFrom('member_sessions').where('id', '=', id).execute();
    await appendAudit(
      tx,
      auditActorOf({ accountId: row.id, orgId: row.org_id }),
      { action: 'portal.logout', outcome: 'ok', orgId: row.org_id, memberId: row.member_id, detail: {} },
      ctx.clock,
    );
  });
}

/** Housekeeping: expired member sessions, used or stale one-time codes, and stale sign-in throttle rows. */
export async function pruneMemberSignIns(ctx: Pick<AppContext, 'db'>, now: Date): Promise<void> {
  const dayAgo = iso(new Date(now.getTime() - 24 * 3600_000));
  await ctx.db.deleteFrom('member_sessions').where('expires_at', '<', iso(now)).execute();
  // Codes are kept a day: the hourly limit on code requests counts them.
  await ctx.db.deleteFrom('member_one_time_codes').where('created_at', '<', dayAgo).execute();
  await ctx.db
    .deleteFrom('member_sign_in_throttle')
    .where('updated_at', '<', dayAgo)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', iso(now))]))
    .execute();
}
