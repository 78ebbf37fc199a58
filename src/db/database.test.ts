import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../../test/support/db.ts';
import { executePrepared, openSqlite, sqliteGroupTransaction } from './database.ts';
import type { Database } from './schema.ts';

describe('SQLite group commit', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    database.sqlite!.exec('create table t (n integer primary key)');
  });
  afterAll(async () => {
    await database?.dispose();
  });

  const count = () => database.sqlite!.prepare('select count(*) from t').pluck().get() as number;

  it('lets concurrent transactions share commits, rolls a failing one back alone, and answers only after COMMIT', async () => {
    const raw = database.sqlite!;
    const committedWhenAnswered: boolean[] = [];
    const work = Array.from({ length: 40 }, (_, i) =>
      sqliteGroupTransaction(database.db, raw, (tx) => {
        tx.prepare('insert into t (n) values (?)').run(i);
        if (i === 17) throw new Error('boom');
        return i;
      }).then(
        (n) => {
          // Another connection sees the row only once it is committed.
          committedWhenAnswered.push(readCommitted(n));
          return n;
        },
        (error: Error) => error.message,
      ),
    );
    const results = await Promise.all(work);
    expect(results[17]).toBe('boom');
    expect(results.filter((r) => typeof r === 'number')).toHaveLength(39);
    expect(committedWhenAnswered.every(Boolean)).toBe(true);
    expect(count()).toBe(39);
    expect(raw.prepare('select count(*) from t where n = 17').pluck().get()).toBe(0);
  });

  it('keeps Kysely queries and transactions out of a group, and serves them in between', async () => {
    const raw = database.sqlite!;
    const before = count();
    const mixed = await Promise.all([
      sqliteGroupTransaction(database.db, raw, (tx) => tx.prepare('insert into t (n) values (1000)').run().changes),
      database.db.transaction().execute(async (tx) => {
        await tx.selectFrom('audit_head').select('seq').execute();
        return 'kysely';
      }),
      sqliteGroupTransaction(database.db, raw, (tx) => tx.prepare('insert into t (n) values (1001)').run().changes),
    ]);
    expect(mixed).toEqual([1, 'kysely', 1]);
    expect(count()).toBe(before + 2);
    expect(raw.inTransaction).toBe(false);
  });

  it('fails the waiting transactions when the write lock cannot be had, and recovers', async () => {
    const raw = database.sqlite!;
    const other = new BetterSqlite3(raw.name);
    other.exec('begin immediate');
    raw.pragma('busy_timeout = 50');
    try {
      const attempt = sqliteGroupTransaction(database.db, raw, (tx) => tx.prepare('insert into t (n) values (2000)').run().changes);
      await expect(attempt).rejects.toThrow(/locked|busy/i);
    } finally {
      other.exec('rollback');
      other.close();
      raw.pragma('busy_timeout = 10000');
    }
    expect(await sqliteGroupTransaction(database.db, raw, (tx) => tx.prepare('insert into t (n) values (2001)').run().changes)).toBe(1);
  });

  function readCommitted(n: number): boolean {
    const other = new BetterSqlite3(database.sqlite!.name, { readonly: true });
    try {
      return other.prepare('select count(*) from t where n = ?').pluck().get(n) === 1;
    } finally {
      other.close();
    }
  }
});

describe('opening SQLite while another process holds the file', () => {
  it('waits for the busy timeout, then says so in Japanese and English', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-busy-'));
    const file = join(dir, 'busy.db');
    // What a large import alone on the database does: a rollback journal and the write lock until it ends.
    const holder = new BetterSqlite3(file);
    try {
      holder.exec('create table t (x)');
      holder.pragma('journal_mode = DELETE');
      holder.exec('begin exclusive');
      holder.exec('insert into t values (1)');
      const started = Date.now();
      expect(() => openSqlite(file)).toThrow(/使用中の処理.*Another process holds the database/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
      holder.exec('rollback');
      const raw = openSqlite(file);
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      raw.close();
    } finally {
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('named prepared statements on PostgreSQL', () => {
  if (!postgresUrl()) {
    it('needs PostgreSQL (the strict run fails without it)', () => {
      expect(process.env.MAMORI_TEST_STRICT).not.toBe('1');
    });
    return;
  }
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('prepares a marked statement once per connection and runs it by name with new values; other queries stay unnamed', async () => {
    const prepared = (tx: Transaction<Database>) =>
      sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(tx);
    const answers = await database.db.transaction().execute(async (tx) => {
      const seen: number[][] = [];
      for (const n of [3, 5, 2]) {
        const r = await executePrepared(tx, sql<{ n: number }>`select generate_series(1, ${n}::int) as n`);
        seen.push(r.rows.map((row) => row.n));
      }
      await sql`select 1 as unmarked`.execute(tx);
      return { seen, statements: (await prepared(tx)).rows };
    });
    expect(answers.seen).toEqual([
      [1, 2, 3],
      [1, 2, 3, 4, 5],
      [1, 2],
    ]);
    // One named statement for the three calls; the unmarked query and the view's own read are not among them.
    expect(answers.statements).toHaveLength(1);
    expect(answers.statements[0]!.name).toMatch(/^mamori_[0-9a-f]{24}$/);
    expect(answers.statements[0]!.statement).toContain('generate_series');
  });

  it('fails a marked statement as a plain one would, and the connection goes on', async () => {
    await expect(executePrepared(database.db, sql`select 1 / ${0}::int`)).rejects.toMatchObject({ code: '22012' });
    const r = await executePrepared(database.db, sql<{ x: number }>`select ${7}::int as x`);
    expect(r.rows).toEqual([{ x: 7 }]);
  });
});
