/**
 * The MySQL / MariaDB connector (mysql2): `url` (mysql://user@host:port/database), the password in `secret`
 * (or the URL), the database in `schema` (or the URL's path). Reads run in READ ONLY transactions; a statement
 * may take `timeoutSeconds` (MariaDB's `max_statement_time`, MySQL's `max_execution_time`, and the lock waits)
 * before it fails with `system_timeout`. Dates come back as the server writes them (YYYY-MM-DD).
 */
import mysql from 'mysql2/promise';
import { AppError } from '../../base/errors.ts';
import type { ColumnDescription, ConnectionSettings, Connector, TableDescription } from './connector.ts';
import { sqlConnector } from './sql-connector.ts';
import {
  guarded,
  quoteWith,
  type SqlDriver,
  type SqlParam,
  type SqlSession,
  splitName,
  textRow,
  unreachableNetworkCodes,
} from './sql-driver.ts';

const quote = quoteWith('`');

const authErrors = new Set([1044, 1045, 1251, 1698]);
const readOnlyErrors = new Set([1036, 1142, 1143, 1290, 1792]);
const timeoutErrors = new Set([1205, 1969, 3024]);
/** Foreign key, not null, duplicate key, check constraint. */
const constraintErrors = new Set([1048, 1062, 1216, 1217, 1451, 1452, 3819, 4025]);
/** Data too long, out of range, a value the column's type cannot take. */
const typeErrors = new Set([1264, 1292, 1366, 1406]);

function mapError(error: unknown): AppError | undefined {
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === 'string' && unreachableNetworkCodes.has(code)) return new AppError('system_unreachable');
  if (typeof errno !== 'number') return undefined;
  if (authErrors.has(errno)) return new AppError('system_auth_failed');
  if (errno === 1049) return new AppError('system_unreachable', undefined, 'The database of the system does not exist.');
  if (errno === 1146) return new AppError('system_table_missing');
  if (errno === 1054) return new AppError('system_column_missing');
  if (readOnlyErrors.has(errno)) return new AppError('system_read_only');
  if (timeoutErrors.has(errno)) return new AppError('system_timeout');
  if (constraintErrors.has(errno)) return new AppError('system_constraint');
  if (typeErrors.has(errno)) return new AppError('system_column_type');
  return undefined;
}

export function mysqlDriver(pool: mysql.Pool, database: string, opts: { mariadb: boolean; timeoutSeconds: number }): SqlDriver {
  const prepared = new WeakSet<object>();
  const session = (conn: mysql.PoolConnection): SqlSession => ({
    query: async (sql, params = []) => {
      const [rows] = await conn.query(sql, params as SqlParam[]);
      return (rows as Record<string, unknown>[]).map(textRow);
    },
    execute: async (sql, params = []) => {
      const [result] = await conn.query(sql, params as SqlParam[]);
      return (result as mysql.ResultSetHeader).affectedRows;
    },
  });
  const run = async <T>(begin: string, fn: (s: SqlSession) => Promise<T>): Promise<T> => {
    const conn = await pool.getConnection();
    let broken = false;
    try {
      if (!prepared.has(conn.connection)) {
        const n = Math.max(1, Math.round(opts.timeoutSeconds));
        await conn.query('set session lock_wait_timeout = ?, innodb_lock_wait_timeout = ?', [n, n]);
        if (opts.mariadb) await conn.query('set session max_statement_time = ?', [n]);
        else await conn.query('set session max_execution_time = ?', [n * 1000]);
        prepared.add(conn.connection);
      }
      await conn.query(begin);
      try {
        const result = await fn(session(conn));
        await conn.query('commit');
        return result;
      } catch (error) {
        await conn.query('rollback').catch(() => {
          broken = true;
        });
        throw error;
      }
    } finally {
      if (broken) conn.destroy();
      else conn.release();
    }
  };
  return {
    param: () => '?',
    quote,
    table: (name) => {
      const [s, t] = splitName(name);
      return `${quote(s ?? database)}.${quote(t)}`;
    },
    distinct: (column, param) => `not (${column} <=> ${param})`,
    digits: (column) => `regexp_replace(${column}, '[^0-9]', '')`,
    text: (column) => `cast(${column} as char)`,
    isText: (type) => /char|text/i.test(type),
    read: (fn) => run('start transaction read only', fn),
    write: (fn) => run('start transaction', fn),
    catalog: async (s, schemaName) => {
      const db = schemaName ?? database;
      const columns = await s.query(
        `select c.table_name as t, c.column_name as c, c.column_type as type, c.is_nullable as nullable, c.column_key as ck,
           tb.table_rows as n
         from information_schema.columns c
         join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name
         where c.table_schema = ? and tb.table_type = 'BASE TABLE' order by c.table_name, c.ordinal_position`,
        [db],
      );
      const fks = await s.query(
        `select table_name as t, column_name as c, referenced_table_name as ref, referenced_column_name as refcol
         from information_schema.key_column_usage where table_schema = ? and referenced_table_name is not null`,
        [db],
      );
      const tables = new Map<string, TableDescription>();
      for (const row of columns) {
        let t = tables.get(row.t!);
        if (!t) {
          t = { table: row.t!, columns: [] };
          if (row.n !== null && row.n !== undefined) t.rows = Number(row.n);
          tables.set(row.t!, t);
        }
        const column: ColumnDescription = { name: row.c!, type: row.type!, nullable: row.nullable === 'YES', primaryKey: row.ck === 'PRI' };
        const fk = fks.find((f) => f.t === row.t && f.c === row.c);
        if (fk?.ref && fk.refcol) column.references = { table: fk.ref, column: fk.refcol };
        t.columns.push(column);
      }
      return [...tables.values()];
    },
    mapError,
    close: () => pool.end(),
  };
}

/** Opens a MySQL or MariaDB system and checks that it answers (and accepts the account) before anything else. */
export async function openMysql(settings: ConnectionSettings, opts: { code: string }): Promise<Connector> {
  const invalid = () =>
    new AppError('system_settings_invalid', undefined, 'A MySQL system needs a mysql:// URL with its database (url, schema).');
  let url: URL;
  try {
    url = new URL(settings.url ?? '');
  } catch {
    throw invalid();
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') throw invalid();
  const database = settings.schema ?? decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw invalid();
  const timeoutSeconds = settings.timeoutSeconds ?? 30;
  const pool = mysql.createPool({
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username),
    password: settings.secret ?? decodeURIComponent(url.password),
    database,
    connectionLimit: 4,
    connectTimeout: Math.round(timeoutSeconds * 1000),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
  });
  // An idle connection the server closes must not take the process down.
  pool.on('connection', (conn) => conn.on('error', () => {}));
  let mariadb = false;
  const probe = async () => {
    const [rows] = await pool.query('select version() as v');
    mariadb = /mariadb/i.test(String((rows as { v: unknown }[])[0]?.v));
  };
  try {
    await guarded({ mapError }, probe);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return sqlConnector(mysqlDriver(pool, database, { mariadb, timeoutSeconds }), opts);
}
