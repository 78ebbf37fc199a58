/**
 * 接続確認: opens the system's connector (connectors/kinds.ts) with the stored settings, asks it to describe its
 * tables and, when the policy in effect maps the system, looks for every mapped table and column. The outcome
 * is recorded on the register (status `ok` or `failing`, the error code, the time) and in the audit trail — the
 * code only, never a message that might carry an address or an account. A failed check is an answer, not an
 * error of the request: the caller gets the status with the catalogue's messages.
 *
 * The connection is made outside any transaction of mamori's database (a slow system must not hold one open),
 * and given `timeoutSeconds` (default 15) before it counts as `system_timeout`.
 */
import { existsSync } from 'node:fs';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError, type ErrorCode } from '../../base/errors.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { type ConnectorErrorCode, connectorErrorCodes, type TableDescription } from '../connectors/connector.ts';
import { openConnector } from '../connectors/kinds.ts';
import type { PolicySystem } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { getSystem } from './list-systems.ts';
import { assertMayManage } from './permissions.ts';
import { errorView, type SystemView } from './presenter.ts';
import { readConnection } from './read-connection.ts';

const DEFAULT_TIMEOUT_SECONDS = 15;

export interface CheckResult {
  ok: boolean;
  /** Tables the system declared (when it could be described). */
  tables?: number;
  /** What failed: the catalogue's code and messages. */
  error?: { code: string; message_ja: string; message_en: string };
  /** The mapped table or column that is missing, by name (never a value). */
  missing?: string;
}

/** The codes a check records: a connector's, or the settings' own. */
const recordable = new Set<string>([...connectorErrorCodes, 'system_settings_invalid']);

const lastPart = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase();

/** The first table or column of the map the system does not declare. */
export function missingFromMap(map: PolicySystem, described: TableDescription[]): { code: ConnectorErrorCode; name: string } | null {
  const byName = new Map<string, TableDescription>();
  for (const t of described) {
    byName.set(t.table.toLowerCase(), t);
    if (!byName.has(lastPart(t.table))) byName.set(lastPart(t.table), t);
  }
  for (const table of map.tables) {
    const found = byName.get(table.table.toLowerCase()) ?? byName.get(lastPart(table.table));
    if (!found) return { code: 'system_table_missing', name: table.table };
    const columns = new Set(found.columns.map((c) => c.name.toLowerCase()));
    const needed = [table.key, table.link?.column, table.via?.column, ...table.columns.map((c) => c.column)];
    for (const column of needed) {
      if (column && !columns.has(column.toLowerCase())) return { code: 'system_column_missing', name: `${table.table}.${column}` };
    }
  }
  return null;
}

async function withTimeout<T>(seconds: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('system_timeout')), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects and describes; throws the AppError that says why it could not. */
async function probe(ctx: AppContext, orgId: string, code: string): Promise<{ described: TableDescription[] }> {
  const connection = await readConnection(ctx.db, ctx.keys, orgId, code);
  const { settings } = connection;
  // Opening a SQLite file that is not there would create an empty one: a typo must not leave files behind.
  if (connection.kind === 'sqlite' && settings.file && !existsSync(settings.file))
    throw new AppError('system_unreachable', undefined, 'The SQLite file does not exist.');
  const seconds = settings.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const connector = await withTimeout(seconds, openConnector(connection.kind, settings, { code }));
  try {
    return { described: await withTimeout(seconds, connector.describe()) };
  } finally {
    await connector.close().catch(() => undefined);
  }
}

export async function checkSystem(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; via?: string },
): Promise<{ system: SystemView; check: CheckResult }> {
  assertMayManage(opts.actor);
  const { actor } = opts;
  const row = await ctx.db
    .selectFrom('connected_systems')
    .select(['id', 'code', 'kind', 'version'])
    .where('org_id', '=', actor.orgId)
    .where('code', '=', opts.code)
    .executeTakeFirst();
  if (!row) throw new AppError('system_unknown');

  let errorCode: string | null = null;
  let tables: number | undefined;
  let missing: string | undefined;
  try {
    const { described } = await probe(ctx, actor.orgId, row.code);
    tables = described.length;
    const map = (await policyInEffect(ctx.db, actor.orgId))?.document.systems.find((s) => s.code === row.code);
    const gap = map ? missingFromMap(map, described) : null;
    if (gap) {
      errorCode = gap.code;
      missing = gap.name;
    }
  } catch (error) {
    // An error no connector names (a driver's own) is recorded as unreachable; its text is never stored.
    errorCode = error instanceof AppError && recordable.has(error.code) ? error.code : 'system_unreachable';
  }

  const now = ctx.clock();
  const system = await ctx.db.transaction().execute(async (tx) => {
    // Only on the settings that were checked: a change saved meanwhile stays `unchecked`.
    await tx
      .updateTable('connected_systems')
      .set({ status: errorCode ? 'failing' : 'ok', last_error: errorCode, last_checked_at: iso(now) })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .execute();
    await appendAudit(
      tx,
      actor,
      {
        action: 'system.check',
        outcome: errorCode ? 'failed' : 'ok',
        orgId: actor.orgId,
        detail: {
          system_id: row.id,
          code: row.code,
          system_kind: row.kind,
          ...(errorCode ? { error_code: errorCode } : {}),
          ...(tables !== undefined ? { tables } : {}),
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return getSystem(tx, { actor, code: row.code });
  });
  const check: CheckResult = errorCode
    ? { ok: false, error: errorView(errorCode as ErrorCode)!, ...(tables !== undefined ? { tables } : {}), ...(missing ? { missing } : {}) }
    : { ok: true, ...(tables !== undefined ? { tables } : {}) };
  return { system, check };
}
