/**
 * Staff sign-in hardening (issue 10, section 2): the lockout does not confirm which logins exist, and binding a
 * new second factor needs re-authentication, is audited, and never leaves a user without a factor in force.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { iso } from '../../src/db/time.ts';
import { argon2Work } from '../../src/modules/auth/passwords.ts';
import { pruneStaffSignIns, staffThrottleKey } from '../../src/modules/auth/sessions.ts';
import { currentTotp } from '../../src/modules/auth/totp.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/seed.ts';
import { availableDialects, chained } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, type Response, testServer } from '../support/http.ts';

const THRESHOLD = 3;

describe.each(availableDialects())('staff sign-in hardening on %s', (dialect) => {
  let f: Fixture;
  let now = new Date('2026-11-24T02:00:00Z');
  const clock = () => now;
  const servers: FastifyInstance[] = [];
  /**
   * A server of its own per use: the per-address rate limit then starts afresh (on PostgreSQL the limits are
   * counted in the database for every instance together, so its counters are emptied), and answers compare
   * header for header.
   */
  const server = async () => {
    if (dialect === 'postgres') await f.ctx.db.deleteFrom('rate_limits').execute();
    const app = await testServer(f, { lockoutThreshold: THRESHOLD, lockoutMinutes: 15, sessionIdleMinutes: 30 });
    servers.push(app);
    return app;
  };
  const audit = async (action: string) =>
    (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'error_code', 'actor_type', 'actor_id', 'detail'])
      .where('action', '=', action)
      .orderBy('seq', 'desc')
      .execute();
  const secretOf = async (login: string) => {
    const u = await f.ctx.db.selectFrom('users').select('totp_secret_enc').where('login', '=', login).executeTakeFirstOrThrow();
    return f.ctx.keys.decrypt(u.totp_secret_enc!);
  };
  /** A new TOTP time step, so that a code is not refused as a replay of the previous test's. */
  const nextStep = () => {
    now = new Date(now.getTime() + 60_000);
  };

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    for (const app of servers) await app.close();
    await f?.dispose();
  });

  describe('the lockout does not confirm a login', () => {
    /**
     * What a caller can observe of an answer: status, body and headers. The date and the rate limit's seconds
     * until its window resets follow the wall clock (a loaded test machine can cross a second between the two
     * runs), so only their presence is compared.
     */
    const observable = (r: Response) => {
      const { date, 'x-ratelimit-reset': reset, ...headers } = r.headers;
      return { status: r.status, body: r.body, headers, date: date !== undefined, reset: reset !== undefined };
    };
    /** THRESHOLD wrong passwords, then the right one (for the real login), from a fresh client and server. */
    const attempts = async (login: string) => {
      const c = new Client(await server());
      const answers: Response[] = [];
      for (let i = 0; i < THRESHOLD; i++) answers.push(await c.post('/api/v1/auth/login', { login, password: `wrong-password-${i}` }));
      answers.push(await c.post('/api/v1/auth/login', { login, password: DEMO_PASSWORD }));
      return answers;
    };

    it('answers a real login and an unknown one identically, before, at and after the lock', async () => {
      const real = await attempts('manager');
      const unknown = await attempts('no-such-login');
      expect(real.map((r) => r.status)).toEqual([401, 401, 423, 423]);
      expect(real.map((r) => r.body.error?.code)).toEqual([
        'invalid_credentials',
        'invalid_credentials',
        'account_locked',
        'account_locked',
      ]);
      expect(unknown.map(observable)).toEqual(real.map(observable));
      // The locked message does not claim that an account exists.
      expect(real[2]!.body.error?.message_en).not.toMatch(/account/i);
      expect(real[2]!.body.error?.message_ja).not.toContain('アカウント');
    });

    it('still locks and audits the real user, and counts unknown logins under a hash of what was typed', async () => {
      const user = await f.ctx.db
        .selectFrom('users')
        .select(['id', 'locked_until'])
        .where('login', '=', 'manager')
        .executeTakeFirstOrThrow();
      expect(user.locked_until! > iso(now)).toBe(true);
      const locks = await audit('auth.locked');
      const userLock = locks.find((e) => e.actor_id === user.id);
      expect(userLock).toMatchObject({ actor_type: 'user', outcome: 'ok' });
      expect(JSON.parse(userLock!.detail)).toMatchObject({ login: 'manager', until: user.locked_until });
      // The refused right password of the locked user is in the trail too.
      const logins = await audit('auth.login');
      expect(logins.find((e) => e.actor_id === user.id)).toMatchObject({ outcome: 'failed', error_code: 'account_locked' });
      // The unknown login's lock is recorded without an actor, and its counter holds only a hash.
      expect(locks.find((e) => e.actor_type === 'anonymous')).toBeDefined();
      const rows = await f.ctx.db.selectFrom('staff_sign_in_throttle').selectAll().execute();
      expect(rows.map((r) => r.key_hash)).toEqual([staffThrottleKey('no-such-login')]);
      expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]!.locked_until! > iso(now)).toBe(true);
    });

    it('does one argon2 verification in every branch: unknown, wrong, locked (real and unknown), right', async () => {
      const app = await server();
      const verify = vi.spyOn(argon2Work, 'verify');
      const callsFor = async (login: string, password: string) => {
        verify.mockClear();
        const r = await new Client(app).post('/api/v1/auth/login', { login, password });
        return { status: r.status, calls: verify.mock.calls.length };
      };
      expect(await callsFor('other-unknown-login', 'wrong-password-1')).toEqual({ status: 401, calls: 1 });
      expect(await callsFor('auditor', 'wrong-password-1')).toEqual({ status: 401, calls: 1 });
      expect(await callsFor('manager', DEMO_PASSWORD)).toEqual({ status: 423, calls: 1 }); // locked above
      expect(await callsFor('no-such-login', DEMO_PASSWORD)).toEqual({ status: 423, calls: 1 }); // locked above
      expect(await callsFor('staff', DEMO_PASSWORD)).toEqual({ status: 200, calls: 1 });
    });

    it('unlocks both after the lockout period, and housekeeping forgets stale unknown logins', async () => {
      now = new Date(now.getTime() + 16 * 60_000);
      const c = new Client(await server());
      expect((await c.post('/api/v1/auth/login', { login: 'manager', password: DEMO_PASSWORD })).status).toBe(200);
      expect((await c.post('/api/v1/auth/login', { login: 'no-such-login', password: 'wrong-password-9' })).body.error?.code).toBe(
        'invalid_credentials',
      );
      await pruneStaffSignIns(f.ctx, now);
      expect(await f.ctx.db.selectFrom('staff_sign_in_throttle').select('key_hash').execute()).toHaveLength(2); // touched today
      await pruneStaffSignIns(f.ctx, new Date(now.getTime() + 25 * 3600_000));
      expect(await f.ctx.db.selectFrom('staff_sign_in_throttle').select('key_hash').execute()).toHaveLength(0);
    });
  });

  describe('binding a second factor', () => {
    it('refuses to re-bind without the current password and code, and audits each refusal', async () => {
      nextStep();
      const app = await server();
      const c = new Client(app);
      expect((await c.login(f, 'officer')).status).toBe(200);
      const usedAtSignIn = currentTotp(await secretOf('officer'), now);
      const enroll = (body?: Record<string, string>) => c.post('/api/v1/auth/totp/enroll', body);
      expect((await enroll()).body.error?.code).toBe('reauth_required');
      expect((await enroll({ password: DEMO_PASSWORD })).body.error?.code).toBe('reauth_required');
      expect((await enroll({ password: 'wrong-password-1', code: usedAtSignIn })).body.error?.code).toBe('reauth_failed');
      const replay = await enroll({ password: DEMO_PASSWORD, code: usedAtSignIn });
      expect(replay.status).toBe(403);
      expect(replay.body.error?.code).toBe('reauth_failed');
      expect(replay.body).not.toHaveProperty('secret');
      const trail = (await audit('auth.totp_enroll_begin')).slice(0, 4).reverse();
      expect(trail.map((e) => [e.outcome, e.error_code, JSON.parse(e.detail).reason])).toEqual([
        ['refused', 'reauth_required', 'missing'],
        ['refused', 'reauth_required', 'missing'],
        ['failed', 'reauth_failed', 'wrong_password'],
        ['failed', 'reauth_failed', 'replayed'],
      ]);
      // Nothing changed: the factor in force is the same, and nothing is pending.
      const u = await f.ctx.db
        .selectFrom('users')
        .select(['totp_enabled', 'totp_pending_enc'])
        .where('login', '=', 'officer')
        .executeTakeFirstOrThrow();
      expect(u).toEqual({ totp_enabled: 1, totp_pending_enc: null });
    });

    it('keeps the old factor in force until a code from the new one activates it, then ends the other sessions, and audits both steps', async () => {
      nextStep();
      const c = new Client(await server());
      await c.login(f, 'officer');
      const oldSecret = await secretOf('officer');
      nextStep();
      const begun = await c.post('/api/v1/auth/totp/enroll', { password: DEMO_PASSWORD, code: currentTotp(oldSecret, now) });
      expect(begun.status).toBe(200);
      const newSecret = String(begun.body.secret);
      expect(newSecret).not.toBe(oldSecret);

      // Before activation, a sign-in still asks for the old factor's code, and the new one's is refused.
      nextStep();
      const during = new Client(await server());
      expect((await during.post('/api/v1/auth/login', { login: 'officer', password: DEMO_PASSWORD })).body).toEqual({ mfa: 'totp' });
      expect((await during.post('/api/v1/auth/totp', { code: currentTotp(newSecret, now) })).body.error?.code).toBe('totp_invalid');
      expect((await during.post('/api/v1/auth/totp', { code: currentTotp(oldSecret, now) })).status).toBe(200);

      // A wrong first code changes nothing; the right one replaces the factor.
      expect((await c.post('/api/v1/auth/totp/activate', { code: currentTotp(oldSecret, now) })).body.error?.code).toBe('totp_invalid');
      expect(await secretOf('officer')).toBe(oldSecret);
      nextStep();
      expect((await during.get('/api/v1/auth/me')).status).toBe(200);
      expect((await c.post('/api/v1/auth/totp/activate', { code: currentTotp(newSecret, now) })).status).toBe(200);
      expect(await secretOf('officer')).toBe(newSecret);
      // Every other session of the user (signed in with the old factor) ends; the one that re-bound stays.
      expect((await during.get('/api/v1/auth/me')).status).toBe(401);
      expect((await c.get('/api/v1/auth/me')).status).toBe(200);

      nextStep();
      const after = new Client(await server());
      expect((await after.post('/api/v1/auth/login', { login: 'officer', password: DEMO_PASSWORD })).body).toEqual({ mfa: 'totp' });
      expect((await after.post('/api/v1/auth/totp', { code: currentTotp(oldSecret, now) })).body.error?.code).toBe('totp_invalid');
      expect((await after.post('/api/v1/auth/totp', { code: currentTotp(newSecret, now) })).status).toBe(200);

      const begins = await audit('auth.totp_enroll_begin');
      expect(begins[0]).toMatchObject({ outcome: 'ok', actor_type: 'user' });
      expect(JSON.parse(begins[0]!.detail)).toEqual({ rebind: true });
      const enrolled = (await audit('auth.totp_enrolled')).slice(0, 2);
      expect(enrolled.map((e) => [e.outcome, e.error_code, JSON.parse(e.detail)])).toEqual([
        ['ok', null, { rebind: true, ended_sessions: expect.any(Number) }],
        ['failed', 'totp_invalid', { rebind: true, reason: 'wrong_code' }],
      ]);
      // At least the session signed in with the old factor meanwhile (earlier tests' sessions may count too).
      expect(JSON.parse(enrolled[0]!.detail).ended_sessions).toBeGreaterThanOrEqual(1);
    });

    it('asks a user without a factor for the password, counts wrong ones towards the lockout that ends the session, and /auth/me tells when a factor is in force', async () => {
      const c = new Client(await server());
      await c.login(f, 'service');
      expect((await c.post('/api/v1/auth/totp/enroll')).body.error?.code).toBe('reauth_required');
      const wrong = () => c.post('/api/v1/auth/totp/enroll', { password: 'wrong-password-2' });
      expect((await wrong()).body.error?.code).toBe('reauth_failed');
      expect((await wrong()).body.error?.code).toBe('reauth_failed');
      const third = await wrong();
      expect(third.status).toBe(423);
      expect(third.body.error?.code).toBe('account_locked');
      expect((await c.get('/api/v1/auth/me')).status).toBe(401);
      const service = await f.ctx.db
        .selectFrom('users')
        .select(['id', 'locked_until'])
        .where('login', '=', 'service')
        .executeTakeFirstOrThrow();
      expect(service.locked_until! > iso(now)).toBe(true);
      expect((await audit('auth.locked'))[0]).toMatchObject({ actor_id: service.id });
      // With the password, the user may bind a first factor.
      now = new Date(now.getTime() + 16 * 60_000);
      const again = new Client(await server());
      await again.login(f, 'service');
      // /auth/me tells the console whether a factor is in force (and so whether to ask for a code).
      expect((await again.get('/api/v1/auth/me')).body).toMatchObject({ user: { login: 'service' }, totp: false });
      const begun = await again.post('/api/v1/auth/totp/enroll', { password: DEMO_PASSWORD });
      expect(begun.status).toBe(200);
      expect((await again.get('/api/v1/auth/me')).body).toMatchObject({ totp: false }); // pending is not in force
      expect((await again.post('/api/v1/auth/totp/activate', { code: currentTotp(String(begun.body.secret), now) })).status).toBe(200);
      expect((await again.get('/api/v1/auth/me')).body).toMatchObject({ totp: true });
      expect(JSON.parse((await audit('auth.totp_enrolled'))[0]!.detail)).toEqual({ rebind: false });
    });

    it('keeps the first enrolment at sign-in as it was, but a second pending sign-in cannot re-bind once a factor exists', async () => {
      nextStep();
      const admin = new Client(await server());
      expect((await admin.login(f, 'admin')).status).toBe(200);
      const created = await admin.post('/api/v1/users', {
        login: 'rebind-officer',
        display_name: '再登録 責任者',
        password: 'a-long-password-1',
        role: 'privacy_officer',
        department: 'governance',
      });
      expect(created.status).toBe(201);
      const app = await server();
      const first = new Client(app);
      const second = new Client(app);
      for (const c of [first, second])
        expect((await c.post('/api/v1/auth/login', { login: 'rebind-officer', password: 'a-long-password-1' })).body).toEqual({
          mfa: 'enroll',
        });
      // The sign-in has just checked the password: the first enrolment asks nothing more.
      const begun = await first.post('/api/v1/auth/totp/enroll');
      expect(begun.status).toBe(200);
      expect((await first.post('/api/v1/auth/totp/activate', { code: currentTotp(String(begun.body.secret), now) })).status).toBe(200);
      expect((await first.get('/api/v1/auth/me')).status).toBe(200);
      // The other session, still at its enrolment step, may not replace the factor now in force without re-authenticating.
      expect((await second.post('/api/v1/auth/totp/enroll')).body.error?.code).toBe('reauth_required');
      expect(
        (await second.post('/api/v1/auth/totp/activate', { code: currentTotp(String(begun.body.secret), now) })).body.error?.code,
      ).toBe('totp_invalid');
      expect((await second.get('/api/v1/audit')).body.error?.code).toBe('totp_enrollment_required');
    });
  });
});
