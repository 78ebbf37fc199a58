/**
 * Staff sign-in: password (argon2id) with lockout after repeated failures, then a TOTP second factor for the
 * roles that must have one (privacy officers and system admins), or for anyone who enrolled. A session is a
 * random token in an HttpOnly cookie; the database keeps only its SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { MfaState, SessionInfo } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { parseDuties } from '../../base/duties.ts';
import { AppError } from '../../base/errors.ts';
import { type EventHub, perHub } from '../../base/events.ts';
import type { RoleKind } from '../../contract/roles.ts';
import { prepared, withSqlite } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import { appendAudit, appendAuditAlone } from '../audit/append.ts';
import type { Actor, AuditEvent } from '../audit/events.ts';
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

/** Where a login's failures are counted: the staff user's row, or, for a login that is not a user, a throttle row. */
type Counter = { kind: 'user'; actor: Extract<Actor, { type: 'user' }> } | { kind: 'throttle'; key: string };

interface CounterState {
  failedAttempts: number;
  lockedUntil: string | null;
}

/**
 * The key under which failed sign-ins of a login that is not a staff user are counted: the login as typed,
 * hashed so that the table is not a list of guessed logins.
 */
export function staffThrottleKey(login: string): string {
  return createHash('sha256').update(`staff\n${login}`).digest('hex');
}

/**
 * Step one: login and password. Throws invalid_credentials / account_locked / account_disabled.
 *
 * The answer never tells whether a login exists: an unknown login counts its failures (in
 * `staff_sign_in_throttle`) and locks after `lockoutThreshold` of them exactly like a real one, every refusal
 * does one argon2 verification (against a dummy hash when there is no password to check or the login is
 * locked), and an unknown login, a wrong password and a locked login get the same answers. A locked login
 * is refused even with the right password (no oracle for a guesser).
 */
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
  const actor: Actor = user ? { type: 'user', id: user.id, orgId: user.org_id, roleId: user.role_id } : anonymous;
  const { counter, state } = user
    ? {
        counter: { kind: 'user', actor: actor as Extract<Actor, { type: 'user' }> } as Counter,
        state: { failedAttempts: user.failed_attempts, lockedUntil: user.locked_until },
      }
    : await throttleOf(ctx, staffThrottleKey(login));
  const locked = state.lockedUntil !== null && state.lockedUntil > iso(now);
  let valid = false;
  if (user && !locked) valid = await verifyPassword(user.password_hash, password);
  else await verifyAgainstDummy(password);
  if (locked) throw await refuseSignIn(ctx, actor, login, 'account_locked', 'locked');
  if (!user || !valid) {
    const lockedNow = await recordFailedAttempt(ctx, policy, {
      counter,
      login,
      failure: {
        action: 'auth.login',
        outcome: 'failed',
        orgId: actor.orgId,
        errorCode: 'invalid_credentials',
        detail: { login, step: 'password', reason: user ? 'wrong_password' : 'unknown_login' },
      },
    });
    throw new AppError(lockedNow ? 'account_locked' : 'invalid_credentials');
  }
  const userActor = actor as Extract<Actor, { type: 'user' }>;
  if (user.status !== 'active') {
    throw await refuseSignIn(ctx, userActor, login, 'account_disabled', 'disabled');
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
      userActor,
      { action: 'auth.login', outcome: 'ok', orgId: user.org_id, detail: { login, step: 'password' } },
      ctx.clock,
    );
  });
  return { token, mfa };
}

async function throttleOf(ctx: AppContext, key: string): Promise<{ counter: Counter; state: CounterState }> {
  const row = await ctx.db
    .selectFrom('staff_sign_in_throttle')
    .select(['failed_attempts', 'locked_until'])
    .where('key_hash', '=', key)
    .executeTakeFirst();
  return {
    counter: { kind: 'throttle', key },
    state: { failedAttempts: Number(row?.failed_attempts ?? 0), lockedUntil: row?.locked_until ?? null },
  };
}

/** A sign-in refused without counting a failure: recorded in the trail, returned as the error to throw. */
async function refuseSignIn(
  ctx: AppContext,
  actor: Actor,
  login: string,
  code: 'invalid_credentials' | 'account_locked' | 'account_disabled',
  reason: string,
): Promise<AppError> {
  await appendAuditAlone(
    ctx.db,
    actor,
    { action: 'auth.login', outcome: 'failed', orgId: actor.orgId, errorCode: code, detail: { login, step: 'password', reason } },
    ctx.clock,
  );
  return new AppError(code);
}

/**
 * A wrong password or TOTP code: counts it, locks the login at the threshold (the counter restarts), and
 * records the failure, and the lock, in the audit trail. Returns true when this attempt locked the login.
 */
async function recordFailedAttempt(
  ctx: AppContext,
  policy: AuthPolicy,
  f: {
    counter: Counter;
    login: string;
    /** The audit entry of this failure. */
    failure: AuditEvent;
    /** A wrong second factor means the password is known: end the user's other sessions too. */
    endSessionsOnLock?: boolean;
  },
): Promise<boolean> {
  const now = ctx.clock();
  const until = iso(new Date(now.getTime() + policy.lockoutMinutes * 60_000));
  const actor = f.counter.kind === 'user' ? f.counter.actor : anonymous;
  // Counted in the database (`failed_attempts + 1`), never from the count read before: attempts running at the
  // same time, on one instance or several, each count, and the one that reaches the threshold locks.
  return ctx.db.transaction().execute(async (tx) => {
    let attempts: number;
    if (f.counter.kind === 'user') {
      const userId = f.counter.actor.id;
      const row = await tx
        .updateTable('users')
        .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
        .where('id', '=', userId)
        .returning('failed_attempts')
        .executeTakeFirstOrThrow();
      attempts = Number(row.failed_attempts);
      if (attempts >= policy.lockoutThreshold) {
        await tx.updateTable('users').set({ failed_attempts: 0, locked_until: until }).where('id', '=', userId).execute();
        if (f.endSessionsOnLock) {
          await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
          await ctx.events.publish(tx, 'user.changed', { userId });
        }
      }
    } else {
      const row = await tx
        .insertInto('staff_sign_in_throttle')
        .values({ key_hash: f.counter.key, failed_attempts: 1, locked_until: null, updated_at: iso(now) })
        .onConflict((oc) =>
          oc.column('key_hash').doUpdateSet((eb) => ({
            failed_attempts: eb('staff_sign_in_throttle.failed_attempts', '+', 1),
            updated_at: iso(now),
          })),
        )
        .returning('failed_attempts')
        .executeTakeFirstOrThrow();
      attempts = Number(row.failed_attempts);
      if (attempts >= policy.lockoutThreshold)
        await tx
          .updateTable('staff_sign_in_throttle')
          .set({ failed_attempts: 0, locked_until: until })
          .where('key_hash', '=', f.counter.key)
          .execute();
    }
    const lock = attempts >= policy.lockoutThreshold;
    await appendAudit(tx, actor, f.failure, ctx.clock);
    if (lock)
      await appendAudit(
        tx,
        actor,
        { action: 'auth.locked', outcome: 'ok', orgId: actor.orgId, detail: { login: f.login, until } },
        ctx.clock,
      );
    return lock;
  });
}

/** Housekeeping: expired staff sessions, and throttle rows of unknown logins untouched for a day and not locked. */
export async function pruneStaffSignIns(ctx: Pick<AppContext, 'db'>, now: Date): Promise<void> {
  const dayAgo = iso(new Date(now.getTime() - 24 * 3600_000));
  await ctx.db.deleteFrom('sessions').where('expires_at', '<', iso(now)).execute();
  await ctx.db
    .deleteFrom('staff_sign_in_throttle')
    .where('updated_at', '<', dayAgo)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', iso(now))]))
    .execute();
}

/** Step two: the TOTP code. Wrong codes count towards the lockout like wrong passwords. */
export async function completeTotp(ctx: AppContext, policy: AuthPolicy, token: string, code: string): Promise<void> {
  const session = await findSession(ctx, token, policy, { allowPending: true });
  if (session?.mfa !== 1) throw new AppError('not_authenticated');
  const user = await ctx.db
    .selectFrom('users')
    .select(['totp_secret_enc', 'totp_last_step', 'failed_attempts', 'locked_until', 'login'])
    .where('id', '=', session.actor.id)
    .executeTakeFirstOrThrow();
  const step = user.totp_secret_enc === null ? null : matchTotp(ctx.keys.decrypt(user.totp_secret_enc), code, ctx.clock());
  // A code is good once: a step at or before the last accepted one is a replay.
  const replayed = step !== null && user.totp_last_step !== null && step <= Number(user.totp_last_step);
  const actor = userActorOf(session);
  if (step === null || replayed) {
    const locked = await recordFailedAttempt(ctx, policy, {
      counter: { kind: 'user', actor },
      login: user.login,
      failure: {
        action: 'auth.login',
        outcome: 'failed',
        orgId: actor.orgId,
        errorCode: 'totp_invalid',
        detail: { login: user.login, step: 'totp', ...(replayed ? { reason: 'replayed' } : {}) },
      },
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
    await ctx.events.publish(tx, 'session.changed', { sessionId: session.sessionId });
    await appendAudit(
      tx,
      actor,
      { action: 'auth.login', outcome: 'ok', orgId: session.actor.orgId, detail: { login: user.login, step: 'totp' } },
      ctx.clock,
    );
  });
}

const userActorOf = (session: SessionInfo): Extract<Actor, { type: 'user' }> => ({
  type: 'user',
  id: session.actor.id,
  orgId: session.actor.orgId,
  roleId: session.actor.roleId,
});

/** What a signed-in user gives to bind a new second factor: the current password, and the current code when TOTP is on. */
export interface Reauthentication {
  password?: string | undefined;
  code?: string | undefined;
}

/**
 * Starts binding a TOTP factor: a new secret, stored encrypted as pending (not yet in force), and its
 * otpauth:// URI. An enabled factor stays in force until `activateTotp` proves the new one, so an officer or
 * admin is never without a second factor, and nothing here turns TOTP off.
 *
 * Re-authentication: the first enrolment due at sign-in (mfa state 2, no factor yet) needs nothing more,
 * since this very sign-in has just checked the password. Any other binding needs the current password, and,
 * when a factor is enabled, a current code from it (claimed like a sign-in code: no replay). Wrong answers
 * count towards the lockout like wrong sign-ins (the lock ends the user's sessions); every start and every
 * refusal is in the audit trail.
 */
export async function beginTotpEnrollment(
  ctx: AppContext,
  policy: AuthPolicy,
  token: string,
  reauth: Reauthentication = {},
): Promise<{ secret: string; uri: string }> {
  const session = await findSession(ctx, token, policy, { allowPending: true });
  if (!session || session.mfa === 1) throw new AppError('not_authenticated');
  const now = ctx.clock();
  const actor = userActorOf(session);
  const user = await ctx.db
    .selectFrom('users')
    .select(['password_hash', 'totp_enabled', 'totp_secret_enc', 'totp_last_step', 'failed_attempts', 'locked_until'])
    .where('id', '=', actor.id)
    .executeTakeFirstOrThrow();
  const rebind = user.totp_enabled === 1;
  const refuse = async (code: 'reauth_required' | 'account_locked', reason: string) => {
    await appendAuditAlone(
      ctx.db,
      actor,
      { action: 'auth.totp_enroll_begin', outcome: 'refused', orgId: actor.orgId, errorCode: code, detail: { rebind, reason } },
      ctx.clock,
    );
    return new AppError(code);
  };
  let step: number | null = null;
  // The first enrolment due at sign-in needs nothing more; every other binding re-authenticates.
  const reauthenticate = session.mfa !== 2 || rebind;
  if (reauthenticate) {
    if (!reauth.password || (rebind && !reauth.code)) throw await refuse('reauth_required', 'missing');
    if (user.locked_until && user.locked_until > iso(now)) throw await refuse('account_locked', 'locked');
    const passwordOk = await verifyPassword(user.password_hash, reauth.password);
    step = rebind && user.totp_secret_enc ? matchTotp(ctx.keys.decrypt(user.totp_secret_enc), reauth.code ?? '', now) : null;
    const replayed = step !== null && user.totp_last_step !== null && step <= Number(user.totp_last_step);
    const reason = !passwordOk ? 'wrong_password' : rebind && step === null ? 'wrong_code' : replayed ? 'replayed' : null;
    if (reason) {
      const locked = await recordFailedAttempt(ctx, policy, {
        counter: { kind: 'user', actor },
        login: session.actor.login,
        failure: {
          action: 'auth.totp_enroll_begin',
          outcome: 'failed',
          orgId: actor.orgId,
          errorCode: 'reauth_failed',
          detail: { rebind, reason },
        },
        endSessionsOnLock: true,
      });
      throw new AppError(locked ? 'account_locked' : 'reauth_failed');
    }
  }
  const secret = newTotpSecret();
  await ctx.db.transaction().execute(async (tx) => {
    const claimed = await tx
      .updateTable('users')
      .set({
        totp_pending_enc: ctx.keys.encrypt(secret),
        ...(reauthenticate ? { failed_attempts: 0 } : {}),
        ...(step !== null ? { totp_last_step: step } : {}),
      })
      .where('id', '=', actor.id)
      // Compare-and-set: the code given for re-authentication is claimed once, like a sign-in code.
      .$if(step !== null, (q) => q.where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step!)])))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('reauth_failed');
    await appendAudit(tx, actor, { action: 'auth.totp_enroll_begin', outcome: 'ok', orgId: actor.orgId, detail: { rebind } }, ctx.clock);
  });
  return { secret, uri: totpUri(secret, session.actor.login) };
}

/**
 * Finishes binding with a first valid code from the pending secret: it replaces the factor in force (if any),
 * and the session is then fully signed in. A wrong code changes nothing: the old factor stays in force.
 */
export async function activateTotp(ctx: AppContext, policy: AuthPolicy, token: string, code: string): Promise<void> {
  const session = await findSession(ctx, token, policy, { allowPending: true });
  if (!session || session.mfa === 1) throw new AppError('not_authenticated');
  const actor = userActorOf(session);
  const user = await ctx.db
    .selectFrom('users')
    .select(['totp_pending_enc', 'totp_enabled'])
    .where('id', '=', actor.id)
    .executeTakeFirstOrThrow();
  const pending = user.totp_pending_enc;
  const rebind = user.totp_enabled === 1;
  const step = pending ? matchTotp(ctx.keys.decrypt(pending), code, ctx.clock()) : null;
  if (step === null) {
    const reason = pending ? 'wrong_code' : 'nothing_pending';
    await appendAuditAlone(
      ctx.db,
      actor,
      { action: 'auth.totp_enrolled', outcome: 'failed', orgId: actor.orgId, errorCode: 'totp_invalid', detail: { rebind, reason } },
      ctx.clock,
    );
    throw new AppError('totp_invalid');
  }
  await ctx.db.transaction().execute(async (tx) => {
    // Compare-and-set on the pending secret: a binding started again meanwhile is not activated by this code.
    const done = await tx
      .updateTable('users')
      .set({ totp_secret_enc: pending, totp_pending_enc: null, totp_enabled: 1, totp_last_step: step, updated_at: iso(ctx.clock()) })
      .where('id', '=', actor.id)
      .where('totp_pending_enc', '=', pending)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw new AppError('totp_invalid');
    await tx.updateTable('sessions').set({ mfa_pending: 0 }).where('id', '=', session.sessionId).execute();
    // A factor replaced (a lost or compromised phone) ends every other session of the user: whoever signed in
    // with the old factor is signed out; this session, which has just proved the new one, stays.
    let endedSessions = 0;
    if (rebind) {
      const ended = await tx.deleteFrom('sessions').where('user_id', '=', actor.id).where('id', '!=', session.sessionId).executeTakeFirst();
      endedSessions = Number(ended.numDeletedRows);
      await ctx.events.publish(tx, 'user.changed', { userId: actor.id });
    }
    await ctx.events.publish(tx, 'session.changed', { sessionId: session.sessionId });
    await appendAudit(
      tx,
      actor,
      {
        action: 'auth.totp_enrolled',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: { rebind, ...(rebind ? { ended_sessions: endedSessions } : {}) },
      },
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
    await ctx.events.publish(tx, 'session.changed', { sessionId: id });
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
    users.id, users.org_id, users.role_id, users.login, users.display_name, users.department_id, users.status, roles.kind as role_kind, roles.duties as role_duties
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
  role_duties: string;
}

/**
 * Sessions looked up in the last few seconds, per context (per instance), by token hash: every API request
 * needs its session, and the row rarely changes. An entry is used for at most `SESSION_CACHE_MS` (5 s, a
 * backstop for changes written to the database by hand). A change that affects sessions is published on the
 * event hub (base/events.ts) — a session ended or changed, a user's sessions ended or the user disabled, a
 * role's duties changed — and drops the entries at once here and, through the change bus, in every other
 * instance on the same PostgreSQL. While the bus cannot hear other instances the cache is bypassed; a lookup
 * that overlapped any change is not kept. Expiry is checked on every request; an entry that looks expired is
 * read again (another instance may have extended it) before the session is refused.
 */
const SESSION_CACHE_MS = 5000;
const SESSION_CACHE_MAX = 10_000;

const sessionCache = perHub((hub: EventHub) => {
  const cache = new Map<string, { at: number; row: SessionRow }>();
  const dropWhere = (test: (row: SessionRow) => boolean) => {
    for (const [id, entry] of cache) if (test(entry.row)) cache.delete(id);
  };
  hub.on('session.changed', ({ sessionId }) => cache.delete(sessionId));
  hub.on('user.changed', ({ userId }) => dropWhere((row) => row.id === userId));
  hub.on('role.changed', ({ roleId }) => dropWhere((row) => row.role_id === roleId));
  hub.on('caches.flush', () => cache.clear());
  return cache;
});

async function readSession(ctx: AppContext, id: string): Promise<SessionRow | undefined> {
  return ctx.sqlite
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
          'roles.duties as role_duties',
        ])
        .where('sessions.id', '=', id)
        .executeTakeFirst();
}

async function lookUpSession(ctx: AppContext, id: string, now: string): Promise<SessionRow | undefined> {
  const hub = ctx.events;
  const cache = sessionCache(hub);
  const hit = cache.get(id);
  if (hit && hub.cachesTrusted && Date.now() - hit.at < SESSION_CACHE_MS && hit.row.expires_at > now) return hit.row;
  const epoch = hub.epoch;
  const row = await readSession(ctx, id);
  if (!row) {
    cache.delete(id);
    return undefined;
  }
  if (!hub.cachesTrusted || hub.epoch !== epoch) return row;
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
  const row = await lookUpSession(ctx, hashToken(token), iso(now));
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
      duties: parseDuties(row.role_duties),
      login: row.login,
      departmentId: row.department_id,
    },
  };
}
