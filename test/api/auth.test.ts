/** Staff sign-in over HTTP: argon2id passwords, lockout, TOTP for officers and admins, CSRF, cookies. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../../src/modules/auth/totp.ts';
import { availableDialects, chained } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, testServer } from '../support/http.ts';

describe.each(availableDialects())('staff sign-in on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let now = new Date('2026-11-24T02:00:00Z'); // a Tuesday, 11:00 in Japan
  const clock = () => now;

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock });
    app = await testServer(f, { lockoutThreshold: 3, lockoutMinutes: 15, sessionIdleMinutes: 30 });
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  it('stores passwords as argon2id', async () => {
    const u = await f.ctx.db.selectFrom('users').select('password_hash').where('login', '=', 'staff').executeTakeFirstOrThrow();
    expect(u.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('signs staff in with a secure session cookie, and out again', async () => {
    const c = new Client(app);
    const r = await c.post('/api/v1/auth/login', { login: 'staff', password: 'mamori-demo-2026' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ mfa: 'none' });
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(/mamori_session=[A-Za-z0-9_-]{40,}/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const me = await c.get('/api/v1/auth/me');
    expect(me.body).toMatchObject({ user: { login: 'staff' }, role: { code: 'delivery_staff' } });
    expect((me.body.purposes as { code: string }[]).map((p) => p.code)).toEqual(['P03', 'P04', 'P13']);
    const sessions = await f.ctx.db.selectFrom('sessions').select('id').execute();
    expect(sessions.every((s) => /^[0-9a-f]{64}$/.test(s.id))).toBe(true); // only hashes are stored
    expect((await c.post('/api/v1/auth/logout')).status).toBe(200);
    expect((await c.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('marks cookies Secure when configured', async () => {
    const secureApp = await testServer(f, { cookieSecure: true });
    const r = await new Client(secureApp).post('/api/v1/auth/login', { login: 'staff', password: 'mamori-demo-2026' });
    expect(String(r.headers['set-cookie'])).toMatch(/Secure/);
    await secureApp.close();
  });

  it('refuses state changes without the CSRF token', async () => {
    const c = new Client(app);
    const r = await c.request('POST', '/api/v1/auth/login', { json: { login: 'staff', password: 'mamori-demo-2026' }, csrf: false });
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('csrf_invalid');
  });

  it('locks the account after repeated failures, audits it, and unlocks after the lockout period', async () => {
    const c = new Client(app);
    const wrong = () => c.post('/api/v1/auth/login', { login: 'manager', password: 'wrong-password-1' });
    expect((await wrong()).body.error?.code).toBe('invalid_credentials');
    expect((await wrong()).body.error?.code).toBe('invalid_credentials');
    const third = await wrong();
    expect(third.status).toBe(423);
    expect(third.body.error?.code).toBe('account_locked');
    const right = await c.post('/api/v1/auth/login', { login: 'manager', password: 'mamori-demo-2026' });
    expect(right.body.error?.code).toBe('account_locked');
    const trail = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'error_code'])
      .where('action', 'in', ['auth.login', 'auth.locked'])
      .orderBy('seq', 'desc')
      .limit(5)
      .execute();
    expect(trail.map((e) => `${e.action}:${e.outcome}:${e.error_code ?? ''}`)).toEqual([
      'auth.login:failed:account_locked',
      'auth.locked:ok:',
      'auth.login:failed:invalid_credentials',
      'auth.login:failed:invalid_credentials',
      'auth.login:failed:invalid_credentials',
    ]);
    now = new Date(now.getTime() + 16 * 60_000);
    expect((await c.post('/api/v1/auth/login', { login: 'manager', password: 'mamori-demo-2026' })).status).toBe(200);
  });

  it('answers an unknown login exactly like a wrong password', async () => {
    const r = await new Client(app).post('/api/v1/auth/login', { login: 'nobody-here', password: 'whatever-123' });
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe('invalid_credentials');
  });

  it('requires the TOTP code of a privacy officer before anything else', async () => {
    const c = new Client(app);
    const r = await c.post('/api/v1/auth/login', { login: 'officer', password: 'mamori-demo-2026' });
    expect(r.body).toEqual({ mfa: 'totp' });
    expect((await c.get('/api/v1/auth/me')).body).toEqual({ mfa: 'totp' });
    const blocked = await c.get(`/api/v1/members/${await f.memberId('1000001')}?purpose=P01`);
    expect(blocked.status).toBe(401);
    expect(blocked.body.error?.code).toBe('totp_required');
    expect((await c.post('/api/v1/auth/totp', { code: '000000' })).body.error?.code).toBe('totp_invalid');
    const u = await f.ctx.db.selectFrom('users').select('totp_secret_enc').where('login', '=', 'officer').executeTakeFirstOrThrow();
    const ok = await c.post('/api/v1/auth/totp', { code: currentTotp(f.ctx.keys.decrypt(u.totp_secret_enc!), now) });
    expect(ok.status).toBe(200);
    expect((await c.get(`/api/v1/members/${await f.memberId('1000001')}?purpose=P01`)).status).toBe(200);
  });

  it('makes a new privacy officer enrol a TOTP factor before working', async () => {
    const admin = new Client(app);
    expect((await admin.login(f, 'admin')).status).toBe(200);
    const created = await admin.post('/api/v1/users', {
      login: 'new-officer',
      display_name: '新任 責任者',
      password: 'a-long-password-1',
      role: 'privacy_officer',
      department: 'governance',
    });
    expect(created.status).toBe(201);
    const c = new Client(app);
    expect((await c.post('/api/v1/auth/login', { login: 'new-officer', password: 'a-long-password-1' })).body).toEqual({ mfa: 'enroll' });
    expect((await c.get('/api/v1/audit')).body.error?.code).toBe('totp_enrollment_required');
    const enrol = await c.post('/api/v1/auth/totp/enroll');
    expect(String(enrol.body.uri)).toMatch(/^otpauth:\/\/totp\/mamori:new-officer\?/);
    expect((await c.post('/api/v1/auth/totp/activate', { code: '123456' })).body.error?.code).toBe('totp_invalid');
    expect((await c.post('/api/v1/auth/totp/activate', { code: currentTotp(String(enrol.body.secret), now) })).status).toBe(200);
    expect((await c.get('/api/v1/audit')).status).toBe(200);
    // Next time the code is asked for.
    expect((await new Client(app).post('/api/v1/auth/login', { login: 'new-officer', password: 'a-long-password-1' })).body).toEqual({
      mfa: 'totp',
    });
  });

  it('accepts a TOTP code once: the same code cannot be replayed', async () => {
    now = new Date(now.getTime() + 60_000);
    const u = await f.ctx.db.selectFrom('users').select('totp_secret_enc').where('login', '=', 'officer').executeTakeFirstOrThrow();
    const code = currentTotp(f.ctx.keys.decrypt(u.totp_secret_enc!), now);
    const first = new Client(app);
    await first.post('/api/v1/auth/login', { login: 'officer', password: 'mamori-demo-2026' });
    expect((await first.post('/api/v1/auth/totp', { code })).status).toBe(200);
    const second = new Client(app);
    await second.post('/api/v1/auth/login', { login: 'officer', password: 'mamori-demo-2026' });
    const replay = await second.post('/api/v1/auth/totp', { code });
    expect(replay.body.error?.code).toBe('totp_invalid');
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'auth.login')
      .where('outcome', '=', 'failed')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toMatchObject({ step: 'totp', reason: 'replayed' });
    // The next time step's code is accepted.
    now = new Date(now.getTime() + 30_000);
    expect((await second.post('/api/v1/auth/totp', { code: currentTotp(f.ctx.keys.decrypt(u.totp_secret_enc!), now) })).status).toBe(200);
  });

  it('refuses weak passwords and duplicate logins', async () => {
    now = new Date(now.getTime() + 30_000); // a new TOTP step: the admin signed in with the previous one
    const admin = new Client(app);
    await admin.login(f, 'admin');
    const weak = await admin.post('/api/v1/users', { login: 'weak-user', display_name: 'x', password: 'short', role: 'delivery_staff' });
    expect(weak.body.error?.issues?.[0]).toMatchObject({ field: 'password', code: 'too_short' });
    const dup = await admin.post('/api/v1/users', {
      login: 'staff',
      display_name: 'x',
      password: 'a-long-password-1',
      role: 'delivery_staff',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error?.code).toBe('login_taken');
  });

  it('expires idle sessions', async () => {
    const c = new Client(app);
    await c.login(f, 'staff');
    expect((await c.get('/api/v1/auth/me')).status).toBe(200);
    now = new Date(now.getTime() + 31 * 60_000);
    expect((await c.get('/api/v1/auth/me')).status).toBe(401);
  });
});
