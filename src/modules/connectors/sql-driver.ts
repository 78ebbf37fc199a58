/**
 * The little a database connector needs from its driver (better-sqlite3, pg, mysql2): quoting, parameters,
 * transactions, the catalogue and the driver's errors as connector error codes. Everything else — walking the
 * dataset map, planning, applying, verifying — is written once over this in sql-connector.ts, so that a new
 * database kind is one file implementing `SqlDriver`.
 */
import { AppError } from '../../base/errors.ts';
import type { TableDescription } from './connector.ts';

/** A value sent as a parameter: the connectors send text (or null) and let the database convert it to the column's type. */
export type SqlParam = string | number | null;
/** A row as the connectors read it: every column as text or null. */
export type TextRow = Record<string, string | null>;

/** One transaction on the system. */
export interface SqlSession {
  /** Rows of a query, each column as text or null (dates as YYYY-MM-DD). */
  query(sql: string, params?: readonly SqlParam[]): Promise<TextRow[]>;
  /** Runs a write; resolves with the number of rows it changed. */
  execute(sql: string, params?: readonly SqlParam[]): Promise<number>;
}

export interface SqlDriver {
  /** The n-th parameter's placeholder (1-based): `$1` on PostgreSQL, `?` elsewhere. */
  param(n: number): string;
  /** An identifier, quoted. */
  quote(name: string): string;
  /** A table of the map (`orders` or `sales.orders`), quoted and qualified by the configured schema. */
  table(name: string): string;
  /** SQL that is true when the column's value differs from the parameter, null being a value like any other. */
  distinct(column: string, param: string): string;
  /** The column's value with every character but the digits removed (phone numbers compared by digits). */
  digits(column: string): string;
  /** The column's value as text (a link column that is not text compared with the person's identity). */
  text(column: string): string;
  /** Whether a column of this declared type holds text (a mask can only be written to text). */
  isText(type: string): boolean;
  /** Runs `fn` in a read-only transaction. */
  read<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  /** Runs `fn` in one read-write transaction, committed when it resolves. */
  write<T>(fn: (s: SqlSession) => Promise<T>): Promise<T>;
  /** The tables of a schema (the configured one when `schema` is null), with columns, keys and foreign keys. */
  catalog(s: SqlSession, schema: string | null): Promise<TableDescription[]>;
  /** The connector error a driver error means, or undefined for an error that is not the system's (a bug). */
  mapError(error: unknown): AppError | undefined;
  close(): Promise<void>;
}

/** A value read from any of the drivers, as the connectors hand it on: text, or null. */
export function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value);
}

export function textRow(row: Record<string, unknown>): TextRow {
  const out: TextRow = {};
  for (const [k, v] of Object.entries(row)) out[k] = asText(v);
  return out;
}

/** `schema.table` → ['schema', 'table']; `table` → [null, 'table']. */
export function splitName(name: string): [string | null, string] {
  const dot = name.indexOf('.');
  return dot < 0 ? [null, name] : [name.slice(0, dot), name.slice(dot + 1)];
}

/** `"name"` with inner quotes doubled (PostgreSQL, SQLite); MySQL passes its backtick. */
export const quoteWith =
  (mark: string) =>
  (name: string): string =>
    `${mark}${name.replaceAll(mark, mark + mark)}${mark}`;

/**
 * Runs a driver call and turns what the driver throws into the connector's error codes. The message is the
 * catalogue's (or one naming a table or column), never the driver's: a driver may echo the connection string.
 */
export async function guarded<T>(driver: Pick<SqlDriver, 'mapError'>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const mapped = driver.mapError(error);
    if (mapped) throw mapped;
    throw error;
  }
}

/**
 * A mamori database is never a connected system: its audit chain's head (`audit_head`) among the tables the
 * system's account can reach says so. Registering mamori's own database as a "system" would read and write its
 * members past the access engine. `query` lists such tables in the kind's catalogue.
 */
export async function refuseMamoriDatabase(driver: SqlDriver, query: string): Promise<void> {
  const rows = await guarded(driver, () => driver.read((s) => s.query(query)));
  if (rows.length > 0) throw new AppError('system_is_mamori');
}

/** Error codes of the network and the resolver that mean the system cannot be reached. */
export const unreachableNetworkCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
]);
