/**
 * The people a transfer or a hand-over file covers for one purpose: the members of the ledger, without those
 * erased on request, withdrawn from the co-op longer ago than their records are kept
 * (WITHDRAWN_MEMBER_RETENTION_YEARS: beyond it their data should be gone, never passed on), whose use for the
 * purpose was stopped (利用停止), who opted out of it, or — for a purpose used only with consent — who have not
 * consented. Withdrawn members within the retention period are covered (a joint use may declare the leave date
 * itself, as the kyosai federation's does) and counted apart. The same member-level checks, in the same order, as the access engine's
 * step 6 (access/decide.ts). Members are read in pages by member code (unique in an organization), so a large ledger never sits in memory.
 */
import { WITHDRAWN_MEMBER_RETENTION_YEARS } from '../../base/rules.ts';
import type { LeftOutReason } from '../../contract/handover-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { BlockKind, MemberTable } from '../../db/schema.ts';

const PAGE = 1000;

export type LeftOutCounts = Record<LeftOutReason, number>;

export const noneLeftOut = (): LeftOutCounts => ({ beyond_retention: 0, erased: 0, use_stopped: 0, opted_out: 0, consent_missing: 0 });

/** The last day a withdrawn member who left on `leaveDate` is still kept (`YYYY-MM-DD`). */
export function retainedUntil(leaveDate: string): string {
  const [y, m, d] = leaveDate.split('-').map(Number) as [number, number, number];
  const year = y + WITHDRAWN_MEMBER_RETENTION_YEARS;
  // 29 February becomes 28 February in a year without it.
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${year}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Why the member is left out of the purpose's population, or null when covered. */
export function leftOutReason(
  member: Pick<MemberTable, 'status' | 'erased_at' | 'leave_date'>,
  blocks: readonly BlockKind[],
  optIn: boolean,
  today: string,
): LeftOutReason | null {
  if (member.erased_at) return 'erased';
  if (member.status === 'withdrawn' && (!member.leave_date || retainedUntil(member.leave_date) < today)) return 'beyond_retention';
  if (blocks.includes('stopped')) return 'use_stopped';
  if (blocks.includes('opt_out')) return 'opted_out';
  if (optIn && !blocks.includes('consented')) return 'consent_missing';
  return null;
}

/**
 * The covered members of `orgId` for the purpose, page by page; `leftOut` counts the others by reason as the
 * pages go by (complete once the generator is done).
 */
export async function* coveredMembers(
  db: DbOrTx,
  opts: {
    orgId: string;
    purposeId: string;
    optIn: boolean;
    today: string;
    leftOut: LeftOutCounts;
    /** Counts the withdrawn members covered (within the retention period), when given. */
    withdrawn?: { covered: number };
  },
): AsyncGenerator<MemberTable[]> {
  let after = '';
  for (;;) {
    const page = await db
      .selectFrom('members')
      .selectAll()
      .where('org_id', '=', opts.orgId)
      .where('member_code', '>', after)
      .orderBy('member_code')
      .limit(PAGE)
      .execute();
    if (page.length === 0) return;
    after = page.at(-1)!.member_code;
    const blocks = await db
      .selectFrom('member_purpose_blocks')
      .select(['member_id', 'kind'])
      .where('purpose_id', '=', opts.purposeId)
      .where(
        'member_id',
        'in',
        page.map((m) => m.id),
      )
      .execute();
    const byMember = new Map<string, BlockKind[]>();
    for (const b of blocks) byMember.set(b.member_id, [...(byMember.get(b.member_id) ?? []), b.kind]);
    const covered: MemberTable[] = [];
    for (const m of page) {
      const reason = leftOutReason(m, byMember.get(m.id) ?? [], opts.optIn, opts.today);
      if (reason) opts.leftOut[reason]++;
      else {
        covered.push(m);
        if (m.status === 'withdrawn' && opts.withdrawn) opts.withdrawn.covered++;
      }
    }
    yield covered;
  }
}
