/**
 * What every hand-over to a contractor goes through (委託先への受け渡し): the contractor's blocks and items checked
 * — a refusal audited before it is thrown (contract-state.ts: contract_expired, inspection_overdue,
 * contract_clauses_missing; an item outside the contractor's register items, named) — and the log row written
 * with its audit entry in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { HandoverMethod } from '../../contract/handover-vocabulary.ts';
import { iso } from '../../db/time.ts';
import { appendAudit, appendAuditAlone } from '../audit/append.ts';
import type { PolicyDocument } from '../policy/document.ts';
import type { PolicyContractor } from './contract-state.ts';
import { loadContractor } from './read-contractors.ts';

export interface Checked {
  doc: PolicyDocument;
  contractor: PolicyContractor;
  today: string;
}

/** The contractor, once its blocks and the items are checked; a refusal is audited before it is thrown. */
export async function checkHandover(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; items: readonly string[] | undefined; method: HandoverMethod; via?: string | undefined },
): Promise<Checked> {
  const orgId = opts.actor.orgId;
  const { doc, contractor, state, today } = await loadContractor(ctx, orgId, opts.code);
  const refuse = async (error: AppError): Promise<never> => {
    await appendAuditAlone(
      ctx.db,
      opts.actor,
      {
        action: 'contractor.handover',
        outcome: 'refused',
        orgId,
        errorCode: error.code,
        detail: {
          contractor: contractor.code,
          items: [...(opts.items ?? [])],
          sent_by: opts.method,
          error_code: error.code,
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    throw error;
  };
  const block = state.blocks[0];
  if (block) await refuse(new AppError(block));
  const names = new Map(doc.items.map((i) => [i.code, i.name]));
  const outside = [...new Set(opts.items ?? [])].filter((c) => !contractor.items.includes(c));
  if (outside.length) {
    const issues: FieldIssue[] = outside.map((c) => ({
      field: 'items',
      code: 'item_not_declared',
      message_ja: `「${names.get(c) ?? c}」（${c}）は、委託先「${contractor.name}」の登録簿の項目ではありません。`,
      message_en: `“${c}” is not an item of the register for the contractor “${contractor.name}”.`,
    }));
    await refuse(new AppError('contractor_item_not_declared', issues));
  }
  return { doc, contractor, today };
}

export async function writeLog(
  ctx: AppContext,
  opts: {
    actor: StaffActor;
    contractor: PolicyContractor;
    handedOverOn: string;
    items: readonly string[];
    records: number;
    method: HandoverMethod;
    note: string;
    purpose: string | null;
    sha256: string | null;
    via?: string | undefined;
  },
): Promise<string> {
  const id = randomUUID();
  const now = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('display_name').where('id', '=', opts.actor.id).executeTakeFirst();
    await tx
      .insertInto('contractor_handovers')
      .values({
        id,
        org_id: opts.actor.orgId,
        contractor_code: opts.contractor.code,
        handed_over_on: opts.handedOverOn,
        items: JSON.stringify(opts.items),
        record_count: opts.records,
        method: opts.method,
        note: opts.note,
        purpose_code: opts.purpose,
        file_sha256: opts.sha256,
        recorded_by: opts.actor.id,
        recorded_by_name: user?.display_name ?? opts.actor.login,
        created_at: iso(now),
      })
      .execute();
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'contractor.handover',
        outcome: 'ok',
        orgId: opts.actor.orgId,
        purpose: opts.purpose,
        detail: {
          contractor: opts.contractor.code,
          handover_id: id,
          items: [...opts.items],
          rows: opts.records,
          sent_by: opts.method,
          ...(opts.purpose ? { purposes: opts.purpose } : {}),
          ...(opts.sha256 ? { sha256: opts.sha256 } : {}),
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
  });
  return id;
}
