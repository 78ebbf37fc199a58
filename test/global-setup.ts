/**
 * Finds the PostgreSQL server the data tests run against. `scripts/test.js` has already tried to start a
 * stopped local server. Without one the PostgreSQL suites are skipped loudly, and with MAMORI_TEST_STRICT=1
 * (CI) the run fails instead.
 */

import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { stopRunStandby } from './support/standby.ts';

const candidates = [
  process.env.MAMORI_TEST_PG_URL,
  'postgres://postgres@127.0.0.1:5432/test',
  'postgres://root@127.0.0.1:5432/test',
].filter((u): u is string => Boolean(u));

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** MariaDB / MySQL for the connector conformance suite (connectors/*.test.ts); `scripts/test.js` starts a stopped local one. */
const mysqlCandidates = [process.env.MAMORI_TEST_MYSQL_URL, 'mysql://root@127.0.0.1:3306/test'].filter((u): u is string => Boolean(u));

async function mysqlReachable(url: string): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
    try {
      await conn.query('select 1');
      return true;
    } finally {
      await conn.end().catch(() => {});
    }
  } catch {
    return false;
  }
}

async function findMysql(): Promise<string | null> {
  for (const url of mysqlCandidates) if (await mysqlReachable(url)) return url;
  const banner = `\n${'!'.repeat(78)}\n!! MariaDB / MySQL に接続できないため、MySQL 連携のテストを省略します。\n!! MariaDB / MySQL is not reachable (${mysqlCandidates.join(', ')}): the MySQL connector suites are SKIPPED.\n${'!'.repeat(78)}\n`;
  if (process.env.MAMORI_TEST_STRICT === '1') throw new Error(`${banner}MAMORI_TEST_STRICT=1: a skipped MySQL suite is a failure.`);
  console.warn(banner);
  return null;
}

export default async function setup(project: TestProject) {
  // Connected SQLite systems made by the tests live in the machine's temporary folder (each test's own folder):
  // the folders a SQLite system may be in (connectors/sqlite.ts) are that one here. The test processes and the
  // CLI processes they start inherit it.
  process.env.MAMORI_SQLITE_SYSTEM_DIRS ??= tmpdir();
  // Likewise the folders a delivery target may write into (modules/deliveries/settings.ts).
  process.env.MAMORI_DELIVERY_DIRS ??= tmpdir();
  project.provide('mysqlUrl', await findMysql());
  let found: string | null = null;
  for (const url of candidates) {
    if (await reachable(url)) {
      found = url;
      break;
    }
  }
  if (!found) {
    const banner = `\n${'!'.repeat(78)}\n!! PostgreSQL に接続できないため、PostgreSQL のテストを省略します。\n!! PostgreSQL is not reachable (${candidates.join(', ')}): the PostgreSQL suites are SKIPPED.\n${'!'.repeat(78)}\n`;
    if (process.env.MAMORI_TEST_STRICT === '1') {
      throw new Error(`${banner}MAMORI_TEST_STRICT=1: a skipped PostgreSQL suite is a failure.`);
    }
    console.warn(banner);
  }
  project.provide('pgUrl', found);
  // Schemas are named per run, so that this run's teardown never drops another run's schemas (two test runs
  // may share one PostgreSQL database, e.g. a developer's and CI's).
  const run = randomBytes(4).toString('hex');
  project.provide('pgRun', run);
  // The process that owns this run's resources (the hot standby of test/support/standby.ts): a later run
  // removes what a run killed before its teardown left behind.
  project.provide('pgRunOwner', process.pid);
  if (!found) return;
  const url = found;
  // Test files create one schema each (src/db/testing.ts) and leave it: dropping it while another test
  // process introspects the catalog fails that process. This run's test schemas go here, once all files are done.
  return async () => {
    // The hot standby pair, if a replica test started one this run.
    stopRunStandby(run);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`t_${run}_%`]);
    for (const { nspname } of rows) await client.query(`drop schema "${nspname}" cascade`);
    await client.end();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
    /** MariaDB / MySQL for the connector suites (root, a database to connect to), or null when none answers. */
    mysqlUrl: string | null;
    /** This run's prefix for test schema names (`t_<run>_…`). */
    pgRun: string;
    /** The pid of the process that runs this test run (vitest's main process). */
    pgRunOwner: number;
  }
}
