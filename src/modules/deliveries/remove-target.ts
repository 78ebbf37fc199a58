/**
 * Removing a delivery target at the version the remover saw: its settings (and secret) go with the row; the
 * deliveries made to it stay on record under its code.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { appendAudit } from '../audit/append.ts';
import { assertMay } from './permissions.ts';

export async function removeTarget(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; version: number; via?: string },
): Promise<{ code: string; removed: true }> {
  assertMay(opts.actor, 'manage');
  const { actor } = opts;
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('delivery_targets')
      .select(['id', 'code', 'kind', 'version'])
      .where('org_id', '=', actor.orgId)
      .where('code', '=', opts.code)
      .executeTakeFirst();
    if (!row) throw new AppError('delivery_target_unknown');
    if (Number(row.version) !== opts.version) throw new AppError('version_conflict');
    const done = await tx.deleteFrom('delivery_targets').where('id', '=', row.id).where('version', '=', row.version).executeTakeFirst();
    if (Number(done.numDeletedRows) !== 1) throw new AppError('version_conflict');
    await appendAudit(
      tx,
      actor,
      {
        action: 'delivery_target.remove',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          target_id: row.id,
          target: row.code,
          target_kind: row.kind,
          version: Number(row.version),
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return { code: row.code, removed: true as const };
  });
}
