/**
 * The contractors of the policy in effect (委託先) with their contract state, inspection clock and what blocks a
 * hand-over (contract-state.ts), and one contractor with its inspections and hand-over log. A contractor the
 * policy no longer names is not listed; its history stays in the tables.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError, errorCatalogue } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';
import { japanDate } from '../../db/time.ts';
import type { PolicyDocument } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { type ContractorState, contractorState, type PolicyContractor, type RecordedInspection } from './contract-state.ts';
import { assertHandover } from './permissions.ts';
import type { ContractorDetail, ContractorView } from './schemas.ts';

/** The latest inspection recorded in mamori for each contractor code of the organization. */
export async function latestInspections(db: DbOrTx, orgId: string): Promise<Map<string, RecordedInspection>> {
  const rows = await db
    .selectFrom('contractor_inspections')
    .select(['contractor_code', 'inspected_on', 'next_due_on', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('inspected_on')
    .orderBy('created_at')
    .execute();
  const latest = new Map<string, RecordedInspection>();
  for (const r of rows) latest.set(r.contractor_code, { inspected_on: r.inspected_on, next_due_on: r.next_due_on });
  return latest;
}

/** The policy's contractor and its state today; `contractor_unknown` when the policy in effect does not name it. */
export async function loadContractor(
  ctx: AppContext,
  orgId: string,
  code: string,
): Promise<{ doc: PolicyDocument; contractor: PolicyContractor; state: ContractorState; today: string }> {
  const policy = await policyInEffect(ctx.db, orgId);
  const contractor = policy?.document.contractors.find((c) => c.code === code);
  if (!policy || !contractor) throw new AppError('contractor_unknown');
  const today = japanDate(ctx.clock());
  const recorded = (await latestInspections(ctx.db, orgId)).get(code) ?? null;
  return { doc: policy.document, contractor, state: contractorState(contractor, recorded, today), today };
}

function view(
  doc: PolicyDocument,
  c: PolicyContractor,
  state: ContractorState,
  log: { handovers: number; last: string | null },
): ContractorView {
  const names = new Map(doc.items.map((i) => [i.code, i.name]));
  return {
    code: c.code,
    name: c.name,
    service: c.service,
    country: c.country ?? null,
    items: c.items.map((code) => ({ code, name: names.get(code) ?? code })),
    subcontracting: c.contract.subcontracting ?? null,
    contract: state.contract,
    inspection: state.inspection,
    blocks: state.blocks.map((code) => ({ code, message_ja: errorCatalogue[code][1], message_en: errorCatalogue[code][2] })),
    handovers: log.handovers,
    last_handover_on: log.last,
  };
}

async function handoverCounts(db: DbOrTx, orgId: string): Promise<Map<string, { handovers: number; last: string | null }>> {
  const rows = await db
    .selectFrom('contractor_handovers')
    .select((eb) => ['contractor_code', eb.fn.countAll<number>().as('n'), eb.fn.max('handed_over_on').as('last')])
    .where('org_id', '=', orgId)
    .groupBy('contractor_code')
    .execute();
  return new Map(rows.map((r) => [r.contractor_code, { handovers: Number(r.n), last: (r.last as string | null) ?? null }]));
}

export async function listContractors(
  ctx: AppContext,
  opts: { actor: StaffActor },
): Promise<{ today: string; contractors: ContractorView[] }> {
  assertHandover(opts.actor, 'read');
  const orgId = opts.actor.orgId;
  const today = japanDate(ctx.clock());
  const policy = await policyInEffect(ctx.db, orgId);
  if (!policy) return { today, contractors: [] };
  const [latest, counts] = await Promise.all([latestInspections(ctx.db, orgId), handoverCounts(ctx.db, orgId)]);
  return {
    today,
    contractors: policy.document.contractors.map((c) =>
      view(policy.document, c, contractorState(c, latest.get(c.code) ?? null, today), counts.get(c.code) ?? { handovers: 0, last: null }),
    ),
  };
}

export async function getContractor(ctx: AppContext, opts: { actor: StaffActor; code: string }): Promise<ContractorDetail> {
  assertHandover(opts.actor, 'read');
  const orgId = opts.actor.orgId;
  const { doc, contractor, state } = await loadContractor(ctx, orgId, opts.code);
  const [inspections, handovers] = await Promise.all([
    ctx.db
      .selectFrom('contractor_inspections')
      .select(['id', 'inspected_on', 'inspector', 'result', 'findings', 'next_due_on', 'created_at'])
      .where('org_id', '=', orgId)
      .where('contractor_code', '=', opts.code)
      .orderBy('inspected_on', 'desc')
      .orderBy('created_at', 'desc')
      .execute(),
    ctx.db
      .selectFrom('contractor_handovers')
      .select([
        'id',
        'handed_over_on',
        'items',
        'record_count',
        'method',
        'note',
        'purpose_code',
        'file_sha256',
        'recorded_by_name',
        'created_at',
      ])
      .where('org_id', '=', orgId)
      .where('contractor_code', '=', opts.code)
      .orderBy('handed_over_on', 'desc')
      .orderBy('created_at', 'desc')
      .execute(),
  ]);
  return {
    contractor: view(doc, contractor, state, { handovers: handovers.length, last: handovers[0]?.handed_over_on ?? null }),
    inspections,
    handovers: handovers.map((h) => ({ ...h, items: JSON.parse(h.items) as string[], record_count: Number(h.record_count) })),
  };
}

/** Counts for the home screen's attention list: inspections overdue (or never done) and due soon, contracts expired. */
export async function countContractorsDue(
  ctx: AppContext,
  orgId: string,
): Promise<{ inspection_overdue: number; inspection_due_soon: number; contract_expired: number }> {
  const counts = { inspection_overdue: 0, inspection_due_soon: 0, contract_expired: 0 };
  const policy = await policyInEffect(ctx.db, orgId);
  if (!policy || policy.document.contractors.length === 0) return counts;
  const today = japanDate(ctx.clock());
  const latest = await latestInspections(ctx.db, orgId);
  for (const c of policy.document.contractors) {
    const s = contractorState(c, latest.get(c.code) ?? null, today);
    if (s.inspection.state === 'overdue' || s.inspection.state === 'never') counts.inspection_overdue++;
    if (s.inspection.state === 'due_soon') counts.inspection_due_soon++;
    if (s.contract.state === 'expired') counts.contract_expired++;
  }
  return counts;
}
