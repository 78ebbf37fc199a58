/**
 * Changing a registered system at the version the editor saw: its name, kind or settings (the settings are
 * replaced as a whole). The secret is write-only: omitted, the stored one is kept; `null` clears it; a new value
 * (or a password written inside a new URL) replaces it. A change of settings or secret makes the status
 * `unchecked` again: the last check said nothing about the new ones.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { Tx } from '../../db/database.ts';
import type { ConnectedSystemTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { ConnectionSettings } from '../connectors/connector.ts';
import { getSystem } from './list-systems.ts';
import { assertMayManage } from './permissions.ts';
import type { SystemView } from './presenter.ts';
import type { UpdateSystemInput } from './schemas.ts';
import { normaliseSettings, openSettings, publicSettings, sealSettings } from './settings.ts';

/** Loads a system of the actor's organization for a change, at the version the editor saw. */
export async function loadForChange(tx: Tx, actor: StaffActor, code: string, version: number): Promise<ConnectedSystemTable> {
  const row = await tx
    .selectFrom('connected_systems')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw new AppError('system_unknown');
  if (Number(row.version) !== version) throw new AppError('version_conflict');
  return row;
}

/** Names of the shown settings that differ (the secret is counted apart). */
function changedSettings(before: ConnectionSettings, after: ConnectionSettings): string[] {
  const a = publicSettings(before) as Record<string, unknown>;
  const b = publicSettings(after) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}

export async function updateSystem(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; input: UpdateSystemInput; via?: string },
): Promise<SystemView> {
  assertMayManage(opts.actor);
  const { actor, input } = opts;
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const row = await loadForChange(tx, actor, opts.code, input.version);
    const stored = openSettings(ctx.keys, row.settings_enc);
    const kind = input.kind ?? row.kind;
    // A new kind needs settings of its own: the stored ones are checked against it when none are given.
    const fresh =
      input.settings !== undefined || kind !== row.kind
        ? normaliseSettings(kind, input.settings ?? { ...publicSettings(stored.settings), url: stored.settings.url })
        : { settings: stored.settings };
    let secret = stored.secret;
    if (input.secret === null) secret = undefined;
    else if (input.secret !== undefined) secret = input.secret;
    else if (fresh.urlPassword !== undefined) secret = fresh.urlPassword;
    const secretChange: 'set' | 'kept' | 'cleared' = secret === stored.secret ? 'kept' : secret === undefined ? 'cleared' : 'set';

    const changed = changedSettings(stored.settings, fresh.settings);
    if (input.name !== undefined && input.name !== row.name) changed.unshift('name');
    if (kind !== row.kind) changed.unshift('kind');
    // Nothing differs: no new version and no audit entry (saving an unchanged form is not a change).
    if (changed.length === 0 && secretChange === 'kept') return getSystem(tx, { actor, code: row.code });

    const connectionChanged = changed.some((c) => c !== 'name') || secretChange !== 'kept';
    const version = Number(row.version) + 1;
    const done = await tx
      .updateTable('connected_systems')
      .set({
        name: input.name ?? row.name,
        kind,
        ...sealSettings(ctx.keys, fresh.settings, secret),
        ...(connectionChanged ? { status: 'unchecked' as const, last_error: null } : {}),
        version,
        updated_at: iso(now),
      })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw new AppError('version_conflict');
    await appendAudit(
      tx,
      actor,
      {
        action: 'system.update',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          system_id: row.id,
          code: row.code,
          system_kind: kind,
          version,
          changed,
          secret: secretChange,
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return getSystem(tx, { actor, code: row.code });
  });
}
