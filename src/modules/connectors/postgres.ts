/**
 * The PostgreSQL connector (pg): `url` (postgres://user@host:port/database), the password in `secret` (or the
 * URL), the tables in `schema` (default `public`). Reads run in READ ONLY transactions; each statement may take
 * `timeoutSeconds` (`statement_timeout`, default 30 s) before it fails with `system_timeout`. Values are read as
 * PostgreSQL writes them as text (dates YYYY-MM-DD), never converted to JavaScript dates.
 */
import pg from 'pg';
import { AppError } from '../../base/errors.ts';
import type { ColumnDescription, ConnectionSettings, Connector, TableDescription } from './connector.ts';
import { sqlConnector } from './sql-connector.ts';
import {
  guarded,
  quoteWith,
  refuseMamoriDatabase,
  type SqlDriver,
  type SqlSession,
  splitName,
  textRow,
  unreachableNetworkCodes,
} from './sql-driver.ts';

const quote = quoteWith('"');
const BOOL_OID = 16;

/** Every value as PostgreSQL's own text (booleans as true/false). */
const textTypes = {
  getTypeParser: (oid: number) => (oid === BOOL_OID ? (v: string) => (v === 't' ? 'true' : 'false') : (v: string) => v),
} as unknown as pg.CustomTypesConfig;

function mapError(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : '';
  if (typeof code === 'string') {
    if (unreachableNetworkCodes.has(code)) return new AppError('system_unreachable');
    if (code === '28P01' || code === '28000') return new AppError('system_auth_failed');
    if (code === '3D000') return new AppError('system_unreachable', undefined, 'The database of the system does not exist.');
    if (code === '57014' || code === '55P03') return new AppError('system_timeout');
    if (code === '42P01' || code === '3F000') return new AppError('system_table_missing');
    if (code === '42703') return new AppError('system_column_missing');
    if (code === '25006' || code === '42501') return new AppError('system_read_only');
    if (code.startsWith('08')) return new AppError('system_unreachable');
    // A value the column cannot hold (too long, not a number).
    if (code === '22001' || code === '22P02' || code === '22003' || code === '22007' || code === '22008')
      return new AppError('system_column_type');
    if (code.startsWith('23')) return new AppError('system_constraint');
    return undefined;
  }
  // pg's own errors without a code: the connection timed out or was cut.
  if (/timeout|terminated|connection/i.test(message)) return new AppError('system_unreachable');
  return undefined;
}

export function postgresDriver(pool: pg.Pool, schema: string): SqlDriver {
  const session = (client: pg.PoolClient): SqlSession => ({
    query: async (sql, params = []) => (await client.query(sql, params as unknown[])).rows.map(textRow),
    execute: async (sql, params = []) => (await client.query(sql, params as unknown[])).rowCount ?? 0,
  });
  const run = async <T>(begin: string, fn: (s: SqlSession) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      try {
        const result = await fn(session(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {
          broken = true;
        });
        throw error;
      }
    } finally {
      client.release(broken);
    }
  };
  const table = (name: string) => {
    const [s, t] = splitName(name);
    return `${quote(s ?? schema)}.${quote(t)}`;
  };
  return {
    param: (n) => `$${n}`,
    quote,
    table,
    distinct: (column, param) => `${column} is distinct from ${param}`,
    digits: (column) => `regexp_replace(${column}::text, '[^0-9]', '', 'g')`,
    text: (column) => `${column}::text`,
    isText: (type) => /^(text|character|varchar|char|citext|name)\b/i.test(type),
    read: (fn) => run('begin transaction read only', fn),
    write: (fn) => run('begin', fn),
    catalog: async (s, schemaName) => {
      const ns = schemaName ?? schema;
      const columns = await s.query(
        `select c.table_name as t, c.column_name as c, c.data_type as type, c.is_nullable as nullable
         from information_schema.columns c
         join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name
         where c.table_schema = $1 and tb.table_type = 'BASE TABLE' order by c.table_name, c.ordinal_position`,
        [ns],
      );
      // Keys from pg_catalog: information_schema shows another owner's constraints only partly.
      const keys = await s.query(
        `select cl.relname as t, a.attname as c, con.contype as kind, rcl.relname as ref, ra.attname as refcol
         from pg_constraint con
         join pg_class cl on cl.oid = con.conrelid
         join pg_namespace n on n.oid = cl.relnamespace
         cross join lateral unnest(con.conkey, con.confkey) as k(attnum, refnum)
         join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
         left join pg_class rcl on rcl.oid = con.confrelid
         left join pg_attribute ra on ra.attrelid = con.confrelid and ra.attnum = k.refnum
         where n.nspname = $1 and con.contype in ('p', 'f')`,
        [ns],
      );
      const estimates = await s.query(
        `select cl.relname as t, cl.reltuples::bigint as n from pg_class cl join pg_namespace n on n.oid = cl.relnamespace
         where n.nspname = $1 and cl.relkind in ('r', 'p')`,
        [ns],
      );
      const tables = new Map<string, TableDescription>();
      for (const row of columns) {
        let t = tables.get(row.t!);
        if (!t) {
          t = { table: row.t!, columns: [] };
          const n = Number(estimates.find((e) => e.t === row.t)?.n ?? -1);
          if (n >= 0) t.rows = n;
          tables.set(row.t!, t);
        }
        const column: ColumnDescription = { name: row.c!, type: row.type!, nullable: row.nullable === 'YES', primaryKey: false };
        for (const k of keys.filter((k) => k.t === row.t && k.c === row.c)) {
          if (k.kind === 'p') column.primaryKey = true;
          else if (k.ref && k.refcol) column.references = { table: k.ref, column: k.refcol };
        }
        t.columns.push(column);
      }
      return [...tables.values()];
    },
    mapError,
    close: () => pool.end(),
  };
}

/** Opens a PostgreSQL system and checks that it answers (and accepts the account) before anything else. */
export async function openPostgres(settings: ConnectionSettings, opts: { code: string }): Promise<Connector> {
  let url: URL;
  try {
    url = new URL(settings.url ?? '');
  } catch {
    throw new AppError('system_settings_invalid', undefined, 'A PostgreSQL system needs a postgres:// URL (url).');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new AppError('system_settings_invalid', undefined, 'A PostgreSQL system needs a postgres:// URL (url).');
  // The password in `secret` wins over one in the URL (pg lets the URL's values win over separate options).
  if (settings.secret !== undefined) url.password = encodeURIComponent(settings.secret);
  const ms = Math.round((settings.timeoutSeconds ?? 30) * 1000);
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: 4,
    statement_timeout: ms,
    lock_timeout: ms,
    connectionTimeoutMillis: ms,
    idleTimeoutMillis: 10_000,
    types: textTypes,
  });
  // An idle connection the server closes must not take the process down.
  pool.on('error', () => {});
  const driver = postgresDriver(pool, settings.schema ?? 'public');
  try {
    await guarded(driver, () => driver.read((s) => s.query('select 1 as ok')));
    // Every schema of the database the account can reach: a map may name `schema.table`.
    await refuseMamoriDatabase(driver, "select table_schema from information_schema.tables where table_name = 'audit_head' limit 1");
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return sqlConnector(driver, opts);
}
