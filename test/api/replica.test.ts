/**
 * Reads that tolerate a short lag (issue 11, §4), on a real hot standby the tests start (test/support/
 * standby.ts: a small primary of its own and `pg_basebackup -R` from it, streaming through a slot): a write on the
 * primary appears on the replica; the audit search and the public notices are served by the replica (shown
 * by pausing its replay: what the primary just wrote is not in the answer); a replica stopped or further
 * behind than the bound leaves reads to the primary without an error; `/ready` reports it. Without
 * PostgreSQL (or on SQLite) every read runs on the primary.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createContext } from '../../src/app/context.ts';
import { createMetrics, type Metrics } from '../../src/app/metrics.ts';
import { buildServer } from '../../src/app/server.ts';
import { loadConfig } from '../../src/base/config.ts';
import type { AppContext } from '../../src/base/context.ts';
import { type Db, openDatabase } from '../../src/db/database.ts';
import { isReplicaFailure, parseLsn, type ReadReason, ReadReplica, type ReadTarget } from '../../src/db/replica.ts';
import { insertDemoVersions, insertNoticeOrganization } from '../fixtures/notices/versions.ts';
import { chained, createTestDatabase, postgresUrl } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';
import { Client } from '../support/http.ts';
import {
  ensureStandby,
  restartStandbyServer,
  type Standby,
  setReplayPaused,
  stopStandbyServer,
  waitStreaming,
} from '../support/standby.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('replica configuration and bookkeeping', () => {
  it('takes MAMORI_DATABASE_REPLICA_URL with PostgreSQL only, and a bound in seconds (5 by default)', () => {
    const pgEnv = { DATABASE_URL: 'postgres://mamori@db/mamori' };
    const config = loadConfig({ ...pgEnv, MAMORI_DATABASE_REPLICA_URL: 'postgres://mamori@replica/mamori' });
    expect(config.databaseReplicaUrl).toBe('postgres://mamori@replica/mamori');
    expect(config.databaseReplicaMaxLagSeconds).toBe(5);
    expect(loadConfig(pgEnv).databaseReplicaUrl).toBeUndefined();
    expect(loadConfig({ ...pgEnv, MAMORI_DATABASE_REPLICA_MAX_LAG_SECONDS: '0.5' }).databaseReplicaMaxLagSeconds).toBe(0.5);
    expect(() => loadConfig({ MAMORI_DATABASE_REPLICA_URL: 'postgres://mamori@replica/mamori' })).toThrow(
      /needs a PostgreSQL DATABASE_URL/,
    );
    expect(() => loadConfig({ ...pgEnv, MAMORI_DATABASE_REPLICA_URL: 'mysql://replica' })).toThrow(/must start with postgres/);
    expect(() => loadConfig({ ...pgEnv, MAMORI_DATABASE_REPLICA_MAX_LAG_SECONDS: '0' })).toThrow(/databaseReplicaMaxLagSeconds/);
  });

  it('compares WAL positions as numbers and knows which errors mean the replica failed', () => {
    expect(parseLsn('0/16B3748') < parseLsn('1/0')).toBe(true);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    const pgError = (code: string) => Object.assign(new Error('x'), { code });
    expect(isReplicaFailure(pgError('57P01'))).toBe(true); // terminating connection due to administrator command
    expect(isReplicaFailure(pgError('40001'))).toBe(true); // canceling statement due to conflict with recovery
    expect(isReplicaFailure(pgError('08006'))).toBe(true);
    expect(isReplicaFailure(pgError('ECONNREFUSED'))).toBe(true);
    expect(isReplicaFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isReplicaFailure(pgError('42P01'))).toBe(false); // undefined table: a bug, not an outage
    expect(isReplicaFailure(pgError('25006'))).toBe(false); // a write sent to the replica: a bug, surfaced
  });

  it('on SQLite (no replica), every read runs on the primary', async () => {
    const database = await createTestDatabase('sqlite');
    try {
      const reads = ReadReplica.primaryOnly(database.db);
      const seen: string[] = [];
      reads.onRead((target, reason) => seen.push(`${target}:${reason}`));
      let given: Db | undefined;
      await reads.read(async (db) => {
        given = db;
      });
      expect(given).toBe(database.db);
      expect(seen).toEqual(['primary:no_replica']);
      expect(reads.configured).toBe(false);
    } finally {
      await database.dispose();
    }
  });
});

if (postgresUrl()) {
  describe('a hot standby started by the tests', () => {
    let standby: Standby;
    let f: Fixture;
    let replicaDb: Db;
    let reads: ReadReplica;
    let ctx: AppContext;
    let app: FastifyInstance;
    let metrics: Metrics;
    const seen: [ReadTarget, ReadReason][] = [];
    const last = () => seen.at(-1);

    /** The newest audit entry the primary, or the replica, holds. */
    const headOf = async (db: Db) =>
      Number((await sql<{ seq: number }>`select max(seq) as seq from audit_log`.execute(db)).rows[0]?.seq ?? 0);

    beforeAll(async () => {
      standby = await ensureStandby(inject('pgRun'), inject('pgRunOwner'));
      f = await demoFixture('postgres', { members: 20, url: standby.primaryUrl });
      const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(f.ctx.db)).rows[0]!.s;
      replicaDb = openDatabase(standby.url, { schema, poolSize: 2, connectTimeoutMs: 2000 }).db;
      // A generous bound here: replay is paused for a few seconds below to show where answers come from.
      reads = new ReadReplica(f.ctx.db, replicaDb, { maxLagMs: 30_000, checkIntervalMs: 50 });
      reads.onRead((target, reason) => seen.push([target, reason]));
      metrics = createMetrics(f.ctx.db, { replica: reads });
      ctx = createContext({ db: f.ctx.db, dialect: 'postgres', keys: f.ctx.keys, replica: reads });
      app = await buildServer(ctx, loadConfig({}, { logLevel: 'silent', cookieSecure: false }), { logger: false });
      // The fixture's schema and data have reached the replica (its audit entries chained first).
      const primaryHead = await headOf(await chained(f.ctx.db));
      await eventually(async () => (await headOf(replicaDb).catch(() => -1)) >= primaryHead, 'the fixture on the replica');
    }, 180_000);

    afterAll(async () => {
      if (standby) await setReplayPaused(standby, false).catch(() => {});
      await app?.close();
      await reads?.close();
      await f?.dispose();
    });

    it('does not use a replica that is no standby: a promoted one, or the primary given by mistake, no longer follows this primary', async () => {
      const wrong = new ReadReplica(f.ctx.db, f.ctx.db, { maxLagMs: 60_000 });
      expect((await wrong.check()).state).toBe('not_standby');
      const where: string[] = [];
      wrong.onRead((target, reason) => where.push(`${target}:${reason}`));
      await wrong.read(async (db) => db.selectFrom('organizations').select('id').execute());
      expect(where).toEqual(['primary:not_standby']);
    });

    it('streams: a write on the primary appears on the replica, which reports itself fresh', async () => {
      const orgId = await insertNoticeOrganization(f.ctx.db, 'replica-write', '複製確認生活協同組合');
      await eventually(
        async () => (await replicaDb.selectFrom('organizations').select('id').where('id', '=', orgId).executeTakeFirst()) !== undefined,
        'the new organization on the replica',
      );
      const status = await reads.check();
      expect(status.state).toBe('ok');
      expect(status.lagSeconds).toBeLessThan(30);
      // The replica refuses writes: only reads may ever be sent there.
      await expect(replicaDb.deleteFrom('organizations').where('id', '=', orgId).execute()).rejects.toMatchObject({ code: '25006' });
    });

    it('serves the audit search and the public notices from the replica', async () => {
      const auditor = new Client(app);
      expect((await auditor.login(f, 'auditor')).status).toBe(200);
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().replica).toMatchObject({ state: 'ok', reads: 'replica', max_lag_seconds: 30 });

      // The sign-in's entries chained and replayed before the replica stands still.
      const head = await headOf(await chained(f.ctx.db));
      await eventually(async () => (await headOf(replicaDb).catch(() => -1)) >= head, 'the sign-in on the replica');
      await setReplayPaused(standby, true);
      try {
        // Written on the primary while the replica stands still.
        const pausedOrg = await insertNoticeOrganization(f.ctx.db, 'replica-paused-a', '停止中生活協同組合');
        await insertDemoVersions(f.ctx.db, pausedOrg);
        const laterOrg = await insertNoticeOrganization(f.ctx.db, 'replica-paused-b', '再開後生活協同組合');
        await insertDemoVersions(f.ctx.db, laterOrg);

        const first = await auditor.get('/api/v1/audit?limit=5');
        expect(first.status).toBe(200);
        expect(last()).toEqual(['replica', 'fresh']);
        const second = await auditor.get('/api/v1/audit?limit=5');
        // The first search's own entry is on the primary, not yet on the replica: the answer came from the replica.
        const newest = (r: typeof first) => (r.body.entries as { seq: number }[])[0]!.seq;
        expect(newest(second)).toBe(newest(first));
        expect(await headOf(f.ctx.db)).toBeGreaterThan(newest(second));

        const notice = await app.inject({ method: 'GET', url: '/api/v1/public/notices/replica-paused-a' });
        expect(notice.statusCode).toBe(404);
        expect(last()).toEqual(['replica', 'fresh']);
      } finally {
        await setReplayPaused(standby, false);
      }

      const primaryHead = await headOf(await chained(f.ctx.db));
      await eventually(async () => (await headOf(replicaDb)) >= primaryHead, 'replay to catch up');
      const third = await auditor.get('/api/v1/audit?limit=5');
      expect((third.body.entries as { seq: number; action: string }[])[0]!.seq).toBe(primaryHead);
      const notice = await app.inject({ method: 'GET', url: '/api/v1/public/notices/replica-paused-b' });
      expect(notice.statusCode).toBe(200);
      expect(notice.json().organization).toMatchObject({ code: 'replica-paused-b' });
      expect(last()).toEqual(['replica', 'fresh']);
    });

    it('leaves a replica further behind than the bound to the primary, and takes it back once it catches up', async () => {
      const strict = new ReadReplica(f.ctx.db, replicaDb, { maxLagMs: 300, checkIntervalMs: 20 });
      const where: string[] = [];
      strict.onRead((target, reason) => where.push(`${target}:${reason}`));
      const findOrg = (id: string) =>
        strict.read((db) => db.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst());

      await eventually(async () => (await strict.check()).state === 'ok', 'a fresh replica');
      await setReplayPaused(standby, true);
      try {
        const orgId = await insertNoticeOrganization(f.ctx.db, 'replica-lagging', '遅延確認生活協同組合');
        await sleep(700);
        // The read is answered, by the primary (which has the row the paused replica lacks).
        expect(await findOrg(orgId)).toEqual({ id: orgId });
        expect(where.at(-1)).toBe('primary:lagging');
        expect(strict.status()).toMatchObject({ state: 'lagging' });
        expect(strict.status()!.lagSeconds).toBeGreaterThan(0.3);
      } finally {
        await setReplayPaused(standby, false);
      }
      await eventually(async () => (await strict.check()).state === 'ok', 'the replica to catch up');
      await strict.read(async (db) => db.selectFrom('organizations').select('id').limit(1).execute());
      expect(where.at(-1)).toBe('replica:fresh');
    });

    it('serves from the primary, without an error, while the replica is down; /ready reports it and stays ready', async () => {
      const auditor = new Client(app);
      expect((await auditor.login(f, 'auditor')).status).toBe(200);
      stopStandbyServer(standby);
      try {
        const search = await auditor.get('/api/v1/audit?limit=3');
        expect(search.status).toBe(200);
        expect(last()![0]).toBe('primary');
        expect(['read_failed', 'unreachable']).toContain(last()![1]);
        const notices = await app.inject({ method: 'GET', url: '/api/v1/public/notices/replica-write' });
        expect(notices.statusCode).toBe(404); // an organization without a published version: the same answer as the primary's
        const ready = await app.inject({ method: 'GET', url: '/ready' });
        expect(ready.statusCode).toBe(200);
        expect(ready.json()).toMatchObject({ ready: true, replica: { state: 'unreachable', reads: 'primary', lag_seconds: null } });
      } finally {
        await restartStandbyServer(standby);
      }
      await waitStreaming(standby);
      await eventually(async () => (await reads.check()).state === 'ok', 'the replica back in use');
      expect((await auditor.get('/api/v1/audit?limit=3')).status).toBe(200);
      expect(last()).toEqual(['replica', 'fresh']);
    });

    it('counts where lag-tolerant reads ran in the metrics, with the lag and whether the replica is in use', async () => {
      const text = await metrics.registry.metrics();
      const count = (labels: string) => Number(new RegExp(`^mamori_replica_reads_total\\{${labels}\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
      expect(count('target="replica",reason="fresh"')).toBeGreaterThan(0);
      expect(count('target="primary",reason="read_failed"') + count('target="primary",reason="unreachable"')).toBeGreaterThan(0);
      expect(text).toMatch(/^mamori_replica_in_use 1$/m);
      expect(text).toMatch(/^mamori_replica_lag_seconds \d/m);
    });
  });
}
