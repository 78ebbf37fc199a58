/**
 * One-time codes by e-mail (確認コード) for the first sign-in and for recovery. A code is 6 digits, stored as a
 * salted SHA-256, valid 15 minutes, good for 5 wrong tries; a new code voids the earlier ones, and an
 * account gets at most 5 codes an hour. Asking for a code never tells whether the member exists or has an
 * e-mail address: the answer is the same, the same work is done, and the mail goes out after the commit
 * without the answer waiting for it (an SMTP round trip would otherwise show who exists).
 */
import { createHash, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { Tx } from '../../db/database.ts';
import type { MemberOneTimeCodeTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { appendAudit, appendAuditAlone } from '../audit/append.ts';
import type { Actor, AuditEvent } from '../audit/events.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { AuthPolicy } from '../auth/sessions.ts';
import type { Mail } from '../notify/mailer.ts';
import { oneTimeCode } from '../notify/templates.ts';
import { ensureAccount, findLoginMember, type LoginMember, type MemberLogin, memberPasswordIssues } from './accounts.ts';
import { auditActorOf, startMemberSession } from './sessions.ts';

export const CODE_VALID_MINUTES = 15;
export const CODE_MAX_TRIES = 5;
export const CODES_PER_HOUR = 5;

type CodePurpose = MemberOneTimeCodeTable['purpose'];

// Until a code or password proves who is asking, the actor is anonymous; the entry names the member concerned.
const anonymous: Actor = { type: 'anonymous', id: null, orgId: null };

/** `sha256$<salt>$<digest>`: a per-code salt, so equal codes never hash alike. */
export function hashCode(code: string, salt = randomBytes(16).toString('base64url')): string {
  return `sha256$${salt}$${createHash('sha256').update(`${salt}:${code}`).digest('hex')}`;
}

export function codeMatches(stored: string, typed: string): boolean {
  const [, salt = '', digest = ''] = stored.split('$');
  const expected = Buffer.from(digest, 'hex');
  const actual = Buffer.from(hashCode(typed, salt).split('$')[2]!, 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Compared against when there is no live code, so that both failures cost the same. */
const noCodeHash = hashCode(String(randomInt(0, 1_000_000)).padStart(6, '0'));

/** Digits as typed on a phone: full-width digits, spaces and hyphens are fine. */
const normalizeTypedCode = (typed: string) => typed.normalize('NFKC').replace(/[\s-]/g, '');

/**
 * Sends a sign-in code to the member's registered address, if the member exists, has one and has not been
 * erased; otherwise does the same work and sends nothing. Resolves the same way in every case.
 */
export async function requestSignInCode(ctx: AppContext, login: MemberLogin): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const codeHash = hashCode(code);
  const member = await findLoginMember(ctx.db, login);
  const now = ctx.clock();
  const mail = await ctx.db.transaction().execute(async (tx): Promise<Mail | null> => {
    if (!member?.email || member.account?.status === 'disabled') {
      const reason = !member ? 'unknown_member' : !member.email ? 'no_email' : 'disabled';
      await appendAudit(tx, anonymous, codeRefused(member, reason), ctx.clock);
      return null;
    }
    const accountId = member.account?.id ?? (await ensureAccount(tx, member, now));
    if ((await codesInLastHour(tx, accountId, now)) >= CODES_PER_HOUR) {
      await appendAudit(tx, anonymous, codeRefused(member, 'too_many'), ctx.clock);
      return null;
    }
    const purpose: CodePurpose = member.account?.password_hash ? 'recovery' : 'first_sign_in';
    const expires = new Date(now.getTime() + CODE_VALID_MINUTES * 60_000);
    // A new code voids the earlier ones still open.
    await tx
      .updateTable('member_one_time_codes')
      .set({ expires_at: iso(now) })
      .where('account_id', '=', accountId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', iso(now))
      .execute();
    await tx
      .insertInto('member_one_time_codes')
      .values({
        id: randomUUID(),
        account_id: accountId,
        purpose,
        code_hash: codeHash,
        attempts: 0,
        expires_at: iso(expires),
        used_at: null,
        created_at: iso(now),
      })
      .execute();
    await appendAudit(
      tx,
      anonymous,
      { action: 'portal.code_request', outcome: 'ok', orgId: member.orgId, memberId: member.memberId, detail: { purpose } },
      ctx.clock,
    );
    return { to: member.email, ...oneTimeCode({ orgName: member.orgName, code, minutes: CODE_VALID_MINUTES, purpose }) };
  });
  if (mail && member) sendAfterAnswer(ctx, mail, member);
}

function codeRefused(member: LoginMember | undefined, reason: 'unknown_member' | 'no_email' | 'too_many' | 'disabled'): AuditEvent {
  return {
    action: 'portal.code_request',
    outcome: 'refused',
    orgId: member?.orgId ?? null,
    memberId: member?.memberId ?? null,
    detail: { reason },
  };
}

async function codesInLastHour(tx: Tx, accountId: string, now: Date): Promise<number> {
  const row = await tx
    .selectFrom('member_one_time_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('created_at', '>', iso(new Date(now.getTime() - 3600_000)))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const mailSystem: Actor = { type: 'system', id: null, orgId: null, label: 'portal-mail' };

/** The mail goes out after the commit; the answer does not wait for it. A failed send is recorded in the trail. */
function sendAfterAnswer(ctx: AppContext, mail: Mail, member: LoginMember): void {
  ctx.mailer.send(mail).catch(() =>
    appendAuditAlone(
      ctx.db,
      mailSystem,
      {
        action: 'portal.code_request',
        outcome: 'failed',
        orgId: member.orgId,
        memberId: member.memberId,
        detail: { reason: 'mail_failed' },
      },
      ctx.clock,
    ).catch(() => undefined),
  );
}

export interface VerifyCodeInput extends MemberLogin {
  code: string;
  newPassword: string;
}

/**
 * Checks a one-time code, sets the new password and signs the member in; returns the session token.
 * `member_password_weak` before anything is looked up (it depends on the input only); `member_code_invalid`
 * for a wrong, used, expired or exhausted code and for an unknown member alike. A recovery also ends the
 * account's other sessions and lifts a lockout: the mailbox proved who it is.
 */
export async function verifySignInCode(ctx: AppContext, policy: AuthPolicy, input: VerifyCodeInput): Promise<{ token: string }> {
  const issues = memberPasswordIssues(input.newPassword, input.memberCode);
  if (issues.length) throw new AppError('member_password_weak', issues);
  const now = ctx.clock();
  const member = await findLoginMember(ctx.db, input);
  const account = member?.account?.status === 'active' ? member.account : null;
  const live = account
    ? await ctx.db
        .selectFrom('member_one_time_codes')
        .select(['id', 'code_hash', 'attempts', 'purpose'])
        .where('account_id', '=', account.id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', iso(now))
        .orderBy('created_at', 'desc')
        .executeTakeFirst()
    : undefined;
  const matches = codeMatches(live?.code_hash ?? noCodeHash, normalizeTypedCode(input.code));
  if (!member || !account || !live || live.attempts >= CODE_MAX_TRIES || !matches) {
    await recordCodeFailure(
      ctx,
      member,
      live,
      !member ? 'unknown_member' : !live || live.attempts >= CODE_MAX_TRIES ? 'no_live_code' : 'wrong_code',
    );
    throw new AppError('member_code_invalid');
  }
  const passwordHash = await hashPassword(input.newPassword);
  const token = await ctx.db.transaction().execute(async (tx) => {
    // Compare-and-set: of two requests with the same code, one claims it.
    const claimed = await tx
      .updateTable('member_one_time_codes')
      .set({ used_at: iso(now) })
      .where('id', '=', live.id)
      .where('used_at', 'is', null)
      .where('attempts', '<', CODE_MAX_TRIES)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return null;
    await tx
      .updateTable('member_accounts')
      .set({ password_hash: passwordHash, failed_attempts: 0, locked_until: null, last_sign_in_at: iso(now), updated_at: iso(now) })
      .where('id', '=', account.id)
      .execute();
    if (live.purpose === 'recovery') await tx.deleteFrom('member_sessions').where('account_id', '=', account.id).execute();
    const token = await startMemberSession(tx, account.id, now, policy.sessionIdleMinutes);
    const actor = auditActorOf({ accountId: account.id, orgId: member.orgId });
    const base = { outcome: 'ok', orgId: member.orgId, memberId: member.memberId } as const;
    await appendAudit(tx, actor, { ...base, action: 'portal.password_set', detail: { purpose: live.purpose } }, ctx.clock);
    await appendAudit(tx, actor, { ...base, action: 'portal.sign_in', detail: { step: 'code' } }, ctx.clock);
    return token;
  });
  if (!token) throw new AppError('member_code_invalid');
  return { token };
}

/** A wrong try counts against the code (never past the limit); every failure is in the trail. */
async function recordCodeFailure(
  ctx: AppContext,
  member: LoginMember | undefined,
  live: { id: string; attempts: number } | undefined,
  reason: 'unknown_member' | 'no_live_code' | 'wrong_code',
): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    if (reason === 'wrong_code' && live) {
      await tx
        .updateTable('member_one_time_codes')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', live.id)
        .where('attempts', '<', CODE_MAX_TRIES)
        .execute();
    }
    await appendAudit(
      tx,
      anonymous,
      {
        action: 'portal.sign_in',
        outcome: 'failed',
        orgId: member?.orgId ?? null,
        memberId: member?.memberId ?? null,
        errorCode: 'member_code_invalid',
        detail: { step: 'code', reason },
      },
      ctx.clock,
    );
  });
}
