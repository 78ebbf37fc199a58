/**
 * Backup and restore of mamori's database (docs/operations.md).
 *
 * SQLite: the online backup API copies the live file page by page while the server keeps running (WAL), into
 * one self-contained file. PostgreSQL: `pg_dump --format=custom` of mamori's schema (the `current_schema()` of
 * DATABASE_URL's connection), restored by `pg_restore --clean --if-exists --single-transaction`.
 *
 * The data-key ring is never in a backup (keep the keys apart from the data): a side file `FILE.manifest.json`
 * records the key ids the stored ciphertexts need, and restore names any the ring lacks.
 *
 * The `backup.create` entry is appended BEFORE the copy, so a backup holds the record of its own taking and a
 * restored trail ends with it (then `backup.restore`). A copy that fails afterwards appends a second
 * `backup.create` entry with outcome `failed`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { AppError } from '../../base/errors.ts';
import { type Db, type DialectName, type OpenedDatabase, openDatabase } from '../../db/database.ts';
import { appendAuditAlone, appendAuditSequenced } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { type VerifyResult, verifyAuditChain } from '../audit/verify.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { checkKeys, type KeyCheck, keyIdsInUse } from './catalogue.ts';

export interface BackupManifest {
  format: 'mamori-backup/1';
  created_at: string;
  dialect: DialectName;
  /** PostgreSQL: the schema dumped (restore puts it back under the same name). */
  schema: string | null;
  /** The data keys the backup's ciphertexts were made with: NOT in the backup, back them up separately. */
  key_ids: string[];
  /**
   * The backup's own `backup.create` entry, written before the copy: the backup holds the chain up to it (and
   * any entry another writer committed between it and the copy).
   */
  backup_entry: { seq: number; hash: string };
}

export const manifestPath = (file: string) => `${file}.manifest.json`;

export interface Tools {
  /** Folder of pg_dump / pg_restore (default: found on PATH). */
  pgBinDir?: string | undefined;
}

/** Takes a backup of the open database into `out` (written to a temporary file beside it, then renamed). */
export async function createBackup(
  database: OpenedDatabase,
  url: string,
  out: string,
  actor: Actor,
  tools: Tools = {},
): Promise<BackupManifest> {
  const { db, dialect } = database;
  const schema = dialect === 'postgres' ? await currentSchema(db) : null;
  const keyIds = await keyIdsInUse(db, dialect);
  const file = resolve(out);
  const entry = await appendAuditSequenced(db, actor, {
    action: 'backup.create',
    outcome: 'ok',
    orgId: null,
    detail: { file: basename(file), dialect, key_ids: keyIds },
  });
  const tmp = tempBeside(file);
  try {
    if (dialect === 'sqlite') {
      // After the first step, the rest in one step: a step restarts when another process (the server) writes in
      // between, so small steps might never finish under load; one long read does not block writers (WAL).
      await database.sqlite!.backup(tmp, { progress: () => 0x7fffffff });
      // A self-contained file: out of WAL mode, so that reading it never creates -wal/-shm files beside it.
      const copy = new BetterSqlite3(tmp);
      try {
        copy.pragma('journal_mode = DELETE');
      } finally {
        copy.close();
      }
    } else await run(tools, 'pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${tmp}`], url);
    fsyncFile(tmp);
    renameSync(tmp, file);
    fsyncFile(dirname(file));
  } catch (error) {
    rmSync(tmp, { force: true });
    const message = error instanceof Error ? error.message : String(error);
    await appendAuditAlone(db, actor, {
      action: 'backup.create',
      outcome: 'failed',
      orgId: null,
      detail: { file: basename(file), dialect, key_ids: keyIds, error: message.slice(0, 500) },
    });
    throw error instanceof AppError ? error : new AppError('backup_failed', undefined, message);
  }
  const manifest: BackupManifest = {
    format: 'mamori-backup/1',
    created_at: entry.ts,
    dialect,
    schema,
    key_ids: keyIds,
    backup_entry: { seq: entry.seq, hash: entry.hash },
  };
  writeFileSync(manifestPath(file), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export interface RestoreReport {
  manifest: BackupManifest | null;
  verify: VerifyResult;
  keys: KeyCheck;
  /** True when the chain holds and every key needed is in the ring and decrypts. */
  ok: boolean;
}

/**
 * Restores `from` into the database of `url`. Refuses a database that holds data unless `force`; on SQLite
 * also one that another process has open. Afterwards verifies the chain, checks the key ring and appends
 * `backup.restore` to the restored trail.
 */
export async function restoreBackup(
  url: string,
  from: string,
  opts: { force: boolean; keys: KeyRing | null; actor: Actor; tools?: Tools },
): Promise<RestoreReport> {
  const file = resolve(from);
  if (!existsSync(file)) throw new AppError('backup_file_invalid', undefined, `No such file: ${file}`);
  const manifest = readManifest(file);
  if (url.startsWith('sqlite:')) await restoreSqlite(url.slice('sqlite:'.length) || './data/mamori.db', file, opts.force);
  else await restorePostgres(url, file, manifest, opts.force, opts.tools ?? {});

  const database = openDatabase(url);
  try {
    const verify = await verifyAuditChain(database.db);
    const keys = await checkKeys(database.db, database.dialect, opts.keys);
    const ok = verify.ok && keys.missing.length === 0 && keys.wrong.length === 0;
    // Chained at once (on PostgreSQL the queue is drained): the restored database ends with its restore entry.
    await appendAuditSequenced(database.db, opts.actor, {
      action: 'backup.restore',
      outcome: ok ? 'ok' : 'failed',
      orgId: null,
      detail: {
        file: basename(file),
        entries: verify.entries,
        first_bad: verify.firstBad?.seq ?? null,
        missing_keys: [...keys.missing, ...keys.wrong],
      },
    });
    return { manifest, verify, keys, ok };
  } finally {
    await database.close();
  }
}

function readManifest(file: string): BackupManifest | null {
  const path = manifestPath(file);
  if (!existsSync(path)) return null;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest;
    return m.format === 'mamori-backup/1' ? m : null;
  } catch {
    return null;
  }
}

/** Whether mamori's tables hold anything (an organization or an audit entry). */
async function holdsData(db: Db, dialect: DialectName): Promise<boolean> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{
          n: number;
        }>`select count(*) as n from sqlite_master where type = 'table' and name in ('organizations', 'audit_log')`.execute(db)
      : await sql<{ n: number }>`select count(*) as n from information_schema.tables
          where table_schema = current_schema() and table_name in ('organizations', 'audit_log')`.execute(db);
  if (Number(rows[0]?.n) < 2) return false;
  const org = await db.selectFrom('organizations').select('id').limit(1).executeTakeFirst();
  const entry = await db.selectFrom('audit_log').select('seq').limit(1).executeTakeFirst();
  return Boolean(org || entry);
}

async function restoreSqlite(target: string, file: string, force: boolean): Promise<void> {
  const dest = resolve(target);
  // Copy into a temporary file in the target's folder (so the rename is atomic), check it is a mamori
  // database, make it self-contained (no WAL beside it), fsync.
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = tempBeside(dest);
  try {
    const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      await source.backup(tmp);
    } finally {
      source.close();
    }
    const copy = new BetterSqlite3(tmp);
    try {
      const check = copy.pragma('quick_check', { simple: true });
      copy.prepare('select seq, hash from audit_head where id = 1').get();
      if (check !== 'ok') throw new Error(String(check));
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
  } catch (error) {
    rmSync(tmp, { force: true });
    if (error instanceof AppError) throw error;
    throw new AppError('backup_file_invalid', undefined, error instanceof Error ? error.message : String(error));
  }
  fsyncFile(tmp);

  let lock: BetterSqlite3.Database | undefined;
  try {
    if (existsSync(dest)) {
      lock = new BetterSqlite3(dest, { fileMustExist: true });
      lock.pragma('busy_timeout = 0');
      if (!force) {
        const opened = openDatabase(`sqlite:${dest}`);
        try {
          if (await holdsData(opened.db, 'sqlite')) throw new AppError('restore_target_not_empty');
        } finally {
          await opened.close();
        }
      }
      // Leaving WAL mode needs the only connection to the file: it fails at once if a server has it open.
      // Then hold the file exclusively until the new one is in place.
      try {
        lock.pragma('journal_mode = DELETE');
        lock.pragma('locking_mode = EXCLUSIVE');
        lock.exec('begin exclusive; commit');
      } catch (error) {
        if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new AppError('restore_target_in_use');
        throw error;
      }
    }
    // A stale WAL or journal beside the new file would be read as part of it: none may stay (leaving WAL mode above has
    // removed the target's own). Done while the lock is held, before the new file is in place.
    for (const side of ['-wal', '-shm', '-journal']) rmSync(`${dest}${side}`, { force: true });
    renameSync(tmp, dest);
    fsyncFile(dirname(dest));
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  } finally {
    lock?.close();
  }
}

async function restorePostgres(url: string, file: string, manifest: BackupManifest | null, force: boolean, tools: Tools): Promise<void> {
  // A custom-format archive or nothing: pg_restore --list reads its table of contents without touching a database.
  const list = await run(tools, 'pg_restore', ['--list', file], null).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'backup_tool_missing') throw error;
    throw new AppError('backup_file_invalid', undefined, error instanceof Error ? error.message : String(error));
  });
  const opened = openDatabase(url, { poolSize: 1 });
  let schema: string;
  let existing: boolean;
  try {
    schema = await targetSchema(opened.db);
    if (manifest?.schema && manifest.schema !== schema) {
      throw new AppError(
        'backup_file_invalid',
        undefined,
        `The backup holds schema ${manifest.schema}; DATABASE_URL uses ${schema}. Set its search_path to ${manifest.schema}.`,
      );
    }
    if (!force && (await holdsData(opened.db, 'postgres'))) throw new AppError('restore_target_not_empty');
    existing =
      (await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${schema}`.execute(opened.db)).rows[0]!.n > 0;
  } finally {
    await opened.close();
  }
  // Overwriting (--force): the schema as it is is set aside under another name, the backup restored into a new
  // one, and only then is the old one dropped; if the restore fails, the old schema gets its name back, so the
  // target is as it was. (pg_restore --clean cannot drop the constraints of the audit log's monthly partitions,
  // which belong to the partitioned table's key.)
  const aside = `${schema.slice(0, 40)}_before_restore_${Date.now().toString(36)}`;
  const admin = existing ? openDatabase(url, { poolSize: 1 }) : undefined;
  const ident = (name: string) => sql.raw(`"${name.replaceAll('"', '""')}"`);
  try {
    if (admin) {
      await sql`alter schema ${ident(schema)} rename to ${ident(aside)}`.execute(admin.db);
      // The archive creates its schema unless it is one every database has (public): then create it here.
      if (!new RegExp(`SCHEMA - ${schema.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(list)) {
        await sql`create schema ${ident(schema)}`.execute(admin.db);
      }
    }
    await run(tools, 'pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', file], url).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'backup_tool_missing') throw error;
      throw new AppError('restore_failed', undefined, error instanceof Error ? error.message : String(error));
    });
    if (admin) await sql`drop schema ${ident(aside)} cascade`.execute(admin.db);
  } catch (error) {
    if (admin) {
      await sql`drop schema if exists ${ident(schema)} cascade`.execute(admin.db);
      await sql`alter schema ${ident(aside)} rename to ${ident(schema)}`.execute(admin.db);
    }
    throw error;
  } finally {
    await admin?.close();
  }
}

/**
 * The schema a restore fills: the current schema, or, in a fresh database where it does not exist yet, the first
 * schema of the search_path (`current_schema()` is null then).
 */
async function targetSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string | null; path: string; user: string }>`
    select current_schema() as schema, current_setting('search_path') as path, current_user as user`.execute(db);
  const row = rows[0]!;
  if (row.schema) return row.schema;
  const first = row.path
    .split(',')[0]!
    .trim()
    .replace(/^"(.*)"$/, '$1');
  return first === '$user' ? row.user : first;
}

async function currentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]!.schema;
}

/**
 * Runs pg_dump or pg_restore against `url` (when given). The password goes through PGPASSWORD, never on the
 * command line (where `ps` would show it).
 */
function run(tools: Tools, tool: 'pg_dump' | 'pg_restore', args: string[], url: string | null): Promise<string> {
  const env = { ...process.env };
  const full = [...args];
  if (url) {
    const u = new URL(url);
    if (u.password) {
      env.PGPASSWORD = decodeURIComponent(u.password);
      u.password = '';
    }
    full.push(`--dbname=${u.toString()}`);
  }
  const command = tools.pgBinDir ? join(tools.pgBinDir, tool) : tool;
  return new Promise((resolveRun, reject) => {
    execFile(command, full, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT')
        reject(new AppError('backup_tool_missing', undefined, `${command} not found`));
      else if (error) reject(new Error(`${tool}: ${stderr.trim() || error.message}`));
      else resolveRun(stdout);
    });
  });
}

function tempBeside(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
