/**
 * The members source of a release: the organization's members (ledger fields) joined with their purchases from a
 * connected system of the dataset map, as the engine's column-major table.
 *
 * Who is left out, counted by reason (the run records the counts, never who):
 * - `erased`: a deletion request was carried out (nothing of the person may be processed);
 * - `withdrawn`: the member left the co-op;
 * - `opted_out` / `stopped`: the member opted out of, or had use stopped for, the release's purpose;
 * - `no_consent`: the purpose needs consent (opt-in) and the member has not given it.
 *
 * Ages are computed at the release date (Japan time); codes become their Japanese labels (女性, 班配, …), as
 * the recipient reads them. Purchases are summed per member over the whole months before the release date's month.
 */
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { Cell, SourceTable } from '../anonymize/types.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { openSystem } from '../systems/read-connection.ts';
import type { ReleaseSource } from './schemas.ts';

type MembersSource = Extract<ReleaseSource, { kind: 'members' }>;

const MEMBER_COLUMNS = ['member_code', 'age', 'gender', 'postal_code', 'delivery_type', 'join_date'] as const;
const PURCHASE_COLUMNS = ['purchase_total', 'purchase_count', 'monthly_spend'] as const;

export const genderLabels: Record<string, string> = { female: '女性', male: '男性', other: 'その他', unknown: '不明' };
export const deliveryTypeLabels: Record<string, string> = { group: '班配', individual: '個配', store_only: '店舗のみ' };

export type ExclusionReason = 'erased' | 'withdrawn' | 'opted_out' | 'stopped' | 'no_consent';

/** The columns a members source offers (the spec's columns name some of them). */
export function memberColumnNames(source: MembersSource): string[] {
  return [...MEMBER_COLUMNS, ...(source.purchases ? PURCHASE_COLUMNS : [])];
}

/** Whole years from `birth` (YYYY-MM-DD) to `on` (YYYY-MM-DD). */
export function ageOn(birth: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  return on.slice(5) < birth.slice(5) ? years - 1 : years;
}

/** The first day of the month `months` before the month of `on`, and the first day of `on`'s month. */
export function purchasePeriod(on: string, months: number): { from: string; to: string } {
  const y = Number(on.slice(0, 4));
  const m = Number(on.slice(5, 7)) - 1;
  const start = new Date(Date.UTC(y, m - months, 1));
  return { from: start.toISOString().slice(0, 10), to: `${on.slice(0, 7)}-01` };
}

interface Purchases {
  byPerson: Map<string, { total: number; count: number }>;
  identity: 'member_code' | 'email' | 'phone';
}

async function readPurchases(ctx: AppContext, orgId: string, source: MembersSource, on: string): Promise<Purchases | undefined> {
  const p = source.purchases;
  if (!p) return undefined;
  const policy = await policyInEffect(ctx.db, orgId);
  const map = policy?.document.systems.find((s) => s.code === p.system);
  if (!map) throw new AppError('system_not_mapped', undefined, `The system ${p.system} is not in the dataset map in effect.`);
  // A drop folder answers with files, in its own time: it cannot be asked for sums (refused before connecting).
  const notQueryable = () =>
    new AppError('system_not_queryable', undefined, `The system ${p.system} cannot be queried for purchases (a drop folder).`);
  if (map.kind === 'sftp_drop') throw notQueryable();
  const connector = await openSystem(ctx.db, ctx.keys, orgId, p.system);
  try {
    if (!connector.aggregate) throw notQueryable();
    const result = await connector.aggregate(map, { table: p.table, amount: p.amount, date: p.date, ...purchasePeriod(on, p.months) });
    return {
      identity: result.identity,
      byPerson: new Map(result.rows.map((r) => [result.identity === 'phone' ? r.person.replace(/\D/g, '') : r.person, r])),
    };
  } finally {
    await connector.close();
  }
}

/** The members source as the engine's table, with who was left out by reason. */
export async function readMembersSource(
  ctx: AppContext,
  opts: { orgId: string; source: MembersSource; purposeCode: string; on: string; columns: readonly string[] },
): Promise<{ table: SourceTable; excluded: Record<ExclusionReason, number> }> {
  const { orgId, source, on } = opts;
  const purpose = await ctx.db
    .selectFrom('purposes')
    .select(['id', 'consent_mode'])
    .where('org_id', '=', orgId)
    .where('code', '=', opts.purposeCode)
    .executeTakeFirst();
  if (!purpose) throw new AppError('purpose_unknown');
  const blocks = new Map<string, string>();
  for (const b of await ctx.db
    .selectFrom('member_purpose_blocks')
    .innerJoin('members', 'members.id', 'member_purpose_blocks.member_id')
    .select(['member_purpose_blocks.member_id', 'member_purpose_blocks.kind'])
    .where('members.org_id', '=', orgId)
    .where('member_purpose_blocks.purpose_id', '=', purpose.id)
    .execute()) {
    // A stop outweighs an opt-out, which outweighs a consent.
    const rank = { stopped: 3, opt_out: 2, consented: 1 } as const;
    const prev = blocks.get(b.member_id);
    if (!prev || rank[b.kind] > rank[prev as keyof typeof rank]) blocks.set(b.member_id, b.kind);
  }
  const purchases = await readPurchases(ctx, orgId, source, on);
  const months = source.purchases?.months ?? 1;

  const excluded: Record<ExclusionReason, number> = { erased: 0, withdrawn: 0, opted_out: 0, stopped: 0, no_consent: 0 };
  const wanted = opts.columns;
  const values: Cell[][] = wanted.map(() => []);
  const PAGE = 20_000;
  let after = '';
  for (;;) {
    const rows = await ctx.db
      .selectFrom('members')
      .select([
        'id',
        'member_code',
        'birth_date',
        'gender',
        'postal_code',
        'delivery_type',
        'join_date',
        'status',
        'erased_at',
        'email',
        'phone_norm',
      ])
      .where('org_id', '=', orgId)
      .where('member_code', '>', after)
      .orderBy('member_code')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    after = rows.at(-1)!.member_code;
    for (const m of rows) {
      const block = blocks.get(m.id);
      const reason: ExclusionReason | undefined = m.erased_at
        ? 'erased'
        : m.status === 'withdrawn'
          ? 'withdrawn'
          : block === 'stopped'
            ? 'stopped'
            : block === 'opt_out'
              ? 'opted_out'
              : purpose.consent_mode === 'opt_in' && block !== 'consented'
                ? 'no_consent'
                : undefined;
      if (reason) {
        excluded[reason]++;
        continue;
      }
      const key = purchases
        ? purchases.identity === 'email'
          ? m.email
          : purchases.identity === 'phone'
            ? m.phone_norm
            : m.member_code
        : null;
      const bought = key ? purchases?.byPerson.get(key) : undefined;
      wanted.forEach((name, c) => {
        values[c]!.push(cellOf(name, m, bought, months, on));
      });
    }
    if (rows.length < PAGE) break;
  }
  return { table: { columns: wanted, values }, excluded };
}

function cellOf(
  name: string,
  m: {
    member_code: string;
    birth_date: string | null;
    gender: string;
    postal_code: string | null;
    delivery_type: string;
    join_date: string;
  },
  bought: { total: number; count: number } | undefined,
  months: number,
  on: string,
): Cell {
  switch (name) {
    case 'member_code':
      return m.member_code;
    case 'age':
      return m.birth_date ? ageOn(m.birth_date, on) : null;
    case 'gender':
      return genderLabels[m.gender] ?? m.gender;
    case 'postal_code':
      return m.postal_code;
    case 'delivery_type':
      return deliveryTypeLabels[m.delivery_type] ?? m.delivery_type;
    case 'join_date':
      return m.join_date;
    case 'purchase_total':
      return bought?.total ?? 0;
    case 'purchase_count':
      return bought?.count ?? 0;
    case 'monthly_spend':
      return Math.round((bought?.total ?? 0) / months);
    default:
      return null;
  }
}
