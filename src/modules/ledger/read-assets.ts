/**
 * Reading the ledger: the list (filtered by department, overdue review, 要配慮, name or number) and one asset
 * with its review history. Both are bounded by the reader's scope (see permissions.ts); neither holds
 * personal data (the ledger describes data, it does not contain it), so reads are not audited.
 */
import { sql } from 'kysely';
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import { DUE_SOON_DAYS } from '../../contract/ledger-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { LedgerAssetTable, LedgerReviewTable, LedgerRiskTable } from '../../db/schema.ts';
import { canWrite, type LedgerScope } from './permissions.ts';
import { type PresentedAsset, presentAsset } from './presenter.ts';
import { departmentByCode, loadRegisters, type Registers } from './registers.ts';
import { addDays } from './schedule.ts';

export interface AssetFilters {
  /** Department code. */
  department?: string | undefined;
  overdue?: boolean | undefined;
  sensitive?: boolean | undefined;
  /** Part of the name or the ledger number. */
  q?: string | undefined;
  status?: 'active' | 'retired' | 'all' | undefined;
}

export interface LedgerCounts {
  active: number;
  overdue: number;
  due_soon: number;
  sensitive: number;
}

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The assets in scope that match the filters, ordered by ledger number, with counts over the whole scope. */
export async function listAssets(
  db: DbOrTx,
  opts: { scope: LedgerScope; filters?: AssetFilters; today: string; actor?: StaffActor },
): Promise<{ assets: PresentedAsset[]; counts: LedgerCounts }> {
  const registers = await loadRegisters(db, opts.scope.orgId);
  const f = opts.filters ?? {};
  let q = db.selectFrom('ledger_assets').selectAll().where('org_id', '=', opts.scope.orgId);
  if (opts.scope.departmentId) q = q.where('department_id', '=', opts.scope.departmentId);
  if (f.department) q = q.where('department_id', '=', departmentByCode(registers, f.department).id);
  const status = f.status ?? 'active';
  if (status !== 'all') q = q.where('status', '=', status);
  if (f.overdue) q = q.where('status', '=', 'active').where('next_review_on', '<', opts.today);
  if (f.sensitive !== undefined) q = q.where('sensitive', '=', f.sensitive ? 1 : 0);
  if (f.q) {
    const pattern = likePattern(f.q);
    q = q.where((eb) =>
      eb.or([sql<boolean>`${eb.ref('name')} like ${pattern} escape '\\'`, sql<boolean>`${eb.ref('code')} like ${pattern} escape '\\'`]),
    );
  }
  const rows = await q.orderBy('code').execute();
  const assets = await presentMany(db, rows, registers, opts.today, opts.actor);
  return { assets, counts: await countAssets(db, opts.scope, opts.today) };
}

/** One asset with its review history; `ledger_asset_not_found` outside the organization. */
export async function getAsset(
  db: DbOrTx,
  opts: { scope: LedgerScope; id: string; today: string; actor?: StaffActor },
): Promise<PresentedAsset> {
  const row = await db
    .selectFrom('ledger_assets')
    .selectAll()
    .where('id', '=', opts.id)
    .where('org_id', '=', opts.scope.orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('ledger_asset_not_found');
  if (opts.scope.departmentId && row.department_id !== opts.scope.departmentId) throw new AppError('ledger_department_forbidden');
  const [registers, risks, history] = await Promise.all([
    loadRegisters(db, opts.scope.orgId),
    db.selectFrom('ledger_risks').selectAll().where('asset_id', '=', row.id).execute(),
    db
      .selectFrom('ledger_reviews')
      .selectAll()
      .where('asset_id', '=', row.id)
      .orderBy('reviewed_on', 'desc')
      .orderBy('created_at', 'desc')
      .execute(),
  ]);
  return presentAsset(row, {
    registers,
    risks,
    lastReview: history[0] ?? null,
    history,
    today: opts.today,
    canEdit: opts.actor ? canWrite(opts.actor, row.department_id) : false,
  });
}

/** Presents rows with their risks and latest review, loaded per organization (one query each, not per asset). */
async function presentMany(
  db: DbOrTx,
  rows: LedgerAssetTable[],
  registers: Registers,
  today: string,
  actor: StaffActor | undefined,
): Promise<PresentedAsset[]> {
  if (rows.length === 0) return [];
  const orgId = rows[0]!.org_id;
  const [risks, reviews] = await Promise.all([
    db
      .selectFrom('ledger_risks')
      .innerJoin('ledger_assets', 'ledger_assets.id', 'ledger_risks.asset_id')
      .selectAll('ledger_risks')
      .where('ledger_assets.org_id', '=', orgId)
      .execute(),
    db.selectFrom('ledger_reviews').selectAll().where('org_id', '=', orgId).orderBy('reviewed_on').orderBy('created_at').execute(),
  ]);
  const risksByAsset = new Map<string, LedgerRiskTable[]>();
  for (const r of risks) risksByAsset.set(r.asset_id, [...(risksByAsset.get(r.asset_id) ?? []), r]);
  // Ordered oldest first, so the last one written per asset is its latest review.
  const lastReview = new Map<string, LedgerReviewTable>();
  for (const r of reviews) lastReview.set(r.asset_id, r);
  return rows.map((row) =>
    presentAsset(row, {
      registers,
      risks: risksByAsset.get(row.id) ?? [],
      lastReview: lastReview.get(row.id) ?? null,
      today,
      canEdit: actor ? canWrite(actor, row.department_id) : false,
    }),
  );
}

/** Active assets in scope: how many, overdue, due within `DUE_SOON_DAYS`, and holding 要配慮 data. */
export async function countAssets(db: DbOrTx, scope: LedgerScope, today: string): Promise<LedgerCounts> {
  let q = db
    .selectFrom('ledger_assets')
    .select(['next_review_on', 'sensitive'])
    .where('org_id', '=', scope.orgId)
    .where('status', '=', 'active');
  if (scope.departmentId) q = q.where('department_id', '=', scope.departmentId);
  const rows = await q.execute();
  const soon = addDays(today, DUE_SOON_DAYS);
  return {
    active: rows.length,
    overdue: rows.filter((r) => r.next_review_on < today).length,
    due_soon: rows.filter((r) => r.next_review_on >= today && r.next_review_on <= soon).length,
    sensitive: rows.filter((r) => Number(r.sensitive) === 1).length,
  };
}
