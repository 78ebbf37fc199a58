/**
 * `mamori import members` as an operator runs it, a real process per run, on SQLite and PostgreSQL: killed
 * (SIGKILL) in the middle of a file, the database is as it was (member count, audit chain) and the next run
 * completes with nothing lost or applied twice (one entry per member, `mamori audit verify` passes); exit codes for rejected rows and a bad header.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, postgresUrl, testSchemaName } from '../../../test/support/db.ts';
import { type DialectName, type OpenedDatabase, openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { registerAuditMacKeys } from '../audit/mac.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { loadKeyRing } from '../crypto/data-keys.ts';
import { csvColumns, csvLine, syntheticMember } from '../demo/synthetic.ts';
import { createOrganization } from '../organizations/service.ts';

const root = join(import.meta.dirname, '..', '..', '..');

/** Bytes 18–19 of a SQLite database file: its write and read format versions. */
function header(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const bytes = new Uint8Array(2);
    readSync(fd, bytes, 0, 2, 18);
    return bytes;
  } finally {
    closeSync(fd);
  }
}
const ROWS = 60_000;

describe.each(availableDialects())('mamori import members (CLI) on %s', (dialect: DialectName) => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let db: OpenedDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-import-cli-'));
    let url = `sqlite:${join(dir, 'mamori.db')}`;
    let schema: string | undefined;
    if (dialect === 'postgres') {
      schema = testSchemaName();
      const admin = new pg.Client({ connectionString: postgresUrl()! });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.end();
      url = `${postgresUrl()}${postgresUrl()!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      // Dropped with every test schema in the global teardown (test/global-setup.ts).
    }
    env = { ...process.env, DATABASE_URL: url, MAMORI_DATA_DIR: dir, MAMORI_KEY_FILE: join(dir, 'keys.json') };
    delete env.MAMORI_DATA_KEYS;
    db = openDatabase(url);
    // This process writes and chains audit entries with the installation's MAC keys, as the CLI does, so that
    // `mamori audit verify` and this process's verification check the same MACs (PostgreSQL).
    const ring = loadKeyRing(join(dir, 'keys.json'), {});
    registerAuditMacKeys(
      ring.file.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
      ring.primaryId,
    );
    // The migration tables in this schema (Kysely would otherwise find another test schema's).
    await migrateToLatest(db.db, dialect, schema ? { schema } : {});
    const system = { type: 'system', id: null, orgId: null, label: 'test' } as const;
    await db.db
      .transaction()
      .execute((tx) =>
        createOrganization(tx, system, { code: 'test-coop', name: 'テスト生協', name_en: 'Test co-op', kind: 'coop' }, new Date()),
      );
    const lines = [csvColumns.join(',')];
    for (let i = 1; i <= ROWS; i++) lines.push(csvLine(syntheticMember(i)));
    writeFileSync(join(dir, 'members.csv'), `${lines.join('\n')}\n`);
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const mamori = (args: string[], environment = env) => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], {
      env: environment,
      encoding: 'utf8',
      timeout: 90_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const members = async (on = db) =>
    Number(
      (
        await on.db
          .selectFrom('members')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /**
   * Starts `mamori import members` of the test file and waits for its first progress line, which comes after
   * the first chunk was written inside the import's transaction.
   */
  const importUntilProgress = async (environment: NodeJS.ProcessEnv, org: string) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'mamori.js'), 'import', 'members', join(dir, 'members.csv'), '--org', org], {
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('取込中 / importing')) resolve();
      });
      child.on('exit', () => reject(new Error(`the import ended before it could be killed: ${err}`)));
    });
    return { child, exited };
  };
  const runs = () => db.db.selectFrom('import_runs').select(['id', 'status']).orderBy('started_at').execute();

  it('killed mid-way, leaves the database as it was; the next run completes and marks the killed one failed', async () => {
    const { child, exited } = await importUntilProgress(env, 'test-coop');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    expect(await members()).toBe(0);
    expect(await runs()).toEqual([expect.objectContaining({ status: 'running' })]);
    const chain = await verifyAuditChain(db.db);
    expect(chain.ok).toBe(true);

    const again = mamori(['import', 'members', join(dir, 'members.csv'), '--org', 'test-coop', '--json']);
    expect(again.code, again.err).toBe(0);
    const summary = JSON.parse(again.out);
    expect(summary).toMatchObject({ status: 'completed', rows: ROWS, created: ROWS, rejected: 0, interruptedRuns: 1 });
    // This test holds a connection of its own, so on SQLite the import kept the write-ahead log.
    expect(summary.journal).toBe(dialect === 'sqlite' ? 'wal' : null);
    expect(await members()).toBe(ROWS);
    expect((await runs()).map((r) => r.status)).toEqual(['failed', 'completed']);
    // The operator's verification (it records itself: one entry more).
    const verified = mamori(['audit', 'verify', '--json']);
    expect(verified.code, verified.err).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true });
    const after = await verifyAuditChain(db.db);
    expect(after.ok).toBe(true);
    // Nothing lost or applied twice: one entry per member, the run's summary and the verification.
    expect(after.entries).toBe(chain.entries + ROWS + 2);
    const entries = await db.db.selectFrom('audit_log').select('member_id').where('action', '=', 'member.import').execute();
    expect(entries.length).toBe(ROWS);
    expect(new Set(entries.map((e) => e.member_id)).size).toBe(ROWS);
  }, 120_000);

  if (dialect === 'sqlite') {
    it('alone on the database: a rollback journal, rolled back after a kill, and WAL again afterwards', async () => {
      const file = join(dir, 'alone.db');
      const alone = { ...env, DATABASE_URL: `sqlite:${file}` };
      const setup = openDatabase(`sqlite:${file}`);
      await migrateToLatest(setup.db, 'sqlite');
      const system = { type: 'system', id: null, orgId: null, label: 'test' } as const;
      await setup.db
        .transaction()
        .execute((tx) =>
          createOrganization(tx, system, { code: 'alone-coop', name: '単独生協', name_en: 'Alone co-op', kind: 'coop' }, new Date()),
        );
      await setup.close();

      const { child, exited } = await importUntilProgress(alone, 'alone-coop');
      // The transaction writes through a rollback journal: the database left the write-ahead log.
      expect(existsSync(`${file}-journal`)).toBe(true);
      expect([...header(file)]).toEqual([1, 1]);
      expect(existsSync(`${file}-wal`)).toBe(false);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      // The next connection finds the hot journal and undoes the import before anything is read.
      const after = openDatabase(`sqlite:${file}`);
      try {
        expect(after.sqlite!.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(existsSync(`${file}-journal`)).toBe(false);
        expect(await members(after)).toBe(0);
        expect((await verifyAuditChain(after.db)).ok).toBe(true);
      } finally {
        await after.close();
      }

      const r = mamori(['import', 'members', join(dir, 'members.csv'), '--org', 'alone-coop', '--json'], alone);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ status: 'completed', created: ROWS, interruptedRuns: 1, journal: 'rollback' });
      // Back in WAL mode when the import ended: the file format's read and write versions (bytes 18–19) are 2
      // for WAL, 1 for a rollback journal (read from the file, before a connection could set it again).
      expect([...header(file)]).toEqual([2, 2]);
      const done = openDatabase(`sqlite:${file}`);
      try {
        expect(await members(done)).toBe(ROWS);
        expect((await verifyAuditChain(done.db)).ok).toBe(true);
      } finally {
        await done.close();
      }
    }, 120_000);
  }

  it('exits 2 when rows are rejected (printing them), 1 for a bad header', () => {
    const bad = join(dir, 'bad-rows.csv');
    writeFileSync(bad, 'member_code,name,name_kana,join_date\n3000001,良い 行,ヨイ ギョウ,2020-01-01\n3000002,悪い 行,Warui,2020-01-01\n');
    const rejected = mamori(['import', 'members', bad, '--org', 'test-coop']);
    expect(rejected.code).toBe(2);
    expect(rejected.out).toMatch(/新規 \/ created\s+1/);
    expect(rejected.out).toMatch(/3行目 \/ line 3 \[3000002\] name_kana: フリガナは/);
    expect(rejected.out).toContain(join(dir, 'bad-rows.rejected.csv'));

    const header = join(dir, 'bad-header.csv');
    writeFileSync(header, 'member_code,name,name_kana,join_date,mystery\n');
    const refused = mamori(['import', 'members', header, '--org', 'test-coop']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/import_header_invalid/);
    expect(refused.err).toMatch(/mystery/);
  });
});
