/**
 * Reading the register of pseudonymized data sets: the definitions as a privacy officer or an analyst reads them.
 * Never the key (sealed, server-only) and never data: a set's rows exist only in a production's stream.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import { fieldTreatments, type PseudonymizedSetView } from '../../contract/pseudonymized-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { PseudonymizedSetTable } from '../../db/schema.ts';
import { readReach } from './permissions.ts';
import type { SetColumn } from './standards.ts';

/** A data set as the API shows it. */
export type SetView = PseudonymizedSetView;

export const columnsOf = (row: Pick<PseudonymizedSetTable, 'columns'>): SetColumn[] => JSON.parse(row.columns) as SetColumn[];
export const purposesOf = (row: Pick<PseudonymizedSetTable, 'purposes'>): string[] => JSON.parse(row.purposes) as string[];

/** The purpose codes the actor's role is granted in its organization. */
export async function heldPurposes(db: DbOrTx, actor: StaffActor): Promise<Set<string>> {
  const rows = await db
    .selectFrom('role_purposes')
    .innerJoin('purposes', 'purposes.id', 'role_purposes.purpose_id')
    .select('purposes.code')
    .where('role_purposes.role_id', '=', actor.roleId)
    .where('purposes.org_id', '=', actor.orgId)
    .where('purposes.status', '=', 'active')
    .execute();
  return new Set(rows.map((r) => r.code));
}

function present(row: PseudonymizedSetTable, held: Set<string>): SetView {
  const purposes = purposesOf(row);
  return {
    code: row.code,
    name: row.name,
    description: row.description,
    purposes,
    columns: columnsOf(row).map((c) => ({ ...c, class: fieldTreatments[c.field].class })),
    status: row.status,
    version: Number(row.version),
    created_at: row.created_at,
    updated_at: row.updated_at,
    usable_purposes: purposes.filter((p) => held.has(p)),
  };
}

/**
 * The sets the actor may read: every set for the privacy office and auditors; for other roles, the sets declared
 * for a purpose their role holds (the ones they may produce).
 */
export async function listSets(db: DbOrTx, opts: { actor: StaffActor; status?: 'active' | 'all' }): Promise<{ sets: SetView[] }> {
  const reach = readReach(opts.actor);
  let q = db.selectFrom('pseudonymized_sets').selectAll().where('org_id', '=', opts.actor.orgId);
  if (opts.status !== 'all') q = q.where('status', '=', 'active');
  const [rows, held] = await Promise.all([q.orderBy('code').execute(), heldPurposes(db, opts.actor)]);
  const views = rows.map((r) => present(r, held));
  return { sets: reach === 'all' ? views : views.filter((v) => v.usable_purposes.length > 0) };
}

/** The set's row in the actor's organization; `pseudonymized_set_unknown` when there is none. */
export async function findSetRow(db: DbOrTx, orgId: string, code: string): Promise<PseudonymizedSetTable> {
  const row = await db.selectFrom('pseudonymized_sets').selectAll().where('org_id', '=', orgId).where('code', '=', code).executeTakeFirst();
  if (!row) throw new AppError('pseudonymized_set_unknown');
  return row;
}

/** One set, as `listSets` would show it; a set the actor may not read is unknown to them. */
export async function getSet(db: DbOrTx, opts: { actor: StaffActor; code: string }): Promise<SetView> {
  const reach = readReach(opts.actor);
  const [row, held] = await Promise.all([findSetRow(db, opts.actor.orgId, opts.code), heldPurposes(db, opts.actor)]);
  const view = present(row, held);
  if (reach === 'by_purpose' && view.usable_purposes.length === 0) throw new AppError('pseudonymized_set_unknown');
  return view;
}
