/**
 * Member page sign-in over HTTP on both dialects: one-time codes by e-mail (first sign-in, recovery), the
 * no-leak rules (same answer for unknown members and members without e-mail; lockout under any code),
 * code tries, expiry and limits, password sign-in and lockout, rate limits, sessions and sign-out, and an
 * audit trail that records all of it without the code, the e-mail address or the member code typed.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { testServer } from '../../../test/support/http.ts';
import { type CapturingMailer, capturingMailer, PortalClient } from '../../../test/support/portal.ts';
import { DEMO_CHILD_CODE, DEMO_MEMBER_CODE, DEMO_MEMBER_PASSWORD } from '../demo/demo-portal.ts';
import { PORTAL_CODE_RATE_LIMIT } from './routes.ts';
import { pruneMemberSignIns } from './sessions.ts';

const ORG = 'demo-coop';
const NEW_PASSWORD = 'kumiai-no-pass-2026';

describe.each(availableDialects())('member page sign-in on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let mailer: CapturingMailer;
  let now = new Date('2026-11-24T02:00:00Z');
  const clock = () => now;
  const later = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };

  /** Gives synthetic member `code` a known e-mail address (and optionally a status); returns the address. */
  async function withEmail(code: string, status?: 'withdrawn'): Promise<string> {
    const email = `portal-${code}@example.jp`;
    await f.ctx.db
      .updateTable('members')
      .set({ email, ...(status ? { status, leave_date: '2026-03-31' } : {}) })
      .where('id', '=', await f.memberId(code))
      .execute();
    return email;
  }

  const auditSince = async (seq: number) =>
    (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', seq)
      .where('action', 'like', 'portal.%')
      .orderBy('seq')
      .execute();
  const lastSeq = async () =>
    Number((await (await chained(f.ctx.db)).selectFrom('audit_head').select('seq').where('id', '=', 1).executeTakeFirstOrThrow()).seq);

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock, members: 20 });
    mailer = capturingMailer();
    f.ctx.mailer = mailer;
    app = await testServer(f, { lockoutThreshold: 3, lockoutMinutes: 15, sessionIdleMinutes: 30 });
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  it('sends a code to a withdrawn member, who sets a password with it and is signed in', async () => {
    const email = await withEmail('1000001', 'withdrawn');
    const c = new PortalClient(app);
    const asked = await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000001' });
    expect(asked.status).toBe(202);
    const code = mailer.lastCode(email);
    expect(code).toMatch(/^\d{6}$/);
    const mail = mailer.sent.at(-1)!;
    expect(mail.subject).toMatch(/^【デモ生活協同組合】確認コードのお知らせ/);
    expect(mail.text).toContain('確認コード：');
    expect(mail.text).not.toContain('Code: '); // one language: Japanese, no English half
    expect(mail.text).not.toContain(email); // the code mail carries no personal data

    const stored = await f.ctx.db.selectFrom('member_one_time_codes').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(code!);
    expect(stored.purpose).toBe('first_sign_in');
    expect(Date.parse(stored.expires_at) - now.getTime()).toBe(15 * 60_000);

    const weak = await c.post('/api/v1/portal/auth/verify', { org: ORG, member_code: '1000001', code, new_password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error?.code).toBe('member_password_weak');
    const sameAsCode = await c.post('/api/v1/portal/auth/verify', { org: ORG, member_code: '1000001', code, new_password: '1000001' });
    expect(sameAsCode.body.error?.issues?.map((i) => i.code)).toContain('same_as_member_code');

    // Full-width digits as typed on a phone are the same code.
    const fullWidth = code!.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const ok = await c.post('/api/v1/portal/auth/verify', {
      org: ORG,
      member_code: '1000001',
      code: fullWidth,
      new_password: NEW_PASSWORD,
    });
    expect(ok.status).toBe(200);
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(/mamori_member=[A-Za-z0-9_-]{40,}/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const me = await c.get('/api/v1/portal/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      member: { member_code: '1000001', org_code: ORG, org_name: 'デモ生活協同組合' },
      subject: { member_code: '1000001', is_self: true },
      wards: [],
    });
    // The code is good once.
    const again = await new PortalClient(app).post('/api/v1/portal/auth/verify', {
      org: ORG,
      member_code: '1000001',
      code,
      new_password: NEW_PASSWORD,
    });
    expect(again.body.error?.code).toBe('member_code_invalid');
    // The password works from now on.
    const signIn = await new PortalClient(app).post('/api/v1/portal/auth/login', {
      org: ORG,
      member_code: '1000001',
      password: NEW_PASSWORD,
    });
    expect(signIn.status).toBe(200);
    const account = await f.ctx.db
      .selectFrom('member_accounts')
      .selectAll()
      .where('member_id', '=', await f.memberId('1000001'))
      .executeTakeFirstOrThrow();
    expect(account.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('answers alike for an unknown member, a member without e-mail, an unknown co-op and a real member', async () => {
    const email = await withEmail('1000002');
    const answers = [];
    for (const [org, member_code] of [
      [ORG, '1000002'],
      [ORG, '7777777'],
      [ORG, DEMO_CHILD_CODE], // the demo child has no e-mail address
      ['no-such-coop', '1000002'],
      ['demo-other-coop', '1000002'],
    ] as const) {
      const r = await new PortalClient(app).post('/api/v1/portal/auth/code', { org, member_code });
      answers.push({ status: r.status, raw: r.raw });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]!.status).toBe(202);
    expect(mailer.sent.filter((m) => m.to === email)).toHaveLength(1);
    // Only one mail went out, to the member with an address; no account was made for the others.
    const child = await f.memberId(DEMO_CHILD_CODE);
    expect(await f.ctx.db.selectFrom('member_accounts').select('id').where('member_id', '=', child).executeTakeFirst()).toBeUndefined();
  });

  it('gives a code five wrong tries, voids earlier codes with a new one, and expires codes after 15 minutes', async () => {
    const email = await withEmail('1000003');
    const c = new PortalClient(app);
    const verify = (code: string) =>
      c.post('/api/v1/portal/auth/verify', { org: ORG, member_code: '1000003', code, new_password: NEW_PASSWORD });

    await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000003' });
    const first = mailer.lastCode(email)!;
    const wrong = first === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await verify(wrong)).body.error?.code).toBe('member_code_invalid');
    const exhausted = await verify(first);
    expect(exhausted.status).toBe(401);
    expect(exhausted.body.error?.code).toBe('member_code_invalid');

    await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000003' });
    const second = mailer.lastCode(email)!;
    await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000003' });
    const third = mailer.lastCode(email)!;
    if (second !== third) expect((await verify(second)).body.error?.code).toBe('member_code_invalid');
    later(16);
    expect((await verify(third)).body.error?.code).toBe('member_code_invalid');
    await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000003' });
    expect((await verify(mailer.lastCode(email)!)).status).toBe(200);
  });

  it('sends at most five codes an hour per account, answering the same when it holds one back', async () => {
    const email = await withEmail('1000004');
    const c = new PortalClient(app);
    const ask = () => c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000004' });
    const first = await ask();
    for (let i = 0; i < 4; i++) await ask();
    expect(mailer.sent.filter((m) => m.to === email)).toHaveLength(5);
    const held = await ask();
    expect({ status: held.status, raw: held.raw }).toEqual({ status: first.status, raw: first.raw });
    expect(mailer.sent.filter((m) => m.to === email)).toHaveLength(5);
    later(61);
    await ask();
    expect(mailer.sent.filter((m) => m.to === email)).toHaveLength(6);
  });

  it('signs in with the password; a wrong password and an unknown member answer alike', async () => {
    const c = new PortalClient(app);
    const ok = await c.post('/api/v1/portal/auth/login', { org: ORG, member_code: DEMO_MEMBER_CODE, password: DEMO_MEMBER_PASSWORD });
    expect(ok.status).toBe(200);
    const wrong = await new PortalClient(app).post('/api/v1/portal/auth/login', {
      org: ORG,
      member_code: DEMO_MEMBER_CODE,
      password: 'not-the-password',
    });
    const unknown = await new PortalClient(app).post('/api/v1/portal/auth/login', {
      org: ORG,
      member_code: '7777778',
      password: 'not-the-password',
    });
    const noPassword = await new PortalClient(app).post('/api/v1/portal/auth/login', {
      org: ORG,
      member_code: '1000005',
      password: 'not-the-password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe('member_sign_in_failed');
    expect(unknown.raw).toBe(wrong.raw);
    expect(noPassword.raw).toBe(wrong.raw);
    // The staff cookie is another thing: a member session does not reach the staff API.
    expect((await c.get('/api/v1/auth/me')).status).toBe(401);
    // A success resets the member's failure count.
    const account = await f.ctx.db
      .selectFrom('member_accounts')
      .select('failed_attempts')
      .where('member_id', '=', await f.memberId(DEMO_MEMBER_CODE))
      .executeTakeFirstOrThrow();
    expect(Number(account.failed_attempts)).toBe(1);
    await c.post('/api/v1/portal/auth/login', { org: ORG, member_code: DEMO_MEMBER_CODE, password: DEMO_MEMBER_PASSWORD });
  });

  it('locks a member code after repeated failures whether or not it exists, and unlocks after the lockout period', async () => {
    const attempt = (member_code: string, password: string) =>
      new PortalClient(app).post('/api/v1/portal/auth/login', { org: ORG, member_code, password });
    const seq = await lastSeq();
    const real: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 3; i++) {
      real.push((await attempt(DEMO_MEMBER_CODE, `wrong-password-${i}`)).raw);
      unknown.push((await attempt('8888888', `wrong-password-${i}`)).raw);
    }
    expect(unknown).toEqual(real);
    const locked = await attempt(DEMO_MEMBER_CODE, DEMO_MEMBER_PASSWORD);
    expect(locked.status).toBe(423);
    expect(locked.body.error?.code).toBe('member_account_locked');
    expect(JSON.parse(real[2]!).error.code).toBe('member_account_locked');
    expect((await attempt('8888888', DEMO_MEMBER_PASSWORD)).raw).toBe(locked.raw);

    const trail = await auditSince(seq);
    expect(trail.filter((e) => e.action === 'portal.locked')).toHaveLength(2);
    const memberId = await f.memberId(DEMO_MEMBER_CODE);
    expect(trail.filter((e) => e.action === 'portal.sign_in' && e.member_id === memberId).map((e) => e.error_code)).toEqual([
      'member_sign_in_failed',
      'member_sign_in_failed',
      'member_sign_in_failed',
      'member_account_locked',
    ]);

    later(16);
    expect((await attempt(DEMO_MEMBER_CODE, DEMO_MEMBER_PASSWORD)).status).toBe(200);
    expect((await attempt('8888888', 'wrong-password-x')).body.error?.code).toBe('member_sign_in_failed');
  });

  it('lifts a lockout when the member proves their mailbox with a code (recovery), ending the other sessions', async () => {
    const email = await withEmail('1000006');
    const old = new PortalClient(app);
    await old.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000006' });
    await old.post('/api/v1/portal/auth/verify', {
      org: ORG,
      member_code: '1000006',
      code: mailer.lastCode(email),
      new_password: NEW_PASSWORD,
    });
    expect((await old.get('/api/v1/portal/me')).status).toBe(200);
    for (let i = 0; i < 3; i++)
      await new PortalClient(app).post('/api/v1/portal/auth/login', { org: ORG, member_code: '1000006', password: 'guessing-password' });
    const c = new PortalClient(app);
    await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000006' });
    const stored = await f.ctx.db
      .selectFrom('member_one_time_codes')
      .innerJoin('member_accounts', 'member_accounts.id', 'member_one_time_codes.account_id')
      .select('purpose')
      .where('member_accounts.member_id', '=', await f.memberId('1000006'))
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(stored.purpose).toBe('recovery');
    const recovered = await c.post('/api/v1/portal/auth/verify', {
      org: ORG,
      member_code: '1000006',
      code: mailer.lastCode(email),
      new_password: 'another-password-2026',
    });
    expect(recovered.status).toBe(200);
    expect((await old.get('/api/v1/portal/me')).body.error?.code).toBe('member_not_signed_in');
    expect(
      (
        await new PortalClient(app).post('/api/v1/portal/auth/login', {
          org: ORG,
          member_code: '1000006',
          password: 'another-password-2026',
        })
      ).status,
    ).toBe(200);
  });

  it('limits code requests per client address with rate_limited', async () => {
    const c = new PortalClient(app);
    for (let i = 0; i < PORTAL_CODE_RATE_LIMIT.max; i++) {
      expect((await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '7777779' })).status).toBe(202);
    }
    const limited = await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '7777779' });
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('rate_limited');
    // Another address is not held back.
    expect((await new PortalClient(app).post('/api/v1/portal/auth/code', { org: ORG, member_code: '7777779' })).status).toBe(202);
  });

  it('keeps only the token hash, expires idle sessions, and signs out for good', async () => {
    const c = new PortalClient(app);
    await c.post('/api/v1/portal/auth/login', { org: ORG, member_code: DEMO_MEMBER_CODE, password: DEMO_MEMBER_PASSWORD });
    const token = c.cookie('mamori_member')!;
    const rows = await f.ctx.db.selectFrom('member_sessions').select('id').execute();
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id) && r.id !== token)).toBe(true);

    later(20);
    expect((await c.get('/api/v1/portal/me')).status).toBe(200); // use slides the expiry
    later(20);
    expect((await c.get('/api/v1/portal/me')).status).toBe(200);
    later(31);
    const expired = await c.get('/api/v1/portal/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error?.code).toBe('member_not_signed_in');

    const d = new PortalClient(app);
    await d.post('/api/v1/portal/auth/login', { org: ORG, member_code: DEMO_MEMBER_CODE, password: DEMO_MEMBER_PASSWORD });
    const kept = d.cookie('mamori_member')!;
    expect((await d.post('/api/v1/portal/auth/logout')).status).toBe(200);
    expect(d.cookie('mamori_member')).toBeUndefined();
    const replay = new PortalClient(app);
    replay.setCookie('mamori_member', kept);
    expect((await replay.get('/api/v1/portal/me')).status).toBe(401);
  });

  it('refuses sign-in for an erased member and ends their sessions', async () => {
    const email = await withEmail('1000007');
    const c = new PortalClient(app);
    await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000007' });
    await c.post('/api/v1/portal/auth/verify', {
      org: ORG,
      member_code: '1000007',
      code: mailer.lastCode(email),
      new_password: NEW_PASSWORD,
    });
    expect((await c.get('/api/v1/portal/me')).status).toBe(200);
    await f.ctx.db
      .updateTable('members')
      .set({ erased_at: now.toISOString() })
      .where('id', '=', await f.memberId('1000007'))
      .execute();
    expect((await c.get('/api/v1/portal/me')).status).toBe(401);
    const r = await new PortalClient(app).post('/api/v1/portal/auth/login', { org: ORG, member_code: '1000007', password: NEW_PASSWORD });
    expect(r.body.error?.code).toBe('member_sign_in_failed');
    const sent = mailer.sent.length;
    await new PortalClient(app).post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000007' });
    expect(mailer.sent.length).toBe(sent);
  });

  it('prunes expired sessions, day-old codes and stale throttle rows, keeping live ones', async () => {
    const c = new PortalClient(app);
    await c.post('/api/v1/portal/auth/login', { org: ORG, member_code: DEMO_MEMBER_CODE, password: DEMO_MEMBER_PASSWORD });
    const count = async (table: 'member_sessions' | 'member_one_time_codes' | 'member_sign_in_throttle') =>
      Number(
        (
          await f.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('member_one_time_codes')).toBeGreaterThan(0);
    expect(await count('member_sign_in_throttle')).toBeGreaterThan(0);
    await pruneMemberSignIns(f.ctx, now);
    expect((await c.get('/api/v1/portal/me')).status).toBe(200);
    await pruneMemberSignIns(f.ctx, new Date(now.getTime() + 25 * 3600_000));
    expect(await count('member_sessions')).toBe(0);
    expect(await count('member_one_time_codes')).toBe(0);
    expect(await count('member_sign_in_throttle')).toBe(0);
  });

  it('documents the member page endpoints in the OpenAPI document', async () => {
    const doc = (await new PortalClient(app).get('/api/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    for (const path of ['/auth/code', '/auth/verify', '/auth/login', '/auth/logout', '/me', '/act-as'])
      expect(Object.keys(doc.paths)).toContain(`/api/v1/portal${path}`);
    expect(Object.keys(doc.paths['/api/v1/members/{id}/guardians']!)).toEqual(['get', 'post']);
  });

  it('records sign-ins, codes, passwords and sign-outs in the audit trail without the code, e-mail or typed member code', async () => {
    const email = await withEmail('1000008');
    const seq = await lastSeq();
    const c = new PortalClient(app);
    await c.post('/api/v1/portal/auth/code', { org: ORG, member_code: '1000008' });
    const code = mailer.lastCode(email)!;
    await c.post('/api/v1/portal/auth/verify', {
      org: ORG,
      member_code: '1000008',
      code: '000000' === code ? '000001' : '000000',
      new_password: NEW_PASSWORD,
    });
    await c.post('/api/v1/portal/auth/verify', { org: ORG, member_code: '1000008', code, new_password: NEW_PASSWORD });
    await c.post('/api/v1/portal/auth/logout');
    await new PortalClient(app).post('/api/v1/portal/auth/login', { org: ORG, member_code: '1000008', password: 'wrong-password-1' });
    await new PortalClient(app).post('/api/v1/portal/auth/code', { org: ORG, member_code: '6543210' });

    const trail = await auditSince(seq);
    const memberId = await f.memberId('1000008');
    const account = await f.ctx.db.selectFrom('member_accounts').select('id').where('member_id', '=', memberId).executeTakeFirstOrThrow();
    expect(trail.map((e) => `${e.action}:${e.outcome}:${e.actor_type}`)).toEqual([
      'portal.code_request:ok:anonymous',
      'portal.sign_in:failed:anonymous',
      'portal.password_set:ok:member',
      'portal.sign_in:ok:member',
      'portal.logout:ok:member',
      'portal.sign_in:failed:anonymous',
      'portal.code_request:refused:anonymous',
    ]);
    expect(trail.slice(0, 6).every((e) => e.member_id === memberId)).toBe(true);
    expect(trail.filter((e) => e.actor_type === 'member').every((e) => e.actor_id === account.id)).toBe(true);
    expect(JSON.parse(trail[6]!.detail)).toEqual({ reason: 'unknown_member' });
    const details = trail.map((e) => e.detail).join('\n');
    for (const secret of [code, email, '1000008', '6543210', NEW_PASSWORD]) expect(details).not.toContain(secret);
  });
});
