/**
 * PostgreSQL for the benchmarks that measure a large ledger on both databases (import, member search,
 * disclosure package). `BENCH_DIALECTS` chooses: `sqlite`, `postgres` or `sqlite,postgres`; by default both
 * when a PostgreSQL server answers (`MAMORI_BENCH_PG_URL`, else the test suite's local candidates), SQLite only
 * otherwise (said on screen). Each benchmark gets a database of its own (`mamori_bench_<name>`), created on
 * the server next to the URL's database and kept between runs only with BENCH_KEEP=1.
 */
import pg from 'pg';
import type { DialectName } from '../src/db/database.ts';

const candidates = [
  process.env.MAMORI_BENCH_PG_URL,
  'postgres://postgres@127.0.0.1:5432/test',
  'postgres://root@127.0.0.1:5432/test',
].filter((u): u is string => Boolean(u));

let found: Promise<string | null> | undefined;

/** The first candidate server that answers, or null. */
export function benchPgUrl(): Promise<string | null> {
  found ??= (async () => {
    for (const url of candidates) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        await client.query('select 1');
        return url;
      } catch {
        // next candidate
      } finally {
        await client.end().catch(() => {});
      }
    }
    return null;
  })();
  return found;
}

/** The dialects to measure (see the file comment). */
export async function benchDialects(): Promise<DialectName[]> {
  const asked = process.env.BENCH_DIALECTS?.split(',').map((d) => d.trim());
  if (asked?.length) {
    const bad = asked.filter((d) => d !== 'sqlite' && d !== 'postgres');
    if (bad.length) throw new Error(`BENCH_DIALECTS: unknown ${bad.join(', ')} (sqlite, postgres)`);
    if (asked.includes('postgres') && !(await benchPgUrl())) throw new Error('BENCH_DIALECTS asks for postgres, but no server answers');
    return asked as DialectName[];
  }
  if (await benchPgUrl()) return ['sqlite', 'postgres'];
  console.log('  PostgreSQL not reachable (MAMORI_BENCH_PG_URL): SQLite only');
  return ['sqlite'];
}

/** The URL of database `name` on the bench server. */
export async function pgDatabaseUrl(name: string): Promise<string> {
  const base = await benchPgUrl();
  if (!base) throw new Error('PostgreSQL is not reachable');
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const base = await benchPgUrl();
  if (!base) throw new Error('PostgreSQL is not reachable');
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Whether database `name` exists on the bench server. */
export function pgDatabaseExists(name: string): Promise<boolean> {
  return admin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

/** Drops database `name` (if it exists) and creates it empty; returns its URL. */
export async function freshPgDatabase(name: string): Promise<string> {
  await dropPgDatabase(name);
  await admin((c) => c.query(`create database "${name}"`));
  return pgDatabaseUrl(name);
}

export async function dropPgDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
}
