/** The office's lists: provision runs, records across the organization, continuous records and disposals. */
import { AppError } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';
import {
  type ContinuousRecordView,
  type DisposalView,
  type ProvisionRunView,
  presentContinuous,
  presentDisposal,
  presentRun,
} from './presenter.ts';

export interface Page {
  limit: number;
  offset: number;
}

export async function listRuns(db: DbOrTx, orgId: string, page: Page): Promise<{ runs: ProvisionRunView[] }> {
  const rows = await db
    .selectFrom('provision_runs')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { runs: rows.map(presentRun) };
}

export async function getRun(db: DbOrTx, orgId: string, id: string): Promise<ProvisionRunView> {
  const row = await db.selectFrom('provision_runs').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new AppError('provision_run_not_found');
  return presentRun(row);
}

export interface OrgRecordView {
  id: string;
  member_id: string;
  member_code: string;
  direction: 'provided' | 'received';
  third_party_code: string | null;
  counterparty_name: string;
  items: string[];
  legal_basis: string;
  occurred_on: string;
  keep_until: string;
  retention: 'record' | 'contract';
  run_id: string | null;
  continuous_id: string | null;
}

/** Records of the organization, newest first (member codes, never names: the member screen has the rest). */
export async function listOrgRecords(db: DbOrTx, orgId: string, page: Page): Promise<{ records: OrgRecordView[] }> {
  const rows = await db
    .selectFrom('provision_records as r')
    .innerJoin('members as m', 'm.id', 'r.member_id')
    .select([
      'r.id',
      'r.member_id',
      'm.member_code',
      'r.direction',
      'r.third_party_code',
      'r.counterparty_name',
      'r.items',
      'r.legal_basis',
      'r.occurred_on',
      'r.keep_until',
      'r.retention',
      'r.run_id',
      'r.continuous_id',
    ])
    .where('r.org_id', '=', orgId)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { records: rows.map((r) => ({ ...r, items: JSON.parse(r.items) as string[] })) };
}

export async function listContinuous(db: DbOrTx, orgId: string): Promise<{ records: ContinuousRecordView[] }> {
  const rows = await db
    .selectFrom('provision_continuous_records')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('last_on', 'desc')
    .orderBy('id')
    .execute();
  return { records: rows.map(presentContinuous) };
}

export async function listDisposals(db: DbOrTx, orgId: string, page: Page): Promise<{ disposals: DisposalView[] }> {
  const rows = await db
    .selectFrom('provision_disposals')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('disposed_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { disposals: rows.map(presentDisposal) };
}
