/**
 * Staff sign-in: password (argon2id) with lockout after repeated failures, then a TOTP second factor for the
 * roles that must have one (privacy officers and system admins), or for anyone who enrolled. A session is a
 * random token in an HttpOnly cookie; the database keeps only its SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { MfaState, SessionInfo } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { RoleKind } from '../../contract/roles.ts';
import { type Db, prepared, withSqlite } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { matchTotp, newTotpSecret, totpUri } from './totp.ts';

export const TOTP_REQUIRED_ROLES: readonly RoleKind[] = ['privacy_officer', 'system_admin'];

export interface AuthPolicy {
  lockoutThreshold: number;
  lockoutMinutes: number;
  sessionIdleMinutes: number;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const anonymous: Actor = { type: 'anonymous', id: null, orgId: null };

export interface LoginResult {
  token: string;
  mfa: MfaState;
}

/** Step one: login and password. Throws invalid_credentials / account_locked / account_disabled. */
export async function loginWithPassword(ctx: AppContext, policy: AuthPolicy, login: string, password: string): Promise<LoginResult> {
  const now = ctx.clock();
  const user = await ctx.db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'users.id',
      'users.org_id',
      'users.role_id',
      'users.password_hash',
      'users.status',
      'users.failed_attempts',
      'users.locked_until',
      'users.totp_enabled',
      'roles.kind as role_kind',
    ])
    .where('users.login', '=', login)
    .executeTakeFirst();
  if (!user) {
    await verifyAgainstDummy(password);
    throw await refuseSignIn(ctx, anonymous, login, 'invalid_credentials', 'unknown_login');
  }
  const actor: Actor = { type: 'user', id: user.id, orgId: user.org_id, roleId: user.role_id };
  if (user.locked_until && user.locked_until > iso(now)) {
    throw await refuseSignIn(ctx, actor, login, 'account_locked', 'locked');
  }
  const valid = await verifyPassword(user.password_hash, password);
  if (!valid) {
    const locked = await recordFailedAttempt(ctx, policy, {
      actor,
      login,
      failedAttempts: user.failed_attempts,
      lockedUntil: user.locked_until,
      step: 'password',
      errorCode: 'invalid_credentials',
      reason: 'wrong_password',
    });
    throw new AppError(locked ? 'account_locked' : 'invalid_credentials');
  }
  if (user.status !== 'active') {
    throw await refuseSignIn(ctx, actor, login, 'account_disabled', 'disabled');
  }
  const mfa: MfaState = user.totp_enabled ? 1 : TOTP_REQUIRED_ROLES.includes(user.role_kind) ? 2 : 0;
  const token = randomBytes(32).toString('base64url');
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ failed_attempts: 0, locked_until: null }).where('id', '=', user.id).execute();
    await tx
      .insertInto('sessions')
      .values({
        id: hashToken(token),
        user_id: user.id,
        created_at: iso(now),
        last_seen_at: iso(now),
        expires_at: iso(new Date(now.getTime() + policy.sessionIdleMinutes * 60_000)),
        mfa_pending: mfa,
      })
      .execute();
    await appendAudit(
      tx,
      actor,
      { action: 'auth.login', outcome: 'ok', orgId: user.org_id, detail: { login, step: 'password' } },
      ctx.clock,
    );
  });
  return { token, mfa };
}

/** A sign-in refused before any password check counts: recorded in the trail, returned as the error to throw. */
async function refuseSignIn(
  ctx: AppContext,
  actor: Actor,
  login: string,
  code: 'invalid_credentials' | 'account_locked' | 'account_disabled',
  reason: string,
): Promise<AppError> {
  await ctx.db
    .transaction()
    .execute((tx) =>
      appendAudit(
        tx,
        actor,
        { action: 'auth.login', outcome: 'failed', orgId: actor.orgId, errorCode: code, detail: { login, step: 'password', reason } },
        ctx.clock,
      ),
    );
  return new AppError(code);
}

/**
 * A wrong password or TOTP code: counts it, locks the account at the threshold (the counter restarts), and
 * records the failure, and the lock, in the audit trail. Returns true when this attempt locked the account.
 */
async function recordFailedAttempt(
  ctx: AppContext,
  policy: AuthPolicy,
  f: {
    actor: Extract<Actor, { type: 'user' }>;
    login: string;
    failedAttempts: number;
    lockedUntil?: string | null;
    step: 'password' | 'totp';
    errorCode: 'invalid_credentials' | 'totp_invalid';
    reason?: string;
    /** A wrong second factor means the password is known: end the user's other sessions too. */
    endSessionsOnLock?: boolean;
  },
): Promise<boolean> {
  const attempts = f.failedAttempts + 1;
  const lock = attempts >= policy.lockoutThreshold;
  const until = iso(new Date(ctx.clock().getTime() + policy.lockoutMinutes * 60_000));
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ failed_attempts: lock ? 0 : attempts, locked_until: lock ? until : (f.lockedUntil ?? null) })
      .where('id', '=', f.actor.id)
      .execute();
    if (lock && f.endSessionsOnLock) {
      await tx.deleteFrom('sessions').where('user_id', '=', f.actor.id).execute();
      forgetUserSessions(ctx.db, f.actor.id);
    }
    const detail = { login: f.login, step: f.step, ...(f.reason ? { reason: f.reason } : {}) };
    await appendAudit(
      tx,
      f.actor,
      { action: 'auth.login', outcome: 'failed', orgId: f.actor.orgId, errorCode: f.errorCode, detail },
      ctx.clock,
    );
    if (lock)
      await appendAudit(
        tx,
        f.actor,
        { action: 'auth.locked', outcome: 'ok', orgId: f.actor.orgId, detail: { login: f.login, until } },
        ctx.clock,
      );
  });
  return lock;
}

/** Step two: the TOTP code. Wrong codes count towards the lockout like wrong passwords. */
export async function completeTotp(ctx: AppContext, policy: AuthPolicy, token: string, code: string): Promise<void> {
  const session = await findSession(ctx, token, policy, { allowPending: true });
  if (session?.mfa !== 1) throw new AppError('not_authenticated');
  const user = await ctx.db
    .selectFrom('users')
    .select(['totp_secret_enc', 'totp_last_step', 'failed_attempts', 'login'])
    .where('id', '=', session.actor.id)
    .executeTakeFirstOrThrow();
  const step = user.totp_secret_enc === null ? null : matchTotp(ctx.keys.decrypt(user.totp_secret_enc), code, ctx.clock());
  // A code is good once: a step at or before the last accepted one is a replay.
  const replayed = step !== null && user.totp_last_step !== null && step <= Number(user.totp_last_step);
  const actor: Actor = { type: 'user', id: session.actor.id, orgId: session.actor.orgId, roleId: session.actor.roleId };
  if (step === null || replayed) {
    const locked = await recordFailedAttempt(ctx, policy, {
      actor,
      login: user.login,
      failedAttempts: user.failed_attempts,
      step: 'totp',
      errorCode: 'totp_invalid',
      ...(replayed ? { reason: 'replayed' } : {}),
      endSessionsOnLock: true,
    });
    throw new AppError(locked ? 'account_locked' : 'totp_invalid');
  }
  await ctx.db.transaction().execute(async (tx) => {
    // Compare-and-set: of two requests with the same code, only one claims its step.
    const claimed = await tx
      .updateTable('users')
      .set({ failed_attempts: 0, totp_last_step: step })
      .where('id', '=', session.actor.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('totp_invalid');
    await tx.updateTable('sessions').set({ mfa_pending: 0 }).where('id', '=', session.sessionId).execute();
    forgetSession(ctx.db, session.sessionId);
    await appendAudit(
      tx,
      actor,
      { action: 'auth.login', outcome: 'ok', orgId: session.actor.orgId, detail: { login: user.login, step: 'totp' } },
      ctx.clock,
    );
  });
}

/** Starts enrolment: a new secret (stored encrypted, not yet active) and its otpauth:// URI. */
export async function beginTotpEnrollment(ctx: AppContext, policy: AuthPolicy, token: string): Promise<{ secret: string; uri: string }> {
  const session = await findSession(ctx, token, policy, { allowPending: true });
  if (!session || session.mfa === 1) throw new AppError('not_authenticated');
  const secret = newTotpSecret();
  await ctx.db
    .updateTable('users')
    .set({ totp_secret_enc: ctx.keys.encrypt(secret), totp_enabled: 0, totp_last_step: null })
    .where('id', '=', session.actor.id)
    .execute();
  return { secret, uri: totpUri(secret, session.actor.login) };
}

/** Finishes enrolment with a first valid code; the session is then fully signed in. */
export async function activateTotp(ctx: AppContext, policy: AuthPolicy, token: string, code: string): Promise<void> {
  const session = await findSession(ctx, token, policy, { allowPending: true });
  if (!session || session.mfa === 1) throw new AppError('not_authenticated');
  const user = await ctx.db.selectFrom('users').select('totp_secret_enc').where('id', '=', session.actor.id).executeTakeFirstOrThrow();
  const step = user.totp_secret_enc ? matchTotp(ctx.keys.decrypt(user.totp_secret_enc), code, ctx.clock()) : null;
  if (step === null) throw new AppError('totp_invalid');
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ totp_enabled: 1, totp_last_step: step, updated_at: iso(ctx.clock()) })
      .where('id', '=', session.actor.id)
      .execute();
    await tx.updateTable('sessions').set({ mfa_pending: 0 }).where('id', '=', session.sessionId).execute();
    forgetSession(ctx.db, session.sessionId);
    await appendAudit(
      tx,
      session.actor,
      { action: 'auth.totp_enrolled', outcome: 'ok', orgId: session.actor.orgId, detail: {} },
      ctx.clock,
    );
  });
}

export async function logout(ctx: AppContext, token: string): Promise<void> {
  const id = hashToken(token);
  const row = await ctx.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.org_id', 'users.role_id'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  await ctx.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sessions').where('id', '=', id).execute();
    forgetSession(ctx.db, id);
    if (row)
      await appendAudit(
        tx,
        { type: 'user', id: row.id, orgId: row.org_id, roleId: row.role_id },
        { action: 'auth.logout', outcome: 'ok', orgId: row.org_id, detail: {} },
        ctx.clock,
      );
  });
}

// The session lookup runs on every API request: on SQLite as one prepared statement (same columns as below).
const sessionSql = `select sessions.id as session_id, sessions.expires_at, sessions.last_seen_at, sessions.mfa_pending,
    users.id, users.org_id, users.role_id, users.login, users.display_name, users.department_id, users.status, roles.kind as role_kind
  from sessions inner join users on users.id = sessions.user_id inner join roles on roles.id = users.role_id
  where sessions.id = ?`;
interface SessionRow {
  session_id: string;
  expires_at: string;
  last_seen_at: string;
  mfa_pending: number;
  id: string;
  org_id: string;
  role_id: string;
  login: string;
  display_name: string;
  department_id: string | null;
  status: 'active' | 'disabled';
  role_kind: RoleKind;
}

/**
 * Sessions looked up in the last few seconds, per database, by token hash: every API request needs its
 * session, and the row rarely changes. An entry is used for at most `SESSION_CACHE_MS` (5 s, like the policy
 * and settings caches); expiry is still checked on every request against the cached `expires_at`. This process
 * forgets an entry at once on logout, lockout and completed TOTP steps; a user disabled or moved to another
 * role, or a logout on another server process (several on one PostgreSQL), takes effect within those 5 s.
 */
const SESSION_CACHE_MS = 5000;
const SESSION_CACHE_MAX = 10_000;
const sessionCaches = new WeakMap<Db, Map<string, { at: number; row: SessionRow }>>();

function sessionCache(db: Db): Map<string, { at: number; row: SessionRow }> {
  let cache = sessionCaches.get(db);
  if (!cache) {
    cache = new Map();
    sessionCaches.set(db, cache);
  }
  return cache;
}

function forgetSession(db: Db, sessionId: string): void {
  sessionCache(db).delete(sessionId);
}

function forgetUserSessions(db: Db, userId: string): void {
  const cache = sessionCache(db);
  for (const [id, entry] of cache) if (entry.row.id === userId) cache.delete(id);
}

async function lookUpSession(ctx: AppContext, id: string): Promise<SessionRow | undefined> {
  const cache = sessionCache(ctx.db);
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < SESSION_CACHE_MS) return hit.row;
  const row = ctx.sqlite
    ? await withSqlite(ctx.db, ctx.sqlite, (raw) => prepared(raw, sessionSql).get(id) as SessionRow | undefined)
    : await ctx.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .innerJoin('roles', 'roles.id', 'users.role_id')
        .select([
          'sessions.id as session_id',
          'sessions.expires_at',
          'sessions.last_seen_at',
          'sessions.mfa_pending',
          'users.id',
          'users.org_id',
          'users.role_id',
          'users.login',
          'users.display_name',
          'users.department_id',
          'users.status',
          'roles.kind as role_kind',
        ])
        .where('sessions.id', '=', id)
        .executeTakeFirst();
  if (!row) {
    cache.delete(id);
    return undefined;
  }
  if (cache.size >= SESSION_CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(id, { at: Date.now(), row });
  return row;
}

/**
 * The session behind a cookie token, or null when unknown or expired. Sliding expiry: the expiry moves
 * on use, written at most once a minute so that reads stay cheap. Looked up through a 5-second cache (above).
 */
export async function findSession(
  ctx: AppContext,
  token: string,
  policy: AuthPolicy,
  opts: { allowPending?: boolean } = {},
): Promise<SessionInfo | null> {
  if (!token || token.length > 100) return null;
  const now = ctx.clock();
  const row = await lookUpSession(ctx, hashToken(token));
  if (!row || row.expires_at <= iso(now) || row.status !== 'active') return null;
  if (row.mfa_pending !== 0 && !opts.allowPending) return null;
  if (now.getTime() - Date.parse(row.last_seen_at) > 60_000) {
    const lastSeen = iso(now);
    const expires = iso(new Date(now.getTime() + policy.sessionIdleMinutes * 60_000));
    await ctx.db.updateTable('sessions').set({ last_seen_at: lastSeen, expires_at: expires }).where('id', '=', row.session_id).execute();
    row.last_seen_at = lastSeen;
    row.expires_at = expires;
  }
  return {
    sessionId: row.session_id,
    mfa: row.mfa_pending as MfaState,
    displayName: row.display_name,
    actor: {
      type: 'user',
      id: row.id,
      orgId: row.org_id,
      roleId: row.role_id,
      roleKind: row.role_kind,
      login: row.login,
      departmentId: row.department_id,
    },
  };
}
