/**
 * Operations (issue 11, item 6): `/health` and `/ready` on both dialects, readiness refused for a database
 * one migration behind or unreachable; `MAMORI_TRUST_PROXY` deciding whose `X-Forwarded-For` counts for
 * `req.ip` and the rate limit; the request log line (route pattern, truncated address, no raw URL); and the
 * Prometheus metrics moving with requests, audit entries and jobs.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context.ts';
import { buildMetricsServer, createMetrics, type Metrics } from '../../src/app/metrics.ts';
import { checkReadiness, truncateAddress } from '../../src/app/operations.ts';
import { buildServer } from '../../src/app/server.ts';
import { type Config, loadConfig } from '../../src/base/config.ts';
import { openDatabase, startBackgroundCheckpoints } from '../../src/db/database.ts';
import { migrationNames } from '../../src/db/migrate.ts';
import { KeyRing } from '../../src/modules/crypto/data-keys.ts';
import { JobRunner } from '../../src/modules/jobs/runner.ts';
import { availableDialects, chained, createTestDatabase, postgresUrl, type TestDatabase } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client } from '../support/http.ts';

const testConfig = (overrides: Partial<Config> = {}) =>
  loadConfig({}, { logLevel: 'info', cookieSecure: false, sessionIdleMinutes: 24 * 60, ...overrides });

/** Parses one sample of the Prometheus text format: `name{labels} value`, labels in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('client address truncation', () => {
  it('cuts IPv4 to /24 and IPv6 to /48, mapped IPv4 read as IPv4', () => {
    expect(truncateAddress('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateAddress('::ffff:198.51.100.23')).toBe('198.51.100.0');
    expect(truncateAddress('2001:db8:1234:5678:9abc::1')).toBe('2001:db8:1234::');
    expect(truncateAddress('2001:0db8:00ab:ffff:1:2:3:4')).toBe('2001:db8:ab::');
    expect(truncateAddress('2001:db8::7')).toBe('2001:db8:0::');
    expect(truncateAddress('::1')).toBe('0:0:0::');
    expect(truncateAddress('not-an-address')).toBe('unknown');
    expect(truncateAddress(undefined)).toBe('unknown');
  });
});

describe('MAMORI_TRUST_PROXY', () => {
  it('is off unless set; true, a number of hops, or addresses and CIDRs', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ MAMORI_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ MAMORI_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ MAMORI_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ MAMORI_TRUST_PROXY: '10.0.0.0/8, 192.168.1.10,fd00::/8,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.10',
      'fd00::/8',
      'loopback',
    ]);
  });

  it.each(['proxy.example', '10.0.0.0/33', '10.0.0.1,', '0', '192.168.1.300'])('refuses %j at start with a bilingual message', (value) => {
    expect(() => loadConfig({ MAMORI_TRUST_PROXY: value })).toThrow(/設定が正しくありません \/ Invalid configuration[\s\S]*trustProxy/);
  });

  it('names what is accepted in Japanese and English', () => {
    expect(() => loadConfig({ MAMORI_TRUST_PROXY: 'proxy.example' })).toThrow(
      /MAMORI_TRUST_PROXY は true、段数[\s\S]*must be true, a number of hops/,
    );
  });
});

describe('MAMORI_METRICS_PORT', () => {
  it('is off unless set, binds loopback by default, and refuses a non-port', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ MAMORI_METRICS_PORT: '9464' })).toMatchObject({ metricsPort: 9464, metricsHost: '127.0.0.1' });
    expect(() => loadConfig({ MAMORI_METRICS_PORT: 'metrics' })).toThrow(/metricsPort/);
    expect(() => loadConfig({ PORT: '8080', MAMORI_METRICS_PORT: '8080' })).toThrow(/PORT と別のポート[\s\S]*must differ from PORT/);
  });
});

describe('MAMORI_JOBS, MAMORI_JOBS_POLL_SECONDS, MAMORI_JOBS_LEASE_SECONDS', () => {
  it('runs jobs every 30 s with 5-minute leases by default, can be turned off, and refuses nonsense', () => {
    expect(loadConfig({})).toMatchObject({ jobsEnabled: true, jobsPollSeconds: 30, jobsLeaseSeconds: 300 });
    expect(loadConfig({ MAMORI_JOBS: 'off', MAMORI_JOBS_POLL_SECONDS: '5', MAMORI_JOBS_LEASE_SECONDS: '60' })).toMatchObject({
      jobsEnabled: false,
      jobsPollSeconds: 5,
      jobsLeaseSeconds: 60,
    });
    expect(() => loadConfig({ MAMORI_JOBS: 'sometimes' })).toThrow(/jobsEnabled/);
    expect(() => loadConfig({ MAMORI_JOBS_POLL_SECONDS: '0' })).toThrow(/jobsPollSeconds/);
    expect(() => loadConfig({ MAMORI_JOBS_LEASE_SECONDS: '2' })).toThrow(/jobsLeaseSeconds/);
  });
});

describe('MAMORI_DATABASE_POOL_SIZE', () => {
  it('is 10 connections by default, taken as given within 1–500, and refused otherwise', () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ MAMORI_DATABASE_POOL_SIZE: '40' }).databasePoolSize).toBe(40);
    expect(() => loadConfig({ MAMORI_DATABASE_POOL_SIZE: '0' })).toThrow(/databasePoolSize/);
    expect(() => loadConfig({ MAMORI_DATABASE_POOL_SIZE: 'many' })).toThrow(/databasePoolSize/);
  });
});

describe('the client address behind a reverse proxy', () => {
  let database: TestDatabase;
  const servers: FastifyInstance[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await database?.dispose();
  });

  /** A server whose socket peer is the proxy at 127.0.0.1 (inject's default); `/t/ip` echoes `req.ip`. */
  async function server(trustProxy: Config['trustProxy']) {
    const log: string[] = [];
    const ctx = createContext({ db: database.db, dialect: 'sqlite', keys: KeyRing.generate() });
    const app = await buildServer(ctx, testConfig({ trustProxy }), { logStream: { write: (line) => void log.push(line) } });
    app.get('/t/ip', async (req) => ({ ip: req.ip }));
    servers.push(app);
    const get = async (url: string, forwardedFor?: string) =>
      app.inject({ method: 'GET', url, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    return { app, log, get };
  }

  it('with the proxy trusted, X-Forwarded-For decides req.ip, the rate limit key and the logged address', async () => {
    const s = await server(['127.0.0.1']);
    expect((await s.get('/t/ip', '198.51.100.7')).json()).toEqual({ ip: '198.51.100.7' });
    // A client's own claim beyond the trusted proxy is not believed: the proxy's view is the last entry.
    expect((await s.get('/t/ip', '192.0.2.1, 198.51.100.7')).json()).toEqual({ ip: '198.51.100.7' });

    const first = await s.get('/health', '198.51.100.7');
    const other = await s.get('/health', '198.51.100.8');
    const again = await s.get('/health', '198.51.100.7');
    const remaining = (r: typeof first) => Number(r.headers['x-ratelimit-remaining']);
    expect(remaining(other)).toBe(remaining(first));
    expect(remaining(again)).toBe(remaining(first) - 1);
    expect(s.log.join('\n')).toContain('"client":"198.51.100.0"');
  });

  it('with a number of hops, that many proxies are trusted', async () => {
    const s = await server(2);
    expect((await s.get('/t/ip', '192.0.2.1, 198.51.100.7, 10.0.0.2')).json()).toEqual({ ip: '198.51.100.7' });
  });

  it('without trust, a forged X-Forwarded-For changes neither req.ip nor the rate limit key', async () => {
    const s = await server(false);
    expect((await s.get('/t/ip', '198.51.100.7')).json()).toEqual({ ip: '127.0.0.1' });
    const first = await s.get('/health', '198.51.100.7');
    const forged = await s.get('/health', '198.51.100.8');
    expect(Number(forged.headers['x-ratelimit-remaining'])).toBe(Number(first.headers['x-ratelimit-remaining']) - 1);
    expect(s.log.join('\n')).not.toContain('198.51.100');
    expect(s.log.join('\n')).toContain('"client":"127.0.0.0"');
  });
});

describe.each(availableDialects())('operations on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let metrics: Metrics;
  let scraper: FastifyInstance;
  const log: string[] = [];

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 5 });
    metrics = createMetrics(f.ctx.db);
    app = await buildServer(f.ctx, testConfig(), { logStream: { write: (line) => void log.push(line) }, metrics });
    scraper = buildMetricsServer(metrics);
  });
  afterAll(async () => {
    await scraper?.close();
    await app?.close();
    await f?.dispose();
  });

  const scrape = async () => {
    const r = await scraper.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    return r.body;
  };

  it('/health answers without the database; /api/v1/health still answers', async () => {
    const r = await app.inject({ method: 'GET', url: '/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ ok: true });
    expect(r.headers['cache-control']).toBe('no-store');
    expect((await app.inject({ method: 'GET', url: '/api/v1/health' })).json()).toEqual({ ok: true });
  });

  it('/ready is 200 with every check named ok', async () => {
    const r = await app.inject({ method: 'GET', url: '/ready' });
    expect(r.statusCode).toBe(200);
    const expected: Record<string, string> = { database: 'ok', migrations: 'ok' };
    if (dialect === 'sqlite') expected.checkpointer = 'ok';
    else expected.sequencer = 'ok';
    expect(r.json()).toEqual({ ready: true, checks: expected });
  });

  it('the request log names the route pattern and a truncated address, never the raw URL or the full address', async () => {
    const memberId = await f.memberId('1000001');
    const service = new Client(app, '203.0.113.77');
    expect((await service.login(f, 'service')).status).toBe(200);
    log.length = 0;
    expect((await service.get(`/api/v1/members/${memberId}?purpose=P01`)).status).toBe(200);
    expect((await service.get('/api/v1/members?purpose=P01&name=%E5%B1%B1%E7%94%B0')).status).toBe(200);
    const v6 = new Client(app, '2001:db8:1234:5678::1');
    await v6.get('/health');
    // A path no route matches: Fastify's own "Route GET:… not found" line would carry it.
    expect((await service.get(`/api/v1/no-such-thing/${memberId}`)).status).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/nowhere/${memberId}` })).statusCode).toBe(404);
    const lines = log.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(lines).toContainEqual(
      expect.objectContaining({ method: 'GET', route: '/api/v1/members/:id', status: 200, client: '203.0.113.0', ms: expect.any(Number) }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ route: '/api/v1/members', status: 200 }));
    expect(lines).toContainEqual(expect.objectContaining({ route: '/health', client: '2001:db8:1234::' }));
    const text = log.join('\n');
    expect(text).not.toContain(memberId);
    expect(text).not.toContain('203.0.113.77');
    expect(text).not.toContain('5678');
    expect(text).not.toMatch(/%E5%B1%B1|山田|name=|purpose=/);
    expect(text).not.toContain('"url"');
    expect(text).not.toMatch(/incoming request|request completed|not found/);
    expect(lines.filter((l) => l.route === '(no route)' && l.status === 404)).toHaveLength(2);
  });

  it('metrics count requests by route pattern and status class, and the audit entries appended', async () => {
    const memberId = await f.memberId('1000002');
    const service = new Client(app);
    expect((await service.login(f, 'service')).status).toBe(200);
    const before = await scrape();
    const labels = { route: '/api/v1/members/:id', method: 'GET', status: '2xx' };
    const readsBefore = sample(before, 'mamori_http_requests_total', labels) ?? 0;
    const auditBefore = sample(before, 'mamori_audit_entries')!;
    for (let i = 0; i < 3; i++) expect((await service.get(`/api/v1/members/${memberId}?purpose=P01`)).status).toBe(200);
    expect((await service.get('/api/v1/members/not-a-uuid?purpose=P01')).status).toBeGreaterThanOrEqual(400);
    await app.inject({ method: 'GET', url: `/api/v1/no-such-thing/${memberId}` });

    const after = await scrape();
    expect(sample(after, 'mamori_http_requests_total', labels)).toBe(readsBefore + 3);
    expect(sample(after, 'mamori_http_request_duration_seconds_count', labels)).toBe(readsBefore + 3);
    expect(sample(after, 'mamori_http_requests_total', { route: '/api/v1/members/:id', status: '4xx' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'mamori_http_requests_total', { route: '(no route)', status: '4xx' })).toBeGreaterThanOrEqual(1);
    // Every audited read appended an entry: on PostgreSQL queued first (the gauge of waiting entries), then chained.
    if (dialect === 'postgres') {
      expect(sample(after, 'mamori_audit_queue_depth')).toBeGreaterThanOrEqual(3);
      await chained(f.ctx.db);
      expect(sample(await scrape(), 'mamori_audit_entries')).toBeGreaterThanOrEqual(auditBefore + 3);
    } else {
      expect(sample(after, 'mamori_audit_entries')).toBeGreaterThanOrEqual(auditBefore + 3);
    }
    // Labels carry patterns only: no id, no query.
    expect(after).not.toContain(memberId);
    expect(after).not.toContain('not-a-uuid');
    expect(after).not.toContain('purpose=');
    expect(sample(after, 'mamori_process_resident_memory_bytes')).toBeGreaterThan(0);
    if (dialect === 'postgres') {
      expect(sample(after, 'mamori_db_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(sample(after, 'mamori_db_pool_idle')).toBeGreaterThanOrEqual(0);
      expect(sample(after, 'mamori_db_pool_waiting')).toBeGreaterThanOrEqual(0);
    } else {
      expect(sample(after, 'mamori_db_pool_connections')).toBeUndefined();
    }
  });

  it('metrics count job runs and failures', async () => {
    expect(await metrics.runJob('send_reminders', async () => 7)).toBe(7);
    await expect(metrics.runJob('send_reminders', async () => Promise.reject(new Error('smtp down')))).rejects.toThrow('smtp down');
    await metrics.runJob('send_reminders', async () => undefined);
    const text = await scrape();
    expect(sample(text, 'mamori_job_runs_total', { job: 'send_reminders', outcome: 'success' })).toBe(2);
    expect(sample(text, 'mamori_job_runs_total', { job: 'send_reminders', outcome: 'failure' })).toBe(1);
    expect(sample(text, 'mamori_job_duration_seconds_count', { job: 'send_reminders' })).toBe(3);
    expect(sample(text, 'mamori_job_last_success_timestamp_seconds', { job: 'send_reminders' })).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('metrics show the job runs by state (every instance’s), and the runner counts each try', async () => {
    const runner = new JobRunner(f.ctx, {
      jobs: [
        {
          name: 'prune_job_runs',
          schedule: { everyMinutes: 60 },
          maxAttempts: 1,
          backoff: { baseSeconds: 1, maxSeconds: 1 },
          handler: async () => Promise.reject(new Error('disk full')),
        },
      ],
      pollMs: 1000,
      leaseMs: 60_000,
      observe: metrics.runJob,
    });
    await runner.poll();
    const text = await scrape();
    // The current hour's run died on its only try; the next hour's waits.
    expect(sample(text, 'mamori_job_runs', { state: 'dead' })).toBe(1);
    expect(sample(text, 'mamori_job_runs', { state: 'scheduled' })).toBe(1);
    expect(sample(text, 'mamori_job_runs', { state: 'running' })).toBe(0);
    expect(sample(text, 'mamori_job_runs_total', { job: 'prune_job_runs', outcome: 'failure' })).toBe(1);
  });

  it('/ready is 503 naming the pending migration on a database one migration behind', async () => {
    const names = migrationNames();
    const behind = await createTestDatabase(dialect, { until: names.at(-2)! });
    const ctx = createContext({
      db: behind.db,
      dialect,
      ...(behind.sqlite ? { sqlite: behind.sqlite } : {}),
      keys: KeyRing.generate(),
    });
    const server = await buildServer(ctx, testConfig(), { logger: false });
    try {
      const r = await server.inject({ method: 'GET', url: '/ready' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ ready: false, checks: { database: 'ok', migrations: 'pending_migration' } });
    } finally {
      await server.close();
      await behind.dispose();
    }
  });
});

describe('readiness checks', () => {
  it('on SQLite, a stopped checkpointer makes the server not ready', async () => {
    const database = await createTestDatabase('sqlite');
    const checkpoints = startBackgroundCheckpoints(database.sqlite!);
    try {
      expect(await checkReadiness(database.db, { checkpointer: checkpoints.running })).toEqual({
        ready: true,
        checks: { database: 'ok', migrations: 'ok', checkpointer: 'ok' },
      });
      await checkpoints.stop();
      expect(await checkReadiness(database.db, { checkpointer: checkpoints.running })).toEqual({
        ready: false,
        checks: { database: 'ok', migrations: 'ok', checkpointer: 'stopped' },
      });
    } finally {
      await database.dispose();
    }
  });

  it.runIf(availableDialects().includes('postgres'))('on PostgreSQL, a database that does not answer in time is a timeout', async () => {
    const database = await createTestDatabase('postgres');
    // Another session holds the migration table: the readiness query waits behind its lock.
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db);
    const blocker = new pg.Client({ connectionString: postgresUrl()! });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query(`lock table ${rows[0]!.schema}.kysely_migration in access exclusive mode`);
      const started = Date.now();
      expect(await checkReadiness(database.db, { timeoutMs: 300 })).toEqual({
        ready: false,
        checks: { database: 'timeout', migrations: 'not_checked' },
      });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
      await database.dispose();
    }
  });
});

describe('readiness without a database', () => {
  it('/ready is 503 naming the database when PostgreSQL is unreachable, without the driver message', async () => {
    const opened = openDatabase('postgres://postgres@127.0.0.1:1/test', { poolSize: 1 });
    const ctx = createContext({ db: opened.db, dialect: 'postgres', keys: KeyRing.generate() });
    const log: string[] = [];
    const server = await buildServer(ctx, testConfig(), { logStream: { write: (line) => void log.push(line) } });
    try {
      const r = await server.inject({ method: 'GET', url: '/ready' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({ ready: false, checks: { database: 'unreachable', migrations: 'not_checked' } });
      expect(r.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/);
      // The operator finds the reason in the log.
      expect(log.join('\n')).toMatch(/readiness: database check failed/);
      expect((await server.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await server.close();
      await opened.close();
    }
  });
});
