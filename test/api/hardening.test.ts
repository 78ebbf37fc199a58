/**
 * Requests that reach the server (issue 10, section 2), on both dialects: deeply nested JSON is a 400
 * without a logged stack; percent-encoded and other odd spellings of API paths get the same session, member
 * session, CSRF, My Number and 404 handling as the plain path; refusals of signed-in callers are audited
 * without changing the answer; a route's declared roles refuse before the body is validated; answers to
 * signed-in callers are never cached; the public notices are rate-limited.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonNestingExceeds, MAX_JSON_DEPTH } from '../../src/app/json-body.ts';
import { buildServer } from '../../src/app/server.ts';
import { loadConfig } from '../../src/base/config.ts';
import { DEMO_MEMBER_CODE, DEMO_MEMBER_PASSWORD } from '../../src/modules/demo/demo-portal.ts';
import { myNumberCheckDigit } from '../../src/modules/my-number/detect.ts';
import { availableDialects, chained } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client } from '../support/http.ts';
import { PortalClient } from '../support/portal.ts';

const myNumber = (first11: string) => `${first11}${myNumberCheckDigit(first11)}`;
const nested = (levels: number) => `{"login":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)},"password":"x"}`;

describe('JSON nesting scan', () => {
  it('counts objects and arrays inside each other, not brackets inside strings', () => {
    expect(jsonNestingExceeds('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(jsonNestingExceeds('{"a":[1,{"b":[[]]}]}', 4)).toBe(true);
    expect(jsonNestingExceeds('[[]],[[]],[[]]', 2)).toBe(false);
    expect(jsonNestingExceeds(`{"a":"${'['.repeat(500)}"}`, 2)).toBe(false);
    expect(jsonNestingExceeds(`{"a":"\\"${'{'.repeat(500)}"}`, 2)).toBe(false);
    expect(jsonNestingExceeds(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonNestingExceeds(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });
});

describe.each(availableDialects())('requests that reach the server on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let service: Client;
  let memberId: string;
  const log: string[] = [];

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 10 });
    const webDir = mkdtempSync(join(tmpdir(), 'mamori-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>console</title>');
    const config = loadConfig({}, { logLevel: 'info', cookieSecure: false, sessionIdleMinutes: 24 * 60 });
    app = await buildServer(f.ctx, config, { webDir, logStream: { write: (line) => void log.push(line) } });
    service = new Client(app);
    expect((await service.login(f, 'service')).status).toBe(200);
    memberId = await f.memberId('1000001');
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const auditRows = async (action: string) =>
    (await chained(f.ctx.db)).selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();
  const signedIn = async (login: string) => {
    const c = new Client(app);
    expect((await c.login(f, login)).status).toBe(200);
    return c;
  };

  describe('deeply nested JSON', () => {
    it('is refused with json_too_deep before any recursion, and no stack is logged', async () => {
      const anonymous = new Client(app);
      log.length = 0;
      for (const levels of [MAX_JSON_DEPTH + 1, 3000, 20_000]) {
        const r = await anonymous.request('POST', '/api/v1/auth/login', {
          payload: nested(levels),
          headers: { 'content-type': 'application/json' },
        });
        expect(r.status).toBe(400);
        expect(r.body.error?.code).toBe('json_too_deep');
        expect(r.body.error?.message_ja).toMatch(/入れ子/);
        expect(r.raw).not.toMatch(/RangeError|stack|at .*\.ts:\d+/);
      }
      expect(log.join('\n')).not.toMatch(/"stack"|RangeError|unhandled error/);
    });

    it('accepts nesting up to the limit (the request goes on to validation)', async () => {
      const r = await new Client(app).request('POST', '/api/v1/auth/login', {
        payload: nested(MAX_JSON_DEPTH),
        headers: { 'content-type': 'application/json' },
      });
      expect(r.status).toBe(400);
      expect(r.body.error?.code).toBe('validation_failed');
    });

    it('a signed-in member update nested too deep changes nothing', async () => {
      const before = await f.ctx.db.selectFrom('members').select('version').where('id', '=', memberId).executeTakeFirstOrThrow();
      const r = await service.request('PATCH', `/api/v1/members/${memberId}`, {
        payload: `{"purpose":"P01","changes":{"note":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(r.body.error?.code).toBe('json_too_deep');
      const after = await f.ctx.db.selectFrom('members').select('version').where('id', '=', memberId).executeTakeFirstOrThrow();
      expect(after.version).toBe(before.version);
    });

    it('4xx errors are not logged at all; the request log line has no query string', async () => {
      log.length = 0;
      await service.get('/api/v1/members/not-a-uuid?purpose=P01&q=%E5%B1%B1%E7%94%B0');
      await service.patch(`/api/v1/members/${memberId}`, { purpose: 'P01', changes: { share_capital: true } });
      expect(log.join('\n')).not.toMatch(/"err"|"stack"|"level":50/);
      expect(log.join('\n')).not.toContain('q=');
    });
  });

  describe('percent-encoded and other spellings of API paths', () => {
    // Spellings the router sends to the same route as `/api/v1/auth/login`.
    const routedLogin = [
      '/%61pi/v1/auth/login',
      '/%61%70%69/v1/auth/login',
      '/api/%761/auth/login',
      '/api/v1/auth/log%69n',
      '/api/v1/%61uth/login',
      '/api/v1/./auth/login',
      '/api/v1/auth/../auth/login',
    ];
    // Spellings the router does not route: a JSON 404 (never the console, never the handler).
    const unrouted = [
      '//api/v1/auth/login',
      '/api//v1/auth/login',
      '/api%2Fv1/auth/login',
      '/api/v1%2Fauth%2Flogin',
      '/API/v1/auth/login',
      '/Api/V1/auth/login',
      '/api/v1/auth/login.',
      '/api/v1/auth/login/',
      '/api/v1/auth/login%2E',
    ];

    it('a state-changing request without a CSRF token is refused however the path is written', async () => {
      for (const url of ['/api/v1/auth/login', ...routedLogin]) {
        const r = await new Client(app).request('POST', url, { json: { login: 'service', password: 'wrong' }, csrf: false });
        expect([url, r.status, r.body.error?.code]).toEqual([url, 403, 'csrf_invalid']);
      }
      for (const url of unrouted) {
        const r = await new Client(app).request('POST', url, { json: { login: 'service', password: 'wrong' }, csrf: false });
        expect([url, r.status]).toContain(r.status === 403 ? 403 : 404);
        expect(['csrf_invalid', 'not_found']).toContain(r.body.error?.code);
      }
    });

    it('a My Number is refused and not stored however the path is written', async () => {
      const number = myNumber('12345678901');
      const paths = [`/%61pi/v1/members/${memberId}`, `/api/v1/m%65mbers/${memberId}`, `/api/v1/./members/${memberId}`];
      for (const url of paths) {
        const r = await service.request('PATCH', url, { json: { purpose: 'P01', changes: { note: `連絡 ${number}` } } });
        expect([url, r.status, r.body.error?.code]).toEqual([url, 400, 'my_number_rejected']);
      }
      const row = await f.ctx.db.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(number);
      // …also in a query string.
      const q = await service.get(`/%61pi/v1/members?purpose=P01&by=name&q=${number}`);
      expect(q.body.error?.code).toBe('my_number_rejected');
    });

    it('the staff session is found however the path is written', async () => {
      for (const url of ['/api/v1/auth/me', '/%61pi/v1/auth/me', '/api/v1/auth/%6De']) {
        const r = await service.get(url);
        expect([url, r.status]).toEqual([url, 200]);
      }
    });

    it('a role-restricted route refuses another role however the path is written', async () => {
      for (const url of ['/api/v1/audit', '/%61pi/v1/audit', '/api/v1/%61udit']) {
        const r = await service.get(url);
        expect([url, r.status, r.body.error?.code]).toEqual([url, 403, 'forbidden']);
      }
    });

    it('the member page session is found however the path is written', async () => {
      const member = new PortalClient(app);
      const signIn = await member.post('/api/v1/portal/auth/login', {
        org: 'demo-coop',
        member_code: DEMO_MEMBER_CODE,
        password: DEMO_MEMBER_PASSWORD,
      });
      expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
      for (const url of ['/api/v1/portal/me', '/%61pi/v1/portal/me', '/api/v1/p%6Frtal/me']) {
        const r = await member.get(url);
        expect([url, r.status]).toEqual([url, 200]);
      }
    });

    it('unknown API paths answer the JSON 404 however they are written; console routes still get the console', async () => {
      for (const url of ['/api/v1/nothing', '/%61pi/v1/nothing', '/API/v1/members', '/api%2Fv1/members', '/%2F/api/v1/members']) {
        const r = await service.get(url);
        expect([url, r.status, r.body.error?.code]).toEqual([url, 404, 'not_found']);
      }
      // `//api/…` reads as an address without a scheme: refused before routing, never the console.
      const doubled = await service.get('//api/v1/members');
      expect(doubled.status).toBeGreaterThanOrEqual(400);
      expect(doubled.raw).not.toContain('<title>console</title>');
      const console = await service.get('/members/123');
      expect(console.status).toBe(200);
      expect(console.raw).toContain('<title>console</title>');
    });
  });

  describe('refusals are audited', () => {
    it('a role without the right: forbidden, recorded with the route and the actor', async () => {
      const staff = await signedIn('staff');
      const before = (await auditRows('access.refused')).length;
      const r = await staff.get('/api/v1/ledger/assets');
      expect(r.status).toBe(403);
      expect(r.body).toEqual({
        error: { code: 'forbidden', message_ja: expect.any(String), message_en: expect.any(String) },
      });
      const rows = await auditRows('access.refused');
      expect(rows.length).toBe(before + 1);
      const entry = rows.at(-1)!;
      const actor = await f.actor('staff');
      expect(entry).toMatchObject({
        actor_type: 'user',
        actor_id: actor.id,
        org_id: actor.orgId,
        outcome: 'refused',
        error_code: 'forbidden',
      });
      expect(JSON.parse(entry.detail)).toMatchObject({ route: '/api/v1/ledger/assets', method: 'GET' });
    });

    it('another co-op’s member and request: the same 404 as a missing one, recorded with the ids', async () => {
      const other = await signedIn('other');
      const filed = await service.post('/api/v1/requests', { member_id: memberId, kind: 'disclosure', channel: 'paper' });
      expect(filed.status, JSON.stringify(filed.body)).toBe(201);
      const requestId = String(filed.body.id);

      const before = (await auditRows('access.refused')).length;
      const peek = await other.get(`/api/v1/requests/${requestId}`);
      expect(peek.status).toBe(404);
      expect(peek.body.error?.code).toBe('request_not_found');
      const file = await other.post('/api/v1/requests', { member_id: memberId, kind: 'disclosure', channel: 'paper' });
      expect(file.status).toBe(404);
      expect(file.body.error?.code).toBe('member_not_found');
      // The same answer as for an id that exists nowhere.
      const missing = await other.get('/api/v1/requests/00000000-0000-4000-8000-000000000000');
      expect(missing.body).toEqual(peek.body);

      const rows = (await auditRows('access.refused')).slice(before);
      expect(rows.map((r) => r.error_code)).toEqual(['request_not_found', 'member_not_found', 'request_not_found']);
      expect(JSON.parse(rows[0]!.detail)).toEqual({ route: '/api/v1/requests/:id', method: 'GET', targets: { id: requestId } });
      expect(JSON.parse(rows[1]!.detail).targets).toEqual({ 'body.member_id': memberId });
      const otherActor = await f.actor('other');
      expect(rows.every((r) => r.actor_id === otherActor.id && r.org_id === otherActor.orgId)).toBe(true);
    });

    it('the member page reaching another person’s request is recorded under the member', async () => {
      const member = new PortalClient(app);
      expect(
        (
          await member.post('/api/v1/portal/auth/login', {
            org: 'demo-coop',
            member_code: DEMO_MEMBER_CODE,
            password: DEMO_MEMBER_PASSWORD,
          })
        ).status,
      ).toBe(200);
      const foreign = await service.post('/api/v1/requests', {
        member_id: await f.memberId('1000002'),
        kind: 'disclosure',
        channel: 'paper',
      });
      const foreignId = String(foreign.body.id);
      const before = (await auditRows('access.refused')).length;
      const peek = await member.get(`/api/v1/portal/requests/${foreignId}`);
      expect(peek.status).toBe(404);
      expect(peek.body.error?.code).toBe('request_not_found');
      const rows = (await auditRows('access.refused')).slice(before);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor_type: 'member', error_code: 'request_not_found' });
      expect(JSON.parse(rows[0]!.detail)).toMatchObject({ route: '/api/v1/portal/requests/:id', targets: { id: foreignId } });
    });

    it('the access engine’s own refusals are recorded once, by the engine', async () => {
      const other = await signedIn('other');
      const beforeRefused = (await auditRows('access.refused')).length;
      const beforeRead = (await auditRows('member.read')).length;
      const r = await other.get(`/api/v1/members/${memberId}?purpose=P01`);
      expect(r.status).toBe(404);
      expect((await auditRows('member.read')).length).toBe(beforeRead + 1);
      expect((await auditRows('access.refused')).length).toBe(beforeRefused);
    });

    it('anonymous callers and validation errors leave no refusal entry', async () => {
      const before = (await auditRows('access.refused')).length;
      await new Client(app).get('/api/v1/ledger/assets');
      await service.get('/api/v1/requests/not-a-uuid');
      expect((await auditRows('access.refused')).length).toBe(before);
    });
  });

  describe('declared roles refuse before validation', () => {
    it('another role sending a bad body to an officer-only endpoint gets 403, not the schema', async () => {
      const r = await service.request('PUT', '/api/v1/roles/delivery_staff/purposes', { json: { purposes: 'not a list', extra: 1 } });
      expect(r.status).toBe(403);
      expect(r.body.error?.code).toBe('forbidden');
      expect(r.body.error?.issues).toBeUndefined();
      // The officer gets the validation error.
      const officer = await signedIn('officer');
      const v = await officer.request('PUT', '/api/v1/roles/delivery_staff/purposes', { json: { purposes: 'not a list' } });
      expect(v.status).toBe(400);
      expect(v.body.error?.code).toBe('validation_failed');
    });

    it('a role without the duty sending a bad body to a request endpoint gets 403, not the schema', async () => {
      const driver = await signedIn('staff');
      const r = await driver.post('/api/v1/requests', { kind: 42, extra: true });
      expect(r.status).toBe(403);
      expect(r.body.error?.code).toBe('forbidden');
      expect(r.body.error?.issues).toBeUndefined();
      const v = await service.post('/api/v1/requests', { kind: 42 });
      expect(v.status).toBe(400);
    });

    it('without a session the answer is 401 before validation; ledger writers are declared from the permissions table', async () => {
      const anonymous = await new Client(app).request('PUT', '/api/v1/roles/delivery_staff/purposes', { json: { nope: true } });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error?.code).toBe('not_authenticated');
      const auditor = await signedIn('auditor');
      const write = await auditor.post('/api/v1/ledger/assets', { bogus: true });
      expect(write.status).toBe(403);
      expect(write.body.error?.code).toBe('forbidden');
    });

    it('every route that calls requireKind declares the same roles', () => {
      const missing: string[] = [];
      for (const file of routeFiles(join(import.meta.dirname, '../../src'))) {
        const source = readFileSync(file, 'utf8');
        // One chunk per route registration: from `app.get(` to the next one.
        for (const chunk of source.split(/(?=\bapp\.(?:get|post|put|patch|delete)\()/).slice(1)) {
          for (const m of chunk.matchAll(/requireKind\(req, ([^)]+)\)/g)) {
            if (!chunk.includes(`config: { roles: ${m[1]} }`)) missing.push(`${file}: ${chunk.slice(0, 60)}`);
          }
          // A duty (organizations/duties.ts) is declared as well, so it is checked before the body too.
          for (const m of chunk.matchAll(/requireDuty\(req, '(\w+)', '(\w+)'/g)) {
            if (!chunk.includes(`duty: { duty: '${m[1]}', access: '${m[2]}' }`)) missing.push(`${file}: ${chunk.slice(0, 60)}`);
          }
          if (/guardianManager\(req\)/.test(chunk) && !chunk.includes('config: guarded')) missing.push(`${file}: ${chunk.slice(0, 60)}`);
        }
      }
      expect(missing).toEqual([]);
    });
  });

  describe('caching and rate limits', () => {
    it('answers to signed-in callers (data and errors) are never stored', async () => {
      const read = await service.get(`/api/v1/members/${memberId}?purpose=P01`);
      expect(read.status).toBe(200);
      expect(read.headers['cache-control']).toBe('no-store');
      expect((await service.get('/api/v1/members/not-a-uuid?purpose=P01')).headers['cache-control']).toBe('no-store');
      const member = new PortalClient(app);
      await member.post('/api/v1/portal/auth/login', { org: 'demo-coop', member_code: DEMO_MEMBER_CODE, password: DEMO_MEMBER_PASSWORD });
      expect((await member.get('/api/v1/portal/my')).headers['cache-control']).toBe('no-store');
    });

    it('the public notices’ JSON keeps its caching for anonymous readers; the pages and JSON are rate-limited', async () => {
      const json = await app.inject({ method: 'GET', url: '/api/v1/public/notices/demo-coop' });
      expect(json.statusCode).toBe(200);
      expect(json.headers['cache-control']).toBe('public, max-age=60');
      expect(json.headers['x-ratelimit-limit']).toBeDefined();
      const page = await app.inject({ method: 'GET', url: '/notices/demo-coop' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['x-ratelimit-limit']).toBeDefined();
    });
  });
});

/** The route files (`routes.ts`, `*-routes.ts`) under a folder. */
function routeFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /(^|[/-])routes\.ts$/.test(name))
    .map((name) => join(dir, name));
}
