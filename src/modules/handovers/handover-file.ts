/**
 * A hand-over file made by mamori for a contractor: the members covered by the purpose the contractor works for
 * (coverage.ts), with the contractor's register items that the purpose uses and the member ledger holds
 * (member-file.ts), logged with its count and SHA-256. The same blocks as any hand-over (handover-log.ts).
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { CsvCharset } from '../../base/table-export.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import { forMembers } from '../policy/materialize.ts';
import { coveredMembers, noneLeftOut } from './coverage.ts';
import { checkHandover, writeLog } from './handover-log.ts';
import { heldInLedger, writeMemberFile } from './member-file.ts';
import { assertHandover } from './permissions.ts';
import type { HandoverFileInput } from './schemas.ts';

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
