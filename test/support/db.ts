/**
 * Test helpers that run a data test on SQLite and PostgreSQL alike. The PostgreSQL URL comes from the
 * vitest global setup (`test/global-setup.ts`), which found a reachable server or recorded why not.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { type Db, type DbOrTx, type DialectName, type OpenedDatabase, openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { registerAuditMacKeys } from '../../src/modules/audit/mac.ts';
import { drainAuditQueue } from '../../src/modules/audit/sequencer.ts';

export const dialects: DialectName[] = ['sqlite', 'postgres'];

export function postgresUrl(): string | null {
  return inject('pgUrl') ?? null;
}

/** The MariaDB / MySQL server the connector suites run against (global setup), or null. */
export function mysqlUrl(): string | null {
  return inject('mysqlUrl') ?? null;
}

export interface TestDatabase extends OpenedDatabase {
  /** Drops the schema or deletes the file. */
  dispose(): Promise<void>;
}

/** A fresh, migrated database: a temporary SQLite file, or a new schema in the test PostgreSQL database. */
/**
 * The audit queue's MAC keys (audit/mac.ts) for tests that open a database without a context: a context
 * registers its own ring's keys as well (app/context.ts), and keys of several rings may be registered at once.
 */
registerAuditMacKeys([{ id: 'ktest', key: randomBytes(32) }], 'ktest');

export async function createTestDatabase(
  dialect: DialectName,
  opts: {
    /** Migrate only up to this migration. */ until?: string;
    /** PostgreSQL only: another server than the run's (the replica tests' own primary, test/support/standby.ts). */
    url?: string;
  } = {},
): Promise<TestDatabase> {
  const migrateOpts = opts.until ? { until: opts.until } : {};
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-test-'));
    const opened = openDatabase(`sqlite:${join(dir, 'test.db')}`);
    await migrateToLatest(opened.db, 'sqlite', migrateOpts);
    return {
      ...opened,
      async dispose() {
        await opened.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = opts.url ?? postgresUrl();
  if (!url) throw new Error('PostgreSQL is not available for tests');
  const schema = testSchemaName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const opened = openDatabase(url, { schema, poolSize: 4 });
  await migrateToLatest(opened.db, 'postgres', { schema, ...migrateOpts });
  return {
    ...opened,
    // The schema stays until the global teardown drops every test schema: dropping it now could race with
    // another test process whose migrator is introspecting the catalog.
    dispose: () => opened.close(),
  };
}

/** A new schema name of this test run (`t_<run>_<random>`), dropped by the run's global teardown. */
export function testSchemaName(): string {
  return `t_${inject('pgRun')}_${randomBytes(6).toString('hex')}`;
}

/** The dialects a data test should run on now: PostgreSQL only when the global setup found it. */
export function availableDialects(): DialectName[] {
  return postgresUrl() ? dialects : ['sqlite'];
}

/**
 * The database once every audit entry queued so far is chained (PostgreSQL: the writers queue, the sequencer
 * chains; audit/sequencer.ts). Tests that read `audit_log` or `audit_head` directly read through this.
 */
export async function chained<T extends DbOrTx>(db: T): Promise<T> {
  if (!db.isTransaction) await drainAuditQueue(db as unknown as Db);
  return db;
}
