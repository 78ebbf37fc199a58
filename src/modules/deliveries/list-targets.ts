/** Reading the delivery targets register: the organization's targets with their status; never a secret. */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';
import { mayManageTargets, targetsReach } from './permissions.ts';
import { presentTarget, type TargetView } from './presenter.ts';

const COLUMNS = [
  'id',
  'code',
  'name',
  'kind',
  'recipient',
  'settings_public',
  'has_secret',
  'status',
  'last_checked_at',
  'last_error',
  'version',
  'created_at',
  'updated_at',
] as const;

export async function listTargets(db: DbOrTx, opts: { actor: StaffActor }): Promise<{ targets: TargetView[]; can_manage: boolean }> {
  const reach = targetsReach(opts.actor);
  const rows = await db.selectFrom('delivery_targets').select(COLUMNS).where('org_id', '=', opts.actor.orgId).orderBy('code').execute();
  return { targets: rows.map((r) => presentTarget(r, reach)), can_manage: mayManageTargets(opts.actor) };
}

/** One target of the actor's organization (`delivery_target_unknown` otherwise). */
export async function getTarget(db: DbOrTx, opts: { actor: StaffActor; code: string }): Promise<TargetView> {
  const reach = targetsReach(opts.actor);
  const row = await db
    .selectFrom('delivery_targets')
    .select(COLUMNS)
    .where('org_id', '=', opts.actor.orgId)
    .where('code', '=', opts.code)
    .executeTakeFirst();
  if (!row) throw new AppError('delivery_target_unknown');
  return presentTarget(row, reach);
}
