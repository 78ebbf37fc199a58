/**
 * Reads a connected system's sample for discovery: through its connector (`openConnector`, connectors/kinds.ts)
 * when one is registered for its kind, which also names each table's primary key (`describe`); until the
 * kinds' connectors land, through the read-only samplers discovery began with (a SQLite file, a PostgreSQL
 * schema). The sample stays in memory for the proposals and is dropped with them: no value leaves this file
 * but as a share in a proposal's reasons.
 */
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../base/errors.ts';
import type { ColumnSample } from '../connectors/detect.ts';
import { openConnector } from '../connectors/kinds.ts';
import { samplePostgres } from '../connectors/postgres-sample.ts';
import { sampleSqliteFile } from '../connectors/sqlite-sample.ts';
import type { SystemConnection } from '../systems/read-connection.ts';

export interface SystemSample {
  columns: ColumnSample[];
  /** Each table's primary key column, where the system declares one. */
  keys: Record<string, string>;
}

/** How discovery reads a system: replaceable in tests, the connector's way by default. */
export type SampleSystem = (connection: SystemConnection) => Promise<SystemSample>;

/** The registry's answer for a kind without a connector yet (connectors/kinds.ts). */
const noConnector = (e: unknown) =>
  e instanceof AppError && e.code === 'system_settings_invalid' && e.message.startsWith('No connector for kind');

export const sampleSystem: SampleSystem = async (connection) => {
  let connector: Awaited<ReturnType<typeof openConnector>>;
  try {
    connector = await openConnector(connection.kind, connection.settings, { code: connection.code });
  } catch (e) {
    if (noConnector(e)) return sampleDirectly(connection);
    throw e;
  }
  try {
    const tables = await connector.describe();
    const keys: Record<string, string> = {};
    for (const t of tables) {
      const pk = t.columns.filter((c) => c.primaryKey);
      if (pk.length === 1) keys[t.table] = pk[0]!.name;
    }
    return { columns: await connector.sample(), keys };
  } finally {
    await connector.close();
  }
};

/** The samplers of connectors/ (read-only), with their failures as connector error codes. */
async function sampleDirectly(connection: SystemConnection): Promise<SystemSample> {
  const { kind, settings } = connection;
  if (kind === 'sqlite') {
    if (!settings.file) throw new AppError('system_settings_invalid');
    try {
      return { columns: sampleSqliteFile(settings.file), keys: sqliteKeys(settings.file) };
    } catch (e) {
      throw new AppError('system_unreachable', undefined, `SQLite file: ${(e as Error).message}`);
    }
  }
  if (kind === 'postgres') {
    if (!settings.url) throw new AppError('system_settings_invalid');
    try {
      return { columns: await samplePostgres(settings.url, settings.schema ? { schema: settings.schema } : {}), keys: {} };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === '28P01' || code === '28000') throw new AppError('system_auth_failed');
      if (code === '57014') throw new AppError('system_timeout');
      throw new AppError('system_unreachable', undefined, `PostgreSQL: ${(e as Error).message}`);
    }
  }
  throw new AppError('system_settings_invalid', undefined, `Discovery cannot read a ${kind} system yet.`);
}

function sqliteKeys(file: string): Record<string, string> {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `select m.name as tbl, p.name as col from sqlite_master m join pragma_table_info(m.name) p
         where m.type = 'table' and m.name not like 'sqlite_%' and p.pk = 1
         and (select count(*) from pragma_table_info(m.name) q where q.pk > 0) = 1`,
      )
      .all() as { tbl: string; col: string }[];
    return Object.fromEntries(rows.map((r) => [r.tbl, r.col]));
  } finally {
    db.close();
  }
}
