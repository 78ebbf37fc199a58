/**
 * Password sign-in to the member page. A wrong password, an unknown member code and a member without a
 * password all answer `member_sign_in_failed`, after the same argon2 work.
 *
 * Lockout without telling who exists: failures are counted per login typed. A login with a password account
 * counts on its account row; any other login (unknown, erased, no account yet, disabled) counts on a row of
 * `member_sign_in_throttle` keyed by the hash of what was typed. Both lock after `lockoutThreshold` failures
 * for `lockoutMinutes` and answer `member_account_locked` while locked, even to the right password (no
 * oracle for a guesser). So an attacker who fails five times under any member code sees the same lockout,
 * and learns nothing about whether the code exists. The lockout can be used to annoy a member; the one-time
 * code by e-mail lifts it, and the per-address rate limit slows the annoyance.
 */
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { iso } from '../../db/time.ts';
import { appendAudit, appendAuditAlone } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { verifyAgainstDummy, verifyPassword } from '../auth/passwords.ts';
import type { AuthPolicy } from '../auth/sessions.ts';
import { findLoginMember, type LoginMember, type MemberLogin, throttleKey } from './accounts.ts';
import { auditActorOf, startMemberSession } from './sessions.ts';

const anonymous: Actor = { type: 'anonymous', id: null, orgId: null };

/** Where a login's failures are counted. */
type Counter = { kind: 'account'; id: string } | { kind: 'throttle'; key: string };

interface CounterState {
  failedAttempts: number;
  lockedUntil: string | null;
}

/** Signs a member in with their password; returns the session token. */
export async function signInWithPassword(
  ctx: AppContext,
  policy: AuthPolicy,
  login: MemberLogin & { password: string },
): Promise<{ token: string }> {
  const now = ctx.clock();
  const member = await findLoginMember(ctx.db, login);
  const account = member?.account?.status === 'active' && member.account.password_hash ? member.account : null;
  const { counter, state } = account
    ? {
        counter: { kind: 'account', id: account.id } as Counter,
        state: { failedAttempts: account.failed_attempts, lockedUntil: account.locked_until },
      }
    : await throttleOf(ctx, throttleKey(login));
  const valid = await checkPassword(account?.password_hash ?? null, login.password);
  const locked = state.lockedUntil !== null && state.lockedUntil > iso(now);
  if (locked) {
    await appendAuditAlone(ctx.db, anonymous, failedEvent(member, 'locked', 'member_account_locked'), ctx.clock);
    throw new AppError('member_account_locked');
  }
  if (!valid || !account || !member) {
    const lockedNow = await countFailure(ctx, policy, counter, member, account ? 'wrong_password' : 'no_password_account');
    throw new AppError(lockedNow ? 'member_account_locked' : 'member_sign_in_failed');
  }
  const accountId = account.id;
  const orgId = member.orgId;
  const token = await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('member_accounts')
      .set({ failed_attempts: 0, locked_until: null, last_sign_in_at: iso(now) })
      .where('id', '=', accountId)
      .execute();
    const token = await startMemberSession(tx, accountId, now, policy.sessionIdleMinutes);
    await appendAudit(
      tx,
      auditActorOf({ accountId, orgId }),
      { action: 'portal.sign_in', outcome: 'ok', orgId, memberId: member.memberId, detail: { step: 'password' } },
      ctx.clock,
    );
    return token;
  });
  return { token };
}

/** The same argon2 work whether or not there is a password to check. */
async function checkPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash) return verifyPassword(hash, password);
  await verifyAgainstDummy(password);
  return false;
}

async function throttleOf(ctx: AppContext, key: string): Promise<{ counter: Counter; state: CounterState }> {
  const row = await ctx.db
    .selectFrom('member_sign_in_throttle')
    .select(['failed_attempts', 'locked_until'])
    .where('key_hash', '=', key)
    .executeTakeFirst();
  return {
    counter: { kind: 'throttle', key },
    state: { failedAttempts: Number(row?.failed_attempts ?? 0), lockedUntil: row?.locked_until ?? null },
  };
}

/**
 * Counts a failure; at the threshold the login locks and its counter restarts. Returns true when this
 * attempt locked it. The failure and the lock are in the audit trail.
 */
async function countFailure(
  ctx: AppContext,
  policy: AuthPolicy,
  counter: Counter,
  member: LoginMember | undefined,
  reason: 'wrong_password' | 'no_password_account',
): Promise<boolean> {
  const now = ctx.clock();
  const until = iso(new Date(now.getTime() + policy.lockoutMinutes * 60_000));
  // Counted in the database (`failed_attempts + 1`), never from the count read before: attempts running at the
  // same time, on one instance or several, each count, and the one that reaches the threshold locks.
  return ctx.db.transaction().execute(async (tx) => {
    let attempts: number;
    if (counter.kind === 'account') {
      const row = await tx
        .updateTable('member_accounts')
        .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
        .where('id', '=', counter.id)
        .returning('failed_attempts')
        .executeTakeFirstOrThrow();
      attempts = Number(row.failed_attempts);
      if (attempts >= policy.lockoutThreshold)
        await tx.updateTable('member_accounts').set({ failed_attempts: 0, locked_until: until }).where('id', '=', counter.id).execute();
    } else {
      const row = await tx
        .insertInto('member_sign_in_throttle')
        .values({ key_hash: counter.key, failed_attempts: 1, locked_until: null, updated_at: iso(now) })
        .onConflict((oc) =>
          oc.column('key_hash').doUpdateSet((eb) => ({
            failed_attempts: eb('member_sign_in_throttle.failed_attempts', '+', 1),
            updated_at: iso(now),
          })),
        )
        .returning('failed_attempts')
        .executeTakeFirstOrThrow();
      attempts = Number(row.failed_attempts);
      if (attempts >= policy.lockoutThreshold)
        await tx
          .updateTable('member_sign_in_throttle')
          .set({ failed_attempts: 0, locked_until: until })
          .where('key_hash', '=', counter.key)
          .execute();
    }
    const lock = attempts >= policy.lockoutThreshold;
    await appendAudit(tx, anonymous, failedEvent(member, reason, 'member_sign_in_failed'), ctx.clock);
    if (lock)
      await appendAudit(
        tx,
        anonymous,
        { action: 'portal.locked', outcome: 'ok', orgId: member?.orgId ?? null, memberId: member?.memberId ?? null, detail: { until } },
        ctx.clock,
      );
    return lock;
  });
}

function failedEvent(member: LoginMember | undefined, reason: string, errorCode: string) {
  return {
    action: 'portal.sign_in',
    outcome: 'failed',
    orgId: member?.orgId ?? null,
    memberId: member?.memberId ?? null,
    errorCode,
    detail: { step: 'password', reason },
  } as const;
}
