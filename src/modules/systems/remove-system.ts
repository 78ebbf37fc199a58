/**
 * Removing a system from the register, at the version the remover saw: its connection settings (and secret) are
 * deleted with the row; the dataset map in the policy is not touched (it is versioned with the policy).
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { appendAudit } from '../audit/append.ts';
import { assertMayManage } from './permissions.ts';
import { loadForChange } from './update-system.ts';

export async function removeSystem(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; version: number; via?: string },
): Promise<{ code: string; removed: true }> {
  assertMayManage(opts.actor);
  const { actor } = opts;
  return ctx.db.transaction().execute(async (tx) => {
    const row = await loadForChange(tx, actor, opts.code, opts.version);
    const done = await tx.deleteFrom('connected_systems').where('id', '=', row.id).where('version', '=', row.version).executeTakeFirst();
    if (Number(done.numDeletedRows) !== 1) throw new AppError('version_conflict');
    await appendAudit(
      tx,
      actor,
      {
        action: 'system.remove',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          system_id: row.id,
          code: row.code,
          system_kind: row.kind,
          version: Number(row.version),
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return { code: row.code, removed: true as const };
  });
}
