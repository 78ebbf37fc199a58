/**
 * mamori on PostgreSQL for the HTTP benchmarks: a fresh database, the first `mamori serve` seeding the demo
 * co-op into it, more instances on the same database (`--no-demo`, the same key file), the bulk-read alert
 * threshold raised, and the check afterwards: the queue drained by the instances' sequencers, the `member.read`
 * entries counted and the chain verified with the real CLI.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isOffHours, parseOrgSettings } from '../src/base/settings.ts';
import { DEMO_ORG } from '../src/modules/demo/seed.ts';
import { shuffled } from './http-client.ts';
import { createDatabase, dropDatabase } from './pgbench.ts';
import { freePort, mamoriCli, startServer, stopServer } from './server.ts';

export interface Instance {
  child: ChildProcess;
  base: string;
}

export interface PgMamori {
  url: string;
  /** The demo co-op's members, shuffled. */
  ids: string[];
  /** The demo user `staff`'s id. */
  staffId: string;
  /** Whether the run is outside the demo co-op's working hours (JST). */
  offHours: boolean;
  instances: Instance[];
  /** Starts one more instance on the database. */
  addInstance(): Promise<Instance>;
  /** A query on the database (a connection of the bench's own). */
  query<T extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<T[]>;
  /** Waits until the instances' sequencers have chained every queued entry; resolves with the seconds waited. */
  waitForSequencer(timeoutMs?: number): Promise<number>;
  /** The current TOTP code of a demo user (`mamori demo totp`). */
  totp(login: string): Promise<string>;
  /** Stops the instances, then runs `mamori audit verify --json`. */
  stopAndVerify(): Promise<{ ok: boolean; entries: number; seconds: number; firstBad?: unknown }>;
  /** Stops what is running and drops the database (unless BENCH_KEEP=1). */
  close(): Promise<void>;
}

export async function startPgMamori(dbName: string, members: number): Promise<PgMamori> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mamori-bench-pg-'));
  const url = await createDatabase(dbName);
  const env = { DATABASE_URL: url };
  const client = new pg.Client({ connectionString: url });
  const instances: Instance[] = [];
  const start = async (seed: boolean) => {
    const port = await freePort();
    const child = await startServer(dataDir, port, members, { env, args: seed ? [] : ['--no-demo'] });
    const instance = { child, base: `http://127.0.0.1:${port}` };
    instances.push(instance);
    return instance;
  };
  const close = async () => {
    await Promise.all(instances.splice(0).map((i) => stopServer(i.child)));
    await client.end().catch(() => {});
    if (process.env.BENCH_KEEP !== '1') await dropDatabase(dbName);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const began = Date.now();
    await start(true);
    console.log(`  mamori on PostgreSQL (${dbName}) with the demo co-op seeded: ${((Date.now() - began) / 1000).toFixed(1)} s`);
    await client.connect();
    const query = async <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => (await client.query<T>(text, values)).rows;

    // Raise the bulk-read threshold before the first read (an instance caches settings on first use).
    const [org] = await query<{ id: string; settings: string }>(
      'select id, settings::text as settings from organizations where code = $1',
      [DEMO_ORG],
    );
    const settings = JSON.parse(org!.settings) as { alerts?: Record<string, unknown> };
    settings.alerts = { ...settings.alerts, readsPerHour: 100_000_000 };
    await query('update organizations set settings = $1 where id = $2', [JSON.stringify(settings), org!.id]);
    const ids = shuffled(
      (await query<{ id: string }>('select id from members where org_id = $1 order by member_code', [org!.id])).map((r) => r.id),
    );
    const [staff] = await query<{ id: string }>("select id from users where login = 'staff'");
    await query('analyze');

    return {
      url,
      ids,
      staffId: staff!.id,
      offHours: isOffHours(new Date(), parseOrgSettings(JSON.stringify(settings))),
      instances,
      addInstance: () => start(false),
      query,
      async waitForSequencer(timeoutMs = 120_000) {
        const began = performance.now();
        for (;;) {
          const [r] = await query<{ n: number }>('select count(*)::int as n from audit_queue');
          if (r!.n === 0) return (performance.now() - began) / 1000;
          if (performance.now() - began > timeoutMs) throw new Error(`audit queue still holds ${r!.n} entries after ${timeoutMs / 1000} s`);
          await new Promise((res) => setTimeout(res, 100));
        }
      },
      async totp(login) {
        const out = await mamoriCli(['demo', 'totp', login], { ...env, MAMORI_DATA_DIR: dataDir });
        const code = out.stdout.trim().split('\n').pop() ?? '';
        if (out.code !== 0 || !/^\d{6}$/.test(code))
          throw new Error(`demo totp ${login} exited ${out.code}:\n${out.stdout}\n${out.stderr}`);
        return code;
      },
      async stopAndVerify() {
        await Promise.all(instances.splice(0).map((i) => stopServer(i.child)));
        const began = performance.now();
        const out = await mamoriCli(['audit', 'verify', '--json'], { ...env, MAMORI_DATA_DIR: dataDir });
        const seconds = (performance.now() - began) / 1000;
        const last = out.stdout.trim().split('\n').pop() ?? '';
        if (!last.startsWith('{')) throw new Error(`audit verify exited ${out.code}:\n${out.stdout}\n${out.stderr}`);
        const report = JSON.parse(last) as { ok: boolean; entries: number; firstBad?: unknown };
        return { ...report, seconds };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `member.read` allowed entries of `actorId` in the chain (after the queue is drained). */
export async function auditedReads(m: PgMamori, actorId: string): Promise<number> {
  const [r] = await m.query<{ n: number }>(
    "select count(*)::int as n from audit_log where action = 'member.read' and outcome = 'allowed' and actor_id = $1",
    [actorId],
  );
  return r!.n;
}
