/**
 * `mamori backup` / `mamori restore` as an operator runs them (real processes), on SQLite and PostgreSQL: a
 * restored database equals the backed-up one table by table (tables listed from the catalogue) with an intact
 * chain; a tampered backup restores but fails verification naming the entry; a database that holds data is
 * not overwritten without --force; a missing data key is named.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, type DialectName, openDatabase } from '../../src/db/database.ts';
import { appendAudit } from '../../src/modules/audit/append.ts';
import { verifyAuditChain } from '../../src/modules/audit/verify.ts';
import { listTables } from '../../src/modules/backup/catalogue.ts';
import { changeConsent } from '../../src/modules/consent/consents.ts';
import { fileRequest } from '../../src/modules/requests/requests.ts';
import { availableDialects, chained, postgresUrl } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixtures.ts';

const root = join(import.meta.dirname, '..', '..');

function mamori(env: NodeJS.ProcessEnv, args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

type Snapshot = Record<string, string[]>;

/** Every row of every table (listed from the catalogue), each table's rows in a stable order. */
async function snapshot(db: Db, dialect: DialectName): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const table of await listTables(db, dialect)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    out[table] = rows.map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))).sort();
  }
  return out;
}

/** A database URL of PostgreSQL with its search_path set to `schema` (what an operator would write). */
function withSchema(url: string, schema: string, database?: string): string {
  const u = new URL(url);
  if (database) u.pathname = `/${database}`;
  u.search = `?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return u.toString();
}

const createdDatabases: string[] = [];
afterAll(async () => {
  const url = postgresUrl();
  if (!url || createdDatabases.length === 0) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const name of createdDatabases) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
});

/** A fresh, empty target: an SQLite path that does not exist yet, or a new PostgreSQL database. */
async function freshTarget(dialect: DialectName, dir: string, schema: string | null): Promise<string> {
  if (dialect === 'sqlite') return `sqlite:${join(dir, `restored-${randomBytes(3).toString('hex')}.db`)}`;
  const url = postgresUrl()!;
  const name = `mamori_restore_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  createdDatabases.push(name);
  return withSchema(url, schema!, name);
}

describe.each(availableDialects())('mamori backup and restore on %s', (dialect) => {
  let f: Fixture;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let schema: string | null = null;
  let sourceUrl: string;
  let backupFile: string;
  let atBackup: Snapshot;
  let keyIds: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-backup-'));
    f = await demoFixture(dialect, { members: 30 });
    // The rest of what a co-op holds: a request with its events, a consent change (policy versions, ledger
    // assets and the audit trail come with the demo).
    const officer = await f.actor('officer');
    const memberId = await f.memberId('1000003');
    await fileRequest(f.ctx, officer, { memberId, kind: 'disclosure', detail: {}, channel: 'counter' });
    await changeConsent(f.ctx, officer, { memberId, subject: { kind: 'purpose', code: 'P16' }, state: 'opted_out', source: 'counter' });
    const keyFile = join(dir, 'keys.json');
    writeFileSync(keyFile, JSON.stringify(f.ctx.keys.file), { mode: 0o600 });
    if (dialect === 'sqlite') sourceUrl = `sqlite:${f.database.sqlite!.name}`;
    else {
      const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(f.ctx.db);
      schema = rows[0]!.s;
      sourceUrl = withSchema(postgresUrl()!, schema);
    }
    env = { ...process.env, MAMORI_DATA_DIR: dir, DATABASE_URL: sourceUrl, MAMORI_KEY_FILE: keyFile };
    delete env.MAMORI_DATA_KEYS;
    backupFile = join(dir, dialect === 'sqlite' ? 'mamori-backup.db' : 'mamori-backup.dump');
  }, 120_000);
  afterAll(async () => {
    await f.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up while the database is open, says the keys are not inside, and records the key ids needed', async () => {
    const r = mamori(env, ['backup', '--out', backupFile]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/暗号鍵.*含まれません/);
    expect(r.out).toMatch(/NOT in the backup/);
    atBackup = await snapshot(f.ctx.db, dialect);
    const manifest = JSON.parse(readFileSync(`${backupFile}.manifest.json`, 'utf8'));
    keyIds = manifest.key_ids;
    expect(keyIds).toEqual([f.ctx.keys.primaryId]);
    expect(r.out).toContain(f.ctx.keys.primaryId);
    // The backup's own entry is written before the copy: it is the head the manifest records, and in the backup.
    const last = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({ action: 'backup.create', outcome: 'ok' });
    expect(manifest.backup_entry).toEqual({ seq: Number(last.seq), hash: last.hash });
    // What the comparison below covers: the seeded data is really there.
    for (const table of [
      'members',
      'subject_requests',
      'request_events',
      'consent_events',
      'policy_versions',
      'ledger_assets',
      'audit_log',
    ])
      expect(atBackup[table]?.length, table).toBeGreaterThan(0);
  });

  it('restores into a fresh database: every table equal to the backup, chain intact, then the restore entry', async () => {
    // Changes after the backup must not appear in the restored database.
    await f.ctx.db.updateTable('members').set({ note: 'バックアップ後の変更' }).where('member_code', '=', '1000001').execute();
    await f.ctx.db
      .transaction()
      .execute((tx) =>
        appendAudit(
          tx,
          { type: 'cli', id: null, orgId: null, label: 'test:after' },
          { action: 'audit.verify', outcome: 'ok', orgId: null, detail: { entries: 0 } },
        ),
      );

    const target = await freshTarget(dialect, dir, schema);
    const r = mamori({ ...env, DATABASE_URL: target }, ['restore', '--from', backupFile]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/intact/);
    expect(r.out).toMatch(/the key ring decrypts the data/);

    const restored = openDatabase(target);
    try {
      const after = await snapshot(restored.db, dialect);
      expect(Object.keys(after)).toEqual(Object.keys(atBackup));
      const headSeq = JSON.parse(readFileSync(`${backupFile}.manifest.json`, 'utf8')).backup_entry.seq as number;
      for (const table of Object.keys(atBackup)) {
        // The log and its monthly partitions (PostgreSQL) are compared entry by entry below.
        if (table === 'audit_log' || table === 'audit_head' || table.startsWith('audit_log_')) continue;
        expect(after[table], table).toEqual(atBackup[table]);
      }
      // The trail is the backup's, entry for entry, plus the one entry recording the restore.
      const entries = await (await chained(restored.db)).selectFrom('audit_log').selectAll().orderBy('seq').execute();
      const asSnapshot = (rows: Record<string, unknown>[]) =>
        rows.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))).sort();
      expect(asSnapshot(entries.filter((e) => Number(e.seq) <= headSeq))).toEqual(atBackup.audit_log);
      expect(entries.filter((e) => Number(e.seq) > headSeq).map((e) => [e.action, e.outcome])).toEqual([['backup.restore', 'ok']]);
      const head = await (await chained(restored.db)).selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
      expect(head).toMatchObject({ seq: headSeq + 1, hash: entries.at(-1)!.hash });
      const verified = await verifyAuditChain(restored.db);
      expect(verified).toMatchObject({ ok: true, entries: headSeq + 1 });
    } finally {
      await restored.close();
    }
  }, 120_000);

  it('names a missing data key and exits non-zero', async () => {
    const target = await freshTarget(dialect, dir, schema);
    const r = mamori({ ...env, DATABASE_URL: target, MAMORI_KEY_FILE: join(dir, 'no-such-keys.json') }, ['restore', '--from', backupFile]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`missing data keys: ${keyIds[0]}`);
    expect(existsSync(join(dir, 'no-such-keys.json'))).toBe(false);
  }, 120_000);

  it('names a key of the right id that does not decrypt the data (another key under the same name)', async () => {
    const target = await freshTarget(dialect, dir, schema);
    const impostor = join(dir, 'impostor-keys.json');
    const id = keyIds[0]!;
    writeFileSync(
      impostor,
      JSON.stringify({ primary: id, keys: [{ id, key: randomBytes(32).toString('base64'), created_at: new Date().toISOString() }] }),
    );
    const r = mamori({ ...env, DATABASE_URL: target, MAMORI_KEY_FILE: impostor }, ['restore', '--from', backupFile]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`these keys do not decrypt the data: ${id}`);
  }, 120_000);

  it('restores a tampered backup, but verification names the first bad entry and the restore exits non-zero', async () => {
    let tampered: string;
    if (dialect === 'sqlite') {
      // A copy of the backup with one byte of one audit row changed, edited with SQL.
      tampered = join(dir, 'tampered.db');
      writeFileSync(tampered, readFileSync(backupFile));
      const db = new BetterSqlite3(tampered);
      db.prepare("update audit_log set outcome = 'oK' where seq = 5").run();
      db.close();
    } else {
      // A custom-format dump is compressed: tamper with the row in a restored copy and dump that.
      const copy = await freshTarget(dialect, dir, schema);
      expect(mamori({ ...env, DATABASE_URL: copy }, ['restore', '--from', backupFile]).code).toBe(0);
      const db = openDatabase(copy);
      await sql`update audit_log set outcome = 'oK' where seq = 5`.execute(db.db);
      await db.close();
      tampered = join(dir, 'tampered.dump');
      expect(mamori({ ...env, DATABASE_URL: copy }, ['backup', '--out', tampered]).code).toBe(0);
    }
    const target = await freshTarget(dialect, dir, schema);
    const r = mamori({ ...env, DATABASE_URL: target }, ['restore', '--from', tampered]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/restored from/);
    expect(r.err).toMatch(/first bad entry: #5 \(hash_mismatch\)/);
    const db = openDatabase(target);
    const last = await (await chained(db.db)).selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    await db.close();
    expect(last).toMatchObject({ action: 'backup.restore', outcome: 'failed' });
    expect(JSON.parse(last.detail)).toMatchObject({ first_bad: 5 });
  }, 120_000);

  it('refuses to overwrite a database that holds data without --force, and overwrites it with --force', async () => {
    const changed = await snapshot(f.ctx.db, dialect);
    expect(changed).not.toEqual(atBackup);
    const refused = mamori(env, ['restore', '--from', backupFile]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/\[restore_target_not_empty\]/);
    expect(await snapshot(f.ctx.db, dialect)).toEqual(changed);

    if (dialect === 'sqlite') {
      // The test process still has the file open, like a running server: refused, nothing changed.
      const busy = mamori(env, ['restore', '--from', backupFile, '--force']);
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(/\[restore_target_in_use\]/);
      expect(await snapshot(f.ctx.db, dialect)).toEqual(changed);
      await f.database.close();
    }
    const forced = mamori(env, ['restore', '--from', backupFile, '--force']);
    expect(forced.code, forced.out + forced.err).toBe(0);
    const reopened = openDatabase(sourceUrl);
    try {
      const now = await snapshot(reopened.db, dialect);
      expect(now.members).toEqual(atBackup.members);
      expect(now.audit_log!.length).toBe(atBackup.audit_log!.length + 1);
    } finally {
      await reopened.close();
    }
    if (dialect === 'sqlite') {
      // Closed above: what remains to dispose of is the fixture's folder.
      const folder = dirname(f.database.sqlite!.name);
      f = { ...f, dispose: async () => rmSync(folder, { recursive: true, force: true }) };
    }
  }, 120_000);

  it('refuses a file that is not a backup, changing nothing', async () => {
    const junk = join(dir, 'not-a-backup.bin');
    writeFileSync(junk, 'これはバックアップではありません / not a backup\n'.repeat(200));
    const target = await freshTarget(dialect, dir, schema);
    const r = mamori({ ...env, DATABASE_URL: target }, ['restore', '--from', junk]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\[backup_file_invalid\]/);
    if (dialect === 'sqlite') expect(existsSync(target.slice('sqlite:'.length))).toBe(false);
  }, 60_000);

  // PostgreSQL only, defined (not skipped) there: a skipped test fails a strict run.
  if (dialect === 'postgres')
    it('says clearly when pg_dump is not installed', () => {
      const r = mamori({ ...env, MAMORI_PG_BINDIR: join(dir, 'no-bin') }, ['backup', '--out', join(dir, 'x.dump')]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/\[backup_tool_missing\]/);
      expect(r.err).toMatch(/postgresql-client/);
      expect(existsSync(join(dir, 'x.dump'))).toBe(false);
    });
});
