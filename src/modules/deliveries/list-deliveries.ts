/**
 * The deliveries on record, newest first: per origin (an anonymized release's deliveries), per target, or all of
 * the organization's; each with its rows, size, SHA-256, status and who or which job sent it.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';
import { assertMay } from './permissions.ts';
import { type DeliveryView, presentDelivery } from './presenter.ts';

export async function listDeliveries(
  db: DbOrTx,
  opts: { actor: StaffActor; originKind?: string; originId?: string; target?: string; limit?: number },
): Promise<{ deliveries: DeliveryView[] }> {
  assertMay(opts.actor, 'deliveries');
  if (opts.originId !== undefined && opts.originKind === undefined)
    throw new AppError('validation_failed', [
      { field: 'origin_kind', code: 'required', message_ja: '提供元の種類も指定してください。', message_en: 'Give the origin kind too.' },
    ]);
  let q = db
    .selectFrom('deliveries')
    .leftJoin('users', 'users.id', 'deliveries.actor_user_id')
    .selectAll('deliveries')
    .select('users.login as login')
    .where('deliveries.org_id', '=', opts.actor.orgId);
  if (opts.originKind !== undefined) q = q.where('deliveries.origin_kind', '=', opts.originKind);
  if (opts.originId !== undefined) q = q.where('deliveries.origin_id', '=', opts.originId);
  if (opts.target !== undefined) q = q.where('deliveries.target_code', '=', opts.target);
  const rows = await q
    .orderBy('deliveries.started_at', 'desc')
    .orderBy('deliveries.id')
    .limit(Math.min(opts.limit ?? 100, 500))
    .execute();
  return { deliveries: rows.map(presentDelivery) };
}
