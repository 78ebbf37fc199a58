/**
 * Hand-overs to a contractor (委託先への受け渡し), logged against its contract: what (items), how many records,
 * when, by whom, how it was sent and a note. Either recorded by hand (data sent from another system, or on
 * paper) or produced by mamori as a file: the members covered by the purpose the contractor works for, with the
 * contractor's register items within that purpose's items (coverage.ts, member-file.ts).
 *
 * A hand-over is refused — and the refusal audited — while the contract has expired, the inspection is overdue
 * (or was never done) or the contract lacks a required clause (contract-state.ts); an item outside the
 * contractor's register items is refused naming it.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { CsvCharset } from '../../base/table-export.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { HandoverMethod } from '../../contract/handover-vocabulary.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import { iso } from '../../db/time.ts';
import { appendAudit, appendAuditAlone } from '../audit/append.ts';
import type { PolicyDocument } from '../policy/document.ts';
import { forMembers } from '../policy/materialize.ts';
import type { PolicyContractor } from './contract-state.ts';
import { coveredMembers, noneLeftOut } from './coverage.ts';
import { heldInLedger, writeMemberFile } from './member-file.ts';
import { assertHandover } from './permissions.ts';
import { type ContractorDetail, getContractor, type HandoverView, loadContractor } from './read-contractors.ts';
import type { HandoverFileInput, RecordHandoverInput } from './schemas.ts';

interface Checked {
  doc: PolicyDocument;
  contractor: PolicyContractor;
  today: string;
}

/** The contractor, once its blocks and the items are checked; a refusal is audited before it is thrown. */
async function checkHandover(
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

async function writeLog(
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

/** Logs a hand-over made outside mamori (another system's export, paper). */
export async function recordHandover(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; input: RecordHandoverInput; via?: string },
): Promise<{ handover: HandoverView; contractor: ContractorDetail['contractor'] }> {
  assertHandover(opts.actor, 'handle');
  const { contractor, today } = await checkHandover(ctx, { ...opts, items: opts.input.items, method: opts.input.method });
  const handedOverOn = opts.input.handed_over_on ?? today;
  if (handedOverOn > today) {
    throw new AppError('validation_failed', [
      {
        field: 'handed_over_on',
        code: 'date_out_of_range',
        message_ja: '受け渡し日に未来の日付は指定できません。',
        message_en: 'The hand-over date cannot be in the future.',
      },
    ]);
  }
  const items = contractor.items.filter((c) => opts.input.items.includes(c));
  const id = await writeLog(ctx, {
    actor: opts.actor,
    contractor,
    handedOverOn,
    items,
    records: opts.input.record_count,
    method: opts.input.method,
    note: opts.input.note ?? '',
    purpose: null,
    sha256: null,
    via: opts.via,
  });
  const detail = await getContractor(ctx, { actor: opts.actor, code: contractor.code });
  return { handover: detail.handovers.find((h) => h.id === id)!, contractor: detail.contractor };
}

export interface HandoverFile {
  fileName: { ja: string; ascii: string };
  body: Buffer;
  rows: number;
  sha256: string;
  handoverId: string;
}

/** Produces the hand-over file and logs the hand-over with its count and SHA-256. */
export async function makeHandoverFile(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; input: HandoverFileInput; via?: string },
): Promise<HandoverFile> {
  assertHandover(opts.actor, 'handle');
  const { doc, contractor, today } = await checkHandover(ctx, { ...opts, items: opts.input.items, method: opts.input.method });
  const purpose = doc.purposes.find((p) => purposeCodeOf(p) === opts.input.purpose);
  if (!purpose) throw new AppError('purpose_unknown');
  if (!forMembers(doc, purpose)) throw new AppError('purpose_not_for_members');
  const row = await ctx.db
    .selectFrom('purposes')
    .select('id')
    .where('org_id', '=', opts.actor.orgId)
    .where('code', '=', opts.input.purpose)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!row) throw new AppError('purpose_unknown');
  // The contractor's items the purpose uses and the ledger holds (what a file can carry).
  const wanted = opts.input.items ?? contractor.items;
  const items = contractor.items.filter((c) => wanted.includes(c) && purpose.items.includes(c) && heldInLedger(c)) as MemberField[];
  if (items.length === 0) throw new AppError('transfer_no_items');
  const charset: CsvCharset = opts.input.charset ?? 'utf-8';
  const file = await writeMemberFile({
    doc,
    items,
    rows: coveredMembers(ctx.db, {
      orgId: opts.actor.orgId,
      purposeId: row.id,
      optIn: purpose.consent === 'opt_in',
      today,
      leftOut: noneLeftOut(),
    }),
    charset,
    keys: ctx.keys,
  });
  const handoverId = await writeLog(ctx, {
    actor: opts.actor,
    contractor,
    handedOverOn: today,
    items,
    records: file.rows,
    method: opts.input.method,
    note: opts.input.note ?? '',
    purpose: opts.input.purpose,
    sha256: file.sha256,
    via: opts.via,
  });
  return {
    fileName: { ja: `委託先受け渡し_${contractor.code}_${today}.csv`, ascii: `handover-${contractor.code}-${today}.csv` },
    ...file,
    handoverId,
  };
}
