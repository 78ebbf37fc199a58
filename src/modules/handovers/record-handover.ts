/**
 * Logging a hand-over to a contractor made outside mamori (another system's export, media, paper): what (items),
 * how many records, when, how it was sent and a note, against the contractor's contract. Refused while the
 * contract has expired, the inspection is overdue or a required clause is missing (handover-log.ts).
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { checkHandover, writeLog } from './handover-log.ts';
import { assertHandover } from './permissions.ts';
import { getContractor } from './read-contractors.ts';
import type { ContractorDetail, HandoverView, RecordHandoverInput } from './schemas.ts';

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
