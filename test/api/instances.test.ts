/**
 * Several instances on one PostgreSQL (issue 11, §2): two servers with contexts of their own — their own
 * pools, caches, event hubs and change listeners — on the SAME test database, as two processes behind a proxy
 * would be. A logout, a disabled user, a role's duties, an organization's settings and a published policy
 * changed through instance A hold on instance B at once (well inside the caches' 5 seconds); the rate limits
 * and the lockout count the requests of both instances together; B's listener, killed with
 * pg_terminate_backend, comes back and nothing stale is served meanwhile or after. On SQLite (one process) the
 * bus is inert and the limits stay in memory.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context.ts';
import { type RunningListener, startChangeListener } from '../../src/app/instances.ts';
import type { AppContext } from '../../src/base/context.ts';
import type { EventHub, MamoriEventName, MamoriEvents } from '../../src/base/events.ts';
import { type OpenedDatabase, openDatabase } from '../../src/db/database.ts';
import { getOrgSettings } from '../../src/modules/organizations/settings-cache.ts';
import { availableDialects, chained, postgresUrl } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client, testServer } from '../support/http.ts';

/** Resolves with the milliseconds it took once `hub` hears the event (matching `match`); fails after 3 s. */
function heard<K extends MamoriEventName>(hub: EventHub, name: K, match: (p: MamoriEvents[K]) => boolean = () => true): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${name} not heard within 3 s`));
    }, 3000);
    const stop = hub.on(name, (payload) => {
      if (!match(payload)) return;
      stop();
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

describe.each(availableDialects())('several instances on %s', (dialect) => {
  let f: Fixture;
  let a: FastifyInstance;
  let b: FastifyInstance;
  let ctxB: AppContext;
  let second: OpenedDatabase | undefined;
  let listenerA: RunningListener;
  let listenerB: RunningListener;
  let orgId: string;
  let officer: Client;
  let admin: Client;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 20 });
    orgId = (await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow()).id;
    if (dialect === 'postgres') {
      // Instance B: its own pool on the same schema, its own context (same key ring, as instances share the key file).
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(f.ctx.db);
      second = openDatabase(postgresUrl()!, { schema: rows[0]!.schema, poolSize: 4 });
      ctxB = createContext({ db: second.db, dialect, keys: f.ctx.keys });
    } else {
      ctxB = f.ctx;
    }
    a = await testServer(f);
    b = await testServer({ ...f, ctx: ctxB });
    // B reconnects after 150–300 ms, so that the test below can act while it is disconnected.
    listenerA = await startChangeListener(f.ctx, { minDelayMs: 50, maxDelayMs: 500, heartbeatMs: 1000 });
    listenerB = await startChangeListener(ctxB, { minDelayMs: 300, maxDelayMs: 1000, heartbeatMs: 1000 });
    officer = new Client(a);
    expect((await officer.login(f, 'officer')).status).toBe(200);
    admin = new Client(a);
    expect((await admin.login(f, 'admin')).status).toBe(200);
  });
  afterAll(async () => {
    await listenerA?.stop();
    await listenerB?.stop();
    await a?.close();
    await b?.close();
    await second?.close();
    await f?.dispose();
  });

  if (dialect === 'postgres') {
    it('B refuses a cookie at once after its logout on A (and served it from its cache before)', async () => {
      // Control: a session deleted behind mamori's back (nothing announced) is still served by B's cache.
      const auditor = new Client(a);
      expect((await auditor.login(f, 'auditor')).status).toBe(200);
      const auditorOnB = auditor.on(b);
      expect((await auditorOnB.get('/api/v1/auth/me')).status).toBe(200);
      const auditorId = (await f.ctx.db.selectFrom('users').select('id').where('login', '=', 'auditor').executeTakeFirstOrThrow()).id;
      await f.ctx.db.deleteFrom('sessions').where('user_id', '=', auditorId).execute();
      expect((await auditorOnB.get('/api/v1/auth/me')).status).toBe(200);

      const staff = new Client(a);
      expect((await staff.login(f, 'staff')).status).toBe(200);
      const staffOnB = staff.on(b);
      expect((await staffOnB.get('/api/v1/auth/me')).status).toBe(200);
      const onB = heard(ctxB.events, 'session.changed');
      expect((await staff.post('/api/v1/auth/logout')).status).toBe(200);
      expect(await onB).toBeLessThan(1000);
      const refused = await staffOnB.get('/api/v1/auth/me');
      expect(refused.status).toBe(401);
      expect(refused.body.error?.code).toBe('not_authenticated');
    });

    it('B refuses a user disabled on A, at once; enabled again, the user signs in anew', async () => {
      const service = new Client(a);
      expect((await service.login(f, 'service')).status).toBe(200);
      const serviceOnB = service.on(b);
      expect((await serviceOnB.get('/api/v1/auth/me')).status).toBe(200);
      const user = await f.ctx.db.selectFrom('users').select('id').where('login', '=', 'service').executeTakeFirstOrThrow();
      const onB = heard(ctxB.events, 'user.changed', (p) => p.userId === user.id);
      const disabled = await admin.patch(`/api/v1/users/${user.id}/status`, { status: 'disabled' });
      expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
      expect(await onB).toBeLessThan(1000);
      expect((await serviceOnB.get('/api/v1/auth/me')).status).toBe(401);
      expect((await service.get('/api/v1/auth/me')).status).toBe(401);
      // Signing in is refused as disabled on either instance.
      expect((await new Client(b).post('/api/v1/auth/login', { login: 'service', password: 'mamori-demo-2026' })).body.error?.code).toBe(
        'account_disabled',
      );
      const entry = await (await chained(f.ctx.db))
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'user.update')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(entry.detail)).toMatchObject({ user_id: user.id, login: 'service', status: 'disabled', ended_sessions: 1 });
      // An administrator does not disable their own account.
      const self = await f.ctx.db.selectFrom('users').select('id').where('login', '=', 'admin').executeTakeFirstOrThrow();
      expect((await admin.patch(`/api/v1/users/${self.id}/status`, { status: 'disabled' })).body.error?.issues?.[0]?.code).toBe(
        'own_account',
      );
      expect((await admin.patch(`/api/v1/users/${user.id}/status`, { status: 'active' })).status).toBe(200);
      expect((await new Client(b).login(f, 'service')).status).toBe(200);
    });

    it('B sees a role’s duties changed on A at once', async () => {
      const staff = new Client(a);
      expect((await staff.login(f, 'staff')).status).toBe(200);
      const staffOnB = staff.on(b);
      expect((await staffOnB.get('/api/v1/auth/me')).body.duties).toMatchObject({ member_requests: null });
      expect((await staffOnB.get('/api/v1/requests?state=all')).status).toBe(403);
      const onB = heard(ctxB.events, 'role.changed');
      const granted = await officer.request('PUT', '/api/v1/roles/delivery_staff/duties', { json: { duties: ['member_requests'] } });
      expect(granted.status, JSON.stringify(granted.body)).toBe(200);
      expect(await onB).toBeLessThan(1000);
      expect((await staffOnB.get('/api/v1/auth/me')).body.duties).toMatchObject({ member_requests: 'handle' });
      expect((await staffOnB.get('/api/v1/requests?state=all')).status).toBe(200);
      const onBAgain = heard(ctxB.events, 'role.changed');
      expect((await officer.request('PUT', '/api/v1/roles/delivery_staff/duties', { json: { duties: [] } })).status).toBe(200);
      await onBAgain;
      expect((await staffOnB.get('/api/v1/requests?state=all')).status).toBe(403);
    });

    it('B uses settings changed on A at once (and kept the old ones while nothing was announced)', async () => {
      expect((await getOrgSettings(ctxB, orgId)).alerts.readsPerHour).toBe(200);
      // Control: written behind mamori's back, B keeps its cached settings.
      await f.ctx.db
        .updateTable('organizations')
        .set({ settings: JSON.stringify({ alerts: { readsPerHour: 5 } }) })
        .where('id', '=', orgId)
        .execute();
      expect((await getOrgSettings(ctxB, orgId)).alerts.readsPerHour).toBe(200);
      const onB = heard(ctxB.events, 'settings.changed', (p) => p.orgId === orgId);
      const changed = await admin.patch('/api/v1/organization/settings', { alerts: { readsPerHour: 7 } });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(await onB).toBeLessThan(1000);
      expect((await getOrgSettings(ctxB, orgId)).alerts.readsPerHour).toBe(7);
    });

    it('B’s public notice shows a version published on A at once', async () => {
      const before = await b.inject({ method: 'GET', url: '/api/v1/public/notices/demo-coop' });
      expect(before.statusCode).toBe(200);
      const count = (JSON.parse(before.body) as { versions: unknown[] }).versions.length;
      const draft = (await officer.get('/api/v1/policy/draft')).body as {
        draft: { revision: number };
        review: { earliest_effective_on: string };
      };
      const onB = heard(ctxB.events, 'policy.published', (p) => p.orgId === orgId);
      const published = await officer.post('/api/v1/policy/publish', {
        revision: draft.draft.revision,
        effective_on: draft.review.earliest_effective_on,
      });
      expect(published.status, JSON.stringify(published.body)).toBe(201);
      expect(await onB).toBeLessThan(1000);
      const after = await b.inject({ method: 'GET', url: '/api/v1/public/notices/demo-coop' });
      expect((JSON.parse(after.body) as { versions: unknown[] }).versions).toHaveLength(count + 1);
    });

    it('counts a rate limit over both instances together', async () => {
      const address = '198.51.100.7';
      const onA = new Client(a, address);
      const onB = new Client(b, address);
      // /auth/login: 20 a minute per address. Ten through each instance are within it …
      for (let i = 0; i < 10; i++) {
        expect((await onA.post('/api/v1/auth/login', { login: `nobody-a${i}`, password: 'x' })).status).toBe(401);
        expect((await onB.post('/api/v1/auth/login', { login: `nobody-b${i}`, password: 'x' })).status).toBe(401);
      }
      // … the 21st is refused on either.
      const limited = await onA.post('/api/v1/auth/login', { login: 'nobody-c', password: 'x' });
      expect(limited.status).toBe(429);
      expect(limited.body.error?.code).toBe('rate_limited');
      expect((await onB.post('/api/v1/auth/login', { login: 'nobody-d', password: 'x' })).status).toBe(429);
      // Another address is not affected; the table holds hashes, not addresses.
      expect((await new Client(b, '198.51.100.8').post('/api/v1/auth/login', { login: 'nobody-e', password: 'x' })).status).toBe(401);
      const rows = await f.ctx.db.selectFrom('rate_limits').select(['key_hash', 'hits']).execute();
      expect(rows.some((r) => Number(r.hits) === 22)).toBe(true);
      expect(JSON.stringify(rows)).not.toContain('198.51.100');
      // The public notices' ceiling stays per instance: no database write per cached answer (the first answer,
      // rendered, counts against the render limit, which all instances share).
      expect((await b.inject({ method: 'GET', url: '/notices/demo-coop' })).statusCode).toBe(200);
      const hashes = (await f.ctx.db.selectFrom('rate_limits').select('key_hash').execute()).length;
      for (let i = 0; i < 3; i++) expect((await b.inject({ method: 'GET', url: '/notices/demo-coop' })).statusCode).toBe(200);
      expect(await f.ctx.db.selectFrom('rate_limits').select('key_hash').execute()).toHaveLength(hashes);
    });

    it('locks an account at the threshold when the wrong passwords arrive at once on both instances', async () => {
      const user = await f.ctx.db.selectFrom('users').select('id').where('login', '=', 'manager').executeTakeFirstOrThrow();
      // Five attempts (the default threshold) at the same moment, from addresses of their own (no rate limit).
      const attempts = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          new Client(i % 2 ? a : b, `203.0.113.${10 + i}`).post('/api/v1/auth/login', { login: 'manager', password: `wrong-${i}` }),
        ),
      );
      expect(attempts.map((r) => r.body.error?.code).sort()).toEqual([...Array(4).fill('invalid_credentials'), 'account_locked'].sort());
      const row = await f.ctx.db
        .selectFrom('users')
        .select(['failed_attempts', 'locked_until'])
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(row.locked_until).not.toBeNull();
      const locks = await (await chained(f.ctx.db))
        .selectFrom('audit_log')
        .select('seq')
        .where('action', '=', 'auth.locked')
        .where('actor_id', '=', user.id)
        .execute();
      expect(locks).toHaveLength(1);
    });

    it('B’s listener, killed, reconnects; nothing stale is served while it is away or after', async () => {
      const staff = new Client(a);
      expect((await staff.login(f, 'staff')).status).toBe(200);
      const staffOnB = staff.on(b);
      expect((await staffOnB.get('/api/v1/auth/me')).status).toBe(200);
      const cachedSettings = (await getOrgSettings(ctxB, orgId)).alerts.readsPerHour;

      const pid = listenerB.backendPid;
      expect(pid).toBeTypeOf('number');
      const lost = heard(ctxB.events, 'caches.flush', (p) => p.reason === 'disconnected');
      const back = heard(ctxB.events, 'caches.flush', (p) => p.reason === 'reconnected');
      await sql`select pg_terminate_backend(${pid})`.execute(f.ctx.db);
      await lost;
      expect(listenerB.listening).toBe(false);
      expect(ctxB.events.cachesTrusted).toBe(false);

      // While B hears nothing: a logout on A and settings written behind mamori's back, neither heard by B.
      expect((await staff.post('/api/v1/auth/logout')).status).toBe(200);
      await f.ctx.db
        .updateTable('organizations')
        .set({ settings: JSON.stringify({ alerts: { readsPerHour: cachedSettings + 1 } }) })
        .where('id', '=', orgId)
        .execute();
      // B bypasses its caches meanwhile …
      expect((await staffOnB.get('/api/v1/auth/me')).status).toBe(401);
      expect((await getOrgSettings(ctxB, orgId)).alerts.readsPerHour).toBe(cachedSettings + 1);

      // … and after it listens again (well within the 5 s the caches would otherwise keep an entry).
      await back;
      expect(listenerB.listening).toBe(true);
      expect(listenerB.connects).toBe(2);
      expect(listenerB.backendPid).not.toBe(pid);
      expect((await staffOnB.get('/api/v1/auth/me')).status).toBe(401);
      expect((await getOrgSettings(ctxB, orgId)).alerts.readsPerHour).toBe(cachedSettings + 1);

      // The bus works again: a new session, cached on B, ended on A.
      const again = new Client(a);
      expect((await again.login(f, 'staff')).status).toBe(200);
      const againOnB = again.on(b);
      expect((await againOnB.get('/api/v1/auth/me')).status).toBe(200);
      const onB = heard(ctxB.events, 'session.changed');
      expect((await again.post('/api/v1/auth/logout')).status).toBe(200);
      expect(await onB).toBeLessThan(1000);
      expect((await againOnB.get('/api/v1/auth/me')).status).toBe(401);
    });
  }

  if (dialect === 'sqlite') {
    it('keeps the bus inert: no listener, changes published in this process only, limits in memory', async () => {
      expect(listenerB.listening).toBe(true);
      expect(listenerB.backendPid).toBeUndefined();
      expect(f.ctx.events.cachesTrusted).toBe(true);
      const heardHere: string[] = [];
      const stop = f.ctx.events.on('settings.changed', (p) => heardHere.push(p.orgId));
      await f.ctx.db.transaction().execute((tx) => f.ctx.events.publish(tx, 'settings.changed', { orgId }));
      stop();
      expect(heardHere).toEqual([orgId]);
      // A limited route counts in memory: the (unused) table stays empty.
      const c = new Client(a, '198.51.100.9');
      expect((await c.post('/api/v1/auth/login', { login: 'nobody', password: 'x' })).status).toBe(401);
      expect(await f.ctx.db.selectFrom('rate_limits').select('key_hash').execute()).toHaveLength(0);
    });
  }
});
