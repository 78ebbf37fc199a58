/**
 * The SQLite connector (better-sqlite3): the system is a database file (`file` setting). Every read — describe,
 * sample, select, plan, verify — opens the file read-only; only `apply` opens it for writing, in one
 * `begin immediate` transaction. A locked file waits `timeoutSeconds` (busy timeout) and then fails with
 * `system_timeout`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join, resolve, sep } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../base/errors.ts';
import type { ColumnDescription, ConnectionSettings, Connector, TableDescription } from './connector.ts';
import { sqlConnector } from './sql-connector.ts';
import { guarded, quoteWith, refuseMamoriDatabase, type SqlDriver, type SqlSession, splitName, textRow } from './sql-driver.ts';

const quote = quoteWith('"');

function session(db: BetterSqlite3.Database): SqlSession {
  return {
    query: async (sql, params = []) => (db.prepare(sql).all(...params) as Record<string, unknown>[]).map(textRow),
    execute: async (sql, params = []) => db.prepare(sql).run(...params).changes,
  };
}

function mapError(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_NOTADB') return new AppError('system_unreachable');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new AppError('system_timeout');
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH'))
    return new AppError('system_read_only');
  if (code.startsWith('SQLITE_CONSTRAINT')) return new AppError('system_constraint');
  if (/no such table/i.test(message)) return new AppError('system_table_missing');
  if (/no such column/i.test(message)) return new AppError('system_column_missing');
  return undefined;
}

/** A driver over one SQLite file: a connection per transaction, so that concurrent calls never share one. */
export function sqliteDriver(file: string, timeoutSeconds = 30): SqlDriver {
  const open = (readonly: boolean) => {
    const db = new BetterSqlite3(file, { readonly, fileMustExist: true, timeout: timeoutSeconds * 1000 });
    // The foreign keys the schema declares hold for mamori's writes, whether or not the system's own program enforces them.
    if (!readonly) db.pragma('foreign_keys = on');
    db.function('mamori_digits', { deterministic: true }, (v: unknown) => (v === null ? null : String(v).replace(/\D/g, '')));
    return db;
  };
  const run = async <T>(readonly: boolean, fn: (s: SqlSession) => Promise<T>): Promise<T> => {
    const db = open(readonly);
    try {
      db.exec(readonly ? 'begin' : 'begin immediate');
      try {
        const result = await fn(session(db));
        db.exec('commit');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('rollback');
        throw error;
      }
    } finally {
      db.close();
    }
  };
  return {
    param: () => '?',
    quote,
    table: (name) => {
      const [schema, table] = splitName(name);
      return schema ? `${quote(schema)}.${quote(table)}` : quote(table);
    },
    // `is not` compares nulls as values in SQLite.
    distinct: (column, param) => `${column} is not ${param}`,
    digits: (column) => `mamori_digits(${column})`,
    text: (column) => `cast(${column} as text)`,
    // Type affinity: a declared type naming CHAR, CLOB or TEXT is text; a column declared without a type takes anything.
    isText: (type) => type.trim() === '' || /char|clob|text/i.test(type),
    read: (fn) => run(true, fn),
    write: (fn) => run(false, fn),
    catalog: async (s, schemaName) => {
      const schema = schemaName ?? 'main';
      const tables = await s.query(
        `select name from ${quote(schema)}.sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name`,
      );
      const out: TableDescription[] = [];
      for (const { name: tableName } of tables) {
        const name = tableName!;
        const info = await s.query('select name, type, "notnull" as nn, pk from pragma_table_info(?, ?) order by cid', [name, schema]);
        const fks = await s.query('select "from" as col, "table" as ref, "to" as refcol from pragma_foreign_key_list(?, ?)', [
          name,
          schema,
        ]);
        const columns: ColumnDescription[] = info.map((c) => {
          const fk = fks.find((f) => f.col === c.name);
          const column: ColumnDescription = { name: c.name!, type: c.type ?? '', nullable: c.nn === '0', primaryKey: c.pk !== '0' };
          // A foreign key without a column names the referenced table's primary key.
          if (fk?.ref) column.references = { table: fk.ref, column: fk.refcol ?? 'rowid' };
          return column;
        });
        for (const c of columns) {
          if (c.references && c.references.column === 'rowid') {
            const pk = await s.query('select name from pragma_table_info(?, ?) where pk = 1', [c.references.table, schema]);
            if (pk[0]?.name) c.references.column = pk[0].name;
          }
        }
        out.push({ table: name, columns });
      }
      return out;
    },
    mapError,
    close: async () => {},
  };
}

/** Opens a SQLite system: the file must exist and be a database (read-only check). */
/**
 * The folders a SQLite system's file may be in: `MAMORI_SQLITE_SYSTEM_DIRS` (separated as PATH is), by default
 * `<MAMORI_DATA_DIR>/systems`. Without this an officer could name any file the server can read — mamori's own
 * database among them — as a "system" and read or write it past the access engine.
 */
export function sqliteSystemRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env.MAMORI_SQLITE_SYSTEM_DIRS?.split(delimiter).filter((d) => d.trim() !== '');
  return (listed?.length ? listed : [join(env.MAMORI_DATA_DIR ?? './data', 'systems')]).map((d) => resolve(d));
}

/** The file's real path when it lies inside one of the roots (symbolic links followed); refuses it otherwise. */
export function allowedSqliteFile(file: string, roots: readonly string[] = sqliteSystemRoots()): string {
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));
  const target = real(resolve(file));
  const inside = roots.some((root) => {
    const r = real(root);
    return target.startsWith(r.endsWith(sep) ? r : r + sep);
  });
  if (!inside) throw new AppError('system_file_not_allowed', undefined, `The SQLite file is outside ${roots.join(', ')}.`);
  return target;
}

export async function openSqlite(settings: ConnectionSettings, opts: { code: string }): Promise<Connector> {
  if (typeof settings.file !== 'string' || !settings.file.trim())
    throw new AppError('system_settings_invalid', undefined, 'A SQLite system needs the path of its file (file).');
  const driver = sqliteDriver(allowedSqliteFile(settings.file), settings.timeoutSeconds);
  await guarded(driver, () => driver.read((s) => s.query('select count(*) as n from sqlite_master')));
  await refuseMamoriDatabase(driver, "select name from sqlite_master where type = 'table' and name = 'audit_head'");
  return sqlConnector(driver, opts);
}
