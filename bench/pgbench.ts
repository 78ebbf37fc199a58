/**
 * PostgreSQL for the benchmarks: a database of the bench's own on the server of BENCH_PG_URL (default
 * postgres@127.0.0.1:5432), and `pgbench` as the yardstick each PostgreSQL figure is set beside.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';

/** Any database of the server; the bench creates and drops its own next to it. */
export const pgAdminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(name: string, adminUrl = pgAdminUrl): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database `name` (dropped first if a crashed run left it). */
export async function createDatabase(name: string): Promise<string> {
  await admin(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  return databaseUrl(name);
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`drop database if exists ${name} with (force)`));
}

const pgbenchPath =
  process.env.BENCH_PGBENCH ?? (existsSync('/usr/lib/postgresql/15/bin/pgbench') ? '/usr/lib/postgresql/15/bin/pgbench' : 'pgbench');

function pgbenchArgs(name: string): string[] {
  const u = new URL(pgAdminUrl);
  return ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), name];
}

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(pgbenchPath, args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`pgbench ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
}

/** A pgbench database `name` of scale `scale` (pgbench -i), created fresh. */
export async function initPgbench(name: string, scale: number): Promise<void> {
  await createDatabase(name);
  await run(['-i', '-q', '-s', String(scale), ...pgbenchArgs(name)]);
}

export interface PgbenchResult {
  tps: number;
  latencyMs: number;
  /** The command as run, for the notes. */
  command: string;
}

/**
 * `pgbench -N` (the TPC-B-like script without the updates of the branch and teller rows: one UPDATE, one SELECT,
 * one INSERT per transaction, each committed) with `clients` clients and `threads` threads for `seconds`.
 */
export async function runPgbench(name: string, opts: { clients: number; threads: number; seconds: number }): Promise<PgbenchResult> {
  const args = ['-N', '-c', String(opts.clients), '-j', String(opts.threads), '-T', String(opts.seconds), '-n', ...pgbenchArgs(name)];
  const out = await run(args);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out) ?? /tps = ([\d.]+)/.exec(out);
  const latency = /latency average = ([\d.]+) ms/.exec(out);
  if (!tps) throw new Error(`pgbench printed no tps:\n${out}`);
  return {
    tps: Number(tps[1]),
    latencyMs: latency ? Number(latency[1]) : Number.NaN,
    command: `pgbench -N -c ${opts.clients} -j ${opts.threads} -T ${opts.seconds} (scale 10)`,
  };
}

/**
 * The yardstick for a PostgreSQL figure that is not a transaction rate (an import, a verification, the soak):
 * `pgbench -N` with 50 clients for 12 s on a database of its own (scale 10), run just before the measured part
 * on the same server, so that each such figure is printed beside what the server did for pgbench at that hour.
 * The database is dropped afterwards unless BENCH_KEEP=1.
 */
export async function pgbenchYardstick(): Promise<PgbenchResult & { note: (value: number, unit: string) => string }> {
  const name = 'mamori_bench_yardstick';
  await initPgbench(name, 10);
  try {
    const r = await runPgbench(name, { clients: 50, threads: 2, seconds: 12 });
    console.log(`  pgbench -N just before: ${Math.round(r.tps).toLocaleString('en-US')} tps, latency ${r.latencyMs} ms`);
    return {
      ...r,
      note: (value, unit) =>
        `pgbench -N just before: ${Math.round(r.tps).toLocaleString('en-US')} tps (${r.command}); ratio ${(value / r.tps).toFixed(2)} ${unit} per pgbench transaction/s`,
    };
  } finally {
    if (process.env.BENCH_KEEP !== '1') await dropDatabase(name);
  }
}
