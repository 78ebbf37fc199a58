/**
 * Recording an inspection of a contractor (委託先の監督, Art. 25): when, by whom, the result, the findings and
 * when the next one falls due (by default the register's interval after it). The latest inspection recorded in
 * mamori supersedes the register's `inspection.last_on` (contract-state.ts); the row and its audit entry
 * commit together.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { addMonths } from '../ledger/schedule.ts';
import { assertHandover } from './permissions.ts';
import { getContractor, loadContractor } from './read-contractors.ts';
import type { ContractorDetail, RecordInspectionInput } from './schemas.ts';

const dateIssue = (field: string, ja: string, en: string) =>
  new AppError('validation_failed', [{ field, code: 'date_out_of_range', message_ja: ja, message_en: en }]);

export async function recordInspection(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; input: RecordInspectionInput; via?: string },
): Promise<ContractorDetail> {
  assertHandover(opts.actor, 'handle');
  const orgId = opts.actor.orgId;
  const { contractor, today } = await loadContractor(ctx, orgId, opts.code);
  const inspectedOn = opts.input.inspected_on ?? today;
  if (inspectedOn > today)
    throw dateIssue('inspected_on', '点検日に未来の日付は指定できません。', 'The inspection date cannot be in the future.');
  const nextDue = opts.input.next_due_on ?? addMonths(inspectedOn, contractor.inspection.interval_months);
  if (nextDue <= inspectedOn)
    throw dateIssue('next_due_on', '次回点検期限は点検日より後にしてください。', 'The next due date must be after the inspection date.');
  const now = ctx.clock();
  const id = randomUUID();
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('contractor_inspections')
      .values({
        id,
        org_id: orgId,
        contractor_code: contractor.code,
        inspected_on: inspectedOn,
        inspector: opts.input.inspector,
        result: opts.input.result,
        findings: opts.input.findings ?? '',
        next_due_on: nextDue,
        recorded_by: opts.actor.id,
        created_at: iso(now),
      })
      .execute();
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'contractor.inspect',
        outcome: 'ok',
        orgId,
        detail: {
          contractor: contractor.code,
          inspection_id: id,
          inspected_on: inspectedOn,
          inspection_result: opts.input.result,
          next_due_on: nextDue,
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
  });
  return getContractor(ctx, { actor: opts.actor, code: contractor.code });
}
