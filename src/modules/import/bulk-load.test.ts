/**
 * A bulk load drops the ledger's secondary indexes (on PostgreSQL also its foreign keys) and builds them again
 * before commit. On PostgreSQL that locks `members` and `organizations`, so it happens only when no other
 * session is connected to the database: each run here gets a database of its own (a SQLite file, or a
 * PostgreSQL database created for the test), so that "alone" can be true.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, postgresUrl } from '../../../test/support/db.ts';
import { createContext } from '../../app/context.ts';
import type { AppContext } from '../../base/context.ts';
import { type DialectName, type OpenedDatabase, openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import type { Actor } from '../audit/events.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import { csvColumns, csvLine, syntheticMember } from '../demo/synthetic.ts';
import { createOrganization } from '../organizations/service.ts';
import { importMembers } from './import-members.ts';

const actor: Actor = { type: 'cli', id: null, orgId: null, label: 'test:import' };

/** The server's admin connection (on the test URL's database), to create and drop the test's own database. */
async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl()! });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

describe.each(availableDialects())('bulk load on %s', (dialect: DialectName) => {
  let dir: string;
  let url: string;
  let pgName: string | null = null;
  let db: OpenedDatabase;
  let ctx: AppContext;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-bulk-'));
    url = `sqlite:${join(dir, 'mamori.db')}`;
    if (dialect === 'postgres') {
      pgName = `mamori_t_bulk_${randomBytes(6).toString('hex')}`;
      await admin(`create database ${pgName}`);
      const u = new URL(postgresUrl()!);
      u.pathname = `/${pgName}`;
      url = u.toString();
    }
    db = openDatabase(url, { poolSize: 2 });
    await migrateToLatest(db.db, dialect);
    ctx = createContext({ db: db.db, dialect, ...(db.sqlite ? { sqlite: db.sqlite } : {}), keys: KeyRing.generate() });
    const system = { type: 'system', id: null, orgId: null, label: 'test' } as const;
    await db.db
      .transaction()
      .execute((tx) =>
        createOrganization(tx, system, { code: 'bulk-coop', name: '一括生協', name_en: 'Bulk co-op', kind: 'coop' }, new Date()),
      );
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
    if (pgName) await admin(`drop database if exists ${pgName} with (force)`);
  });

  const file = (name: string, from: number, n: number, extra = '') => {
    const lines = [csvColumns.join(',')];
    for (let i = 0; i < n; i++) lines.push(csvLine({ ...syntheticMember(from + i), member_code: String(from + i) }));
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n${extra}`);
    return path;
  };
  /** Secondary indexes and foreign keys of `members`, as the database describes them. */
  const shape = async () => {
    if (dialect === 'sqlite') {
      return db.sqlite!.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'members' order by name").all();
    }
    const indexes =
      await sql`select indexname, indexdef from pg_indexes where tablename = 'members' and schemaname = current_schema() order by 1`.execute(
        db.db,
      );
    const keys = await sql`select conname, pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid = 'members'::regclass order by 1`.execute(db.db);
    return [indexes.rows, keys.rows];
  };
  const members = async () =>
    Number(
      (
        await db.db
          .selectFrom('members')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('alone: drops and rebuilds the indexes (and foreign keys), rolled back with the rest on failure', async () => {
    const before = await shape();
    if (dialect === 'postgres') {
      // What is dropped: three secondary indexes and the organization's foreign key.
      expect(JSON.stringify(before)).toMatch(/members_kana.*members_name.*members_phone/);
      expect(JSON.stringify(before)).toContain('FOREIGN KEY (org_id) REFERENCES organizations(id)');
    }
    const bad = file('bad.csv', 3_000_000, 600, `${csvLine({ ...syntheticMember(9), member_code: '3000600', join_date: 'いつか' })}\n`);
    const failed = await importMembers(ctx, { orgCode: 'bulk-coop', file: bad, actor, strict: true, bulkIndexRows: 500, report: null });
    expect(failed).toMatchObject({ status: 'failed', created: 600, rejected: 1, indexesRebuilt: false });
    expect(await members()).toBe(0);
    expect(await shape()).toEqual(before);

    const good = file('good.csv', 3_000_000, 600);
    const analysed = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*) as n from pg_stats where tablename = 'members' and schemaname = current_schema()`.execute(db.db)
        ).rows[0]!.n,
      );
    const loaded = await importMembers(ctx, {
      orgCode: 'bulk-coop',
      file: good,
      actor,
      bulkIndexRows: 500,
      analyzeRows: 500,
      report: null,
    });
    expect(loaded).toMatchObject({ status: 'completed', created: 600, indexesRebuilt: true });
    // PostgreSQL: the planner's statistics are fresh at once (member search chooses its walk from them).
    if (dialect === 'postgres') expect(await analysed()).toBeGreaterThan(0);
    expect(await members()).toBe(600);
    expect(await shape()).toEqual(before);
    expect((await verifyAuditChain(db.db)).ok).toBe(true);
    // The organization had no members, so on PostgreSQL the unique (organization, member code) constraint was
    // dropped for the load too: added back, it holds for the loaded rows.
    const loadedRow = await db.db.selectFrom('members').selectAll().where('member_code', '=', '3000000').executeTakeFirstOrThrow();
    await expect(
      db.db
        .insertInto('members')
        .values({ ...loadedRow, id: randomUUID() })
        .execute(),
    ).rejects.toThrow(/unique|UNIQUE/);
    // The rebuilt indexes serve the search keys.
    const kana = await db.db.selectFrom('members').select('id').where('name_kana_norm', '>=', 'ア').limit(1).execute();
    expect(kana).toHaveLength(1);
  });

  if (dialect === 'postgres') {
    it('with another session connected, the rows go in through the indexes and triggers as they are', async () => {
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        const before = await shape();
        const loaded = await importMembers(ctx, {
          orgCode: 'bulk-coop',
          file: file('other.csv', 3_100_000, 700),
          actor,
          bulkIndexRows: 500,
          report: null,
        });
        expect(loaded).toMatchObject({ status: 'completed', created: 700, indexesRebuilt: false });
        expect(await shape()).toEqual(before);
      } finally {
        await other.end();
      }
    });
  }
});
