/**
 * Member search for a purpose: one search term (member code, kana prefix, phone, name prefix) and filters by
 * address prefix and birth year, a page of hits (offset and page size) and how many matched (exact up to
 * `SEARCH_COUNT_CAP`, 「1,000 件以上」 beyond). The decision, the query, the audit entry and the alert count run
 * in one transaction, as before paging: each search (each page) is one `member.search` entry listing the
 * members shown, and the listed rows count for the bulk-read rule and the withdrawn-member alert.
 *
 * Cost stays bounded at a million members on both dialects. Every condition has an index led by
 * `(org_id, column)`; the search walks one of them (the primary condition) and checks the others on the entries
 * it walks. The kana, birth-date and address indexes carry the other two of those columns and the id
 * (migration 0018), so a walk led by one of them with filters on the others reads index entries only: the
 * checks, the purpose-block lookups by id and the ids of the hits need no table row. With several range
 * conditions the primary is the narrowest: on SQLite counted (at most `SCAN_WINDOW + 1` entries of each index,
 * 1–2 ms), on PostgreSQL estimated by the planner (counting costs about a microsecond an entry there, three
 * counts as much as the walk). When filters (or a purpose used only with consent) are checked on the walk and the
 * primary range is larger than `SCAN_WINDOW`, the walk reads its first `SCAN_WINDOW` index entries only (one
 * pass: a subquery with a limit), so a rare combination never walks a whole prefix such as 「宮城県」; such a
 * search says its total is a lower bound
 * (`total_exact: false`, 「N 件以上」) and asks for a narrower term. One walk reads the ids of at most
 * `SEARCH_COUNT_CAP + 1` matches (more only for a page beyond them: offset + limit): their number is the total,
 * the page is a slice of them, and only the page's rows are read whole.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { Tx } from '../../db/database.ts';
import type { Database, MemberTable } from '../../db/schema.ts';
import { japanDate } from '../../db/time.ts';
import { checkReadAlerts } from '../audit/alerts.ts';
import { appendAudit } from '../audit/append.ts';
import { getOrgSettings } from '../organizations/settings-cache.ts';
import { digitsOnly, kanaSearchKey, normalizeText } from './normalize.ts';
import { type PresentedMember, presentMember } from './presenter.ts';
import { refusalToError } from './read-member.ts';
import { parseSearchFilters, SEARCH_COUNT_CAP } from './search-filters.ts';

/** Index entries a search walks at most when it checks filters on the walk. */
export const SCAN_WINDOW = 20_000;

export interface SearchMembersOptions {
  actor: StaffActor;
  purpose: string;
  /** Whose members: the actor's organization (default), or an organization whose members it jointly uses. */
  orgId?: string;
  code?: string;
  /** Kana prefix (family name first), any width or hiragana. */
  kana?: string;
  /** Name prefix in kanji. */
  name?: string;
  /** Phone: full number or its leading digits. */
  phone?: string;
  /** Address prefix from the prefecture (「宮城県仙台市青葉区」), any width. */
  address?: string;
  /** Birth year or range: 「1980」, 「1970-1979」. */
  birthYear?: string;
  /** Page size (1–100, default 20). */
  limit?: number;
  /** Hits to skip (0–`SEARCH_COUNT_CAP`). */
  offset?: number;
  via?: string;
  /** Index entries walked at most when filters are checked on the walk (default `SCAN_WINDOW`; smaller in tests). */
  scanWindow?: number;
}

export interface MemberSearchResult {
  members: PresentedMember[];
  /** The item searched by (the term's, or the first filter's when there is no term). */
  by: string;
  /** Items filtered on besides `by`. */
  filters: string[];
  /** Matches: exact when `total_exact`, otherwise at least this many. */
  total: number;
  total_exact: boolean;
  offset: number;
  limit: number;
}

type Column = 'member_code' | 'name_kana_norm' | 'phone_norm' | 'name' | 'address' | 'birth_date';
/** One condition of the search: equality or a half-open range [lo, hi) on an indexed column. */
interface Condition {
  item: string;
  column: Column;
  eq?: string;
  lo?: string;
  hi?: string;
  /** What the condition means when it is checked on another index's walk (no index on the column is used). */
  check: (eb: ExpressionBuilder<Database, 'members'>) => Expression<SqlBool>;
}

/** Fields a search hit may show (further cut down to the purpose's items). */
const hitFields = ['member_code', 'name', 'name_kana', 'phone', 'address', 'status'] as const;

const prefix = (item: string, column: Column, value: string): Condition => ({
  item,
  column,
  lo: value,
  hi: `${value}\uffff`,
  // substr(…) = … compares bytes on both dialects whatever the collation, and no index serves it.
  check: () => sql<SqlBool>`substr(${sql.ref(`members.${column}`)}, 1, ${[...value].length}) = ${value}`,
});

/** The term and filters as conditions, the term first; issues for bad filter values. */
function conditionsOf(opts: SearchMembersOptions): Condition[] {
  const conditions: Condition[] = [];
  if (opts.code) {
    const code = opts.code.normalize('NFKC').trim().toUpperCase();
    conditions.push({ item: 'member_code', column: 'member_code', eq: code, check: (eb) => eb('members.member_code', '=', code) });
  } else if (opts.kana) conditions.push(prefix('name_kana', 'name_kana_norm', kanaSearchKey(opts.kana)));
  else if (opts.phone) {
    const digits = digitsOnly(opts.phone);
    conditions.push(
      digits.length >= 10
        ? { item: 'phone', column: 'phone_norm', eq: digits, check: (eb) => eb('members.phone_norm', '=', digits) }
        : prefix('phone', 'phone_norm', digits),
    );
  } else if (opts.name) conditions.push(prefix('name', 'name', normalizeText(opts.name)));
  const parsed = parseSearchFilters({ address: opts.address, birth_year: opts.birthYear });
  if (parsed.issues.length > 0) throw new AppError('validation_failed', parsed.issues);
  const { address, birth } = parsed.filters!;
  if (address) conditions.push(prefix('address', 'address', address));
  if (birth) {
    const [from, to] = birth.years;
    conditions.push({
      item: 'birth_date',
      column: 'birth_date',
      lo: birth.from,
      hi: birth.before,
      check: () => sql<SqlBool>`cast(substr(members.birth_date, 1, 4) as integer) between ${from} and ${to}`,
    });
  }
  return conditions;
}

/** The condition walking its index: equality, or the range [lo, hi). */
function walk(c: Condition) {
  return (eb: ExpressionBuilder<Database, 'members'>) => {
    const col = `members.${c.column}` as const;
    if (c.eq !== undefined) return eb(col, '=', c.eq);
    return eb.and([eb(col, '>=', c.lo!), eb(col, '<', c.hi!)]);
  };
}

/** Entries of `c`'s range in its index, counted up to `upTo` (index-only). */
async function rangeSize(tx: Tx, orgId: string, c: Condition, upTo: number): Promise<number> {
  const inner = tx
    .selectFrom('members')
    .select(sql<number>`1`.as('one'))
    .where('members.org_id', '=', orgId)
    .where(walk(c))
    .limit(upTo)
    .as('r');
  const row = await tx
    .selectFrom(inner)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * PostgreSQL's estimate of the entries in `c`'s range, from the planner's statistics (no index entry is read;
 * autovacuum keeps them current).
 */
async function rangeEstimate(tx: Tx, orgId: string, c: Condition): Promise<number> {
  const plan = (await tx
    .selectFrom('members')
    .select(sql<number>`1`.as('one'))
    .where('members.org_id', '=', orgId)
    .where(walk(c))
    .explain('json')) as unknown as { 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }[];
  return Number(plan[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? Number.POSITIVE_INFINITY);
}

/** Searches members for a purpose (see the file's comment); audited, alerts counted, one transaction. */
export async function searchMembers(ctx: AppContext, opts: SearchMembersOptions): Promise<MemberSearchResult> {
  const engine = await ctx.policy.engine();
  const now = ctx.clock();
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
  const offset = Math.min(Math.max(opts.offset ?? 0, 0), SEARCH_COUNT_CAP);
  const window = Math.max(opts.scanWindow ?? SCAN_WINDOW, 1);
  const conditions = conditionsOf(opts);
  if (conditions.length === 0) {
    throw new AppError('validation_failed', [
      { field: 'q', code: 'required', message_ja: '検索条件を入力してください。', message_en: 'Give a search term or a filter.' },
    ]);
  }
  const by = conditions[0]!.item;
  const filters = conditions.slice(1).map((c) => c.item);
  const orgId = opts.orgId ?? opts.actor.orgId;
  const outcome = await ctx.db.transaction().execute(async (tx) => {
    const base = { actor: opts.actor, purpose: opts.purpose, member: { orgId, blocks: [] }, today: japanDate(now) };
    // Filtering on an item reveals it as much as searching by it: the purpose must allow every item used.
    const decision = engine.decide({ ...base, action: 'search', items: [by, ...filters] });
    if (!decision.allowed) {
      await appendAudit(
        tx,
        opts.actor,
        {
          action: 'member.search',
          outcome: 'refused',
          orgId: opts.actor.orgId,
          purpose: opts.purpose,
          errorCode: decision.code,
          detail: { by, results: 0, ...(filters.length > 0 ? { filters } : {}) },
        },
        ctx.clock,
      );
      return { error: refusalToError(decision.code) };
    }
    // Hits show what a read for the purpose would show (for a joint user: the joint use's items), cut to hitFields.
    const view = engine.decide({ ...base, action: 'read' });
    const visible = (view.allowed ? view.items : [by]).filter((i) => (hitFields as readonly string[]).includes(i));

    // The primary condition: an equality if there is one, otherwise the narrowest range (see the file's comment).
    // A count stops at the smallest range found so far: it only has to tell whether this one is narrower.
    const size = (c: Condition, below = Number.POSITIVE_INFINITY) =>
      ctx.dialect === 'postgres' ? rangeEstimate(tx, orgId, c) : rangeSize(tx, orgId, c, Math.min(below, window + 1));
    let primary = conditions.find((c) => c.eq !== undefined) ?? conditions[0]!;
    let primarySize = primary.eq !== undefined ? 1 : Number.POSITIVE_INFINITY;
    if (primary.eq === undefined && conditions.length > 1) {
      for (const c of conditions) {
        const n = await size(c, primarySize);
        if (n < primarySize) [primarySize, primary] = [n, c];
      }
    }
    const others = conditions.filter((c) => c !== primary);
    // When most rows of the walk may fail a check (another condition, or a purpose used only with consent), a
    // primary range larger than the window (counted on SQLite, estimated on PostgreSQL) is walked for its first
    // `window` entries only, and the total is then a lower bound. Otherwise the walk reads about
    // SEARCH_COUNT_CAP + 1 rows: only the few members who opted out of or stopped the purpose are skipped.
    const sparse = others.length > 0 || engine.needsConsent(orgId, opts.purpose);
    if (sparse && primary.eq === undefined && primarySize === Number.POSITIVE_INFINITY) primarySize = await size(primary);
    const bounded = sparse && primarySize > window;
    const col = `members.${primary.column}` as const;

    const matching = () => {
      // A bounded walk is a subquery of the index's first entries, named `members` so that the checks read its
      // columns (all carried by the walked index: migration 0018).
      const source = tx
        .selectFrom('members')
        .select(['members.id', ...new Set(conditions.map((c) => `members.${c.column}` as const))])
        .where('members.org_id', '=', orgId)
        .where(walk(primary))
        .orderBy(col)
        .limit(window)
        .as('members');
      // biome-ignore lint/suspicious/noExplicitAny: the bounded walk has the columns the checks read, under the table's name.
      let q = bounded ? ((tx as any).selectFrom(source) as ReturnType<typeof tx.selectFrom<'members'>>) : tx.selectFrom('members');
      if (!bounded) q = q.where('members.org_id', '=', orgId).where(walk(primary));
      for (const c of others) q = q.where(c.check);
      // Members who stopped or opted out of this purpose are not found through it, nor, for a purpose used
      // only with consent, those who have not consented.
      q = q.where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('member_purpose_blocks')
              .select('member_purpose_blocks.member_id')
              .whereRef('member_purpose_blocks.member_id', '=', 'members.id')
              .where('member_purpose_blocks.purpose_id', '=', decision.purposeId)
              .where('member_purpose_blocks.kind', 'in', ['opt_out', 'stopped']),
          ),
        ),
      );
      if (engine.needsConsent(orgId, opts.purpose)) {
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('member_purpose_blocks')
              .select('member_purpose_blocks.member_id')
              .whereRef('member_purpose_blocks.member_id', '=', 'members.id')
              .where('member_purpose_blocks.purpose_id', '=', decision.purposeId)
              .where('member_purpose_blocks.kind', '=', 'consented'),
          ),
        );
      }
      return q;
    };
    // One walk finds the matches up to the cap (ids only) — the total and the page's place in it — and the page's
    // rows are then read by id.
    const hits = await matching()
      .select('members.id')
      .orderBy(col)
      .limit(Math.max(SEARCH_COUNT_CAP + 1, offset + limit))
      .execute();
    const pageIds = hits.slice(offset, offset + limit).map((h) => h.id);
    const byId = new Map(
      (pageIds.length > 0 ? await tx.selectFrom('members').selectAll().where('id', 'in', pageIds).execute() : []).map((r) => [r.id, r]),
    );
    const rows: MemberTable[] = pageIds.flatMap((id) => byId.get(id) ?? []);
    const total = Math.min(hits.length, SEARCH_COUNT_CAP);
    const exact = hits.length <= SEARCH_COUNT_CAP && !bounded;

    const entry = await appendAudit(
      tx,
      opts.actor,
      {
        action: 'member.search',
        outcome: 'allowed',
        orgId,
        purpose: opts.purpose,
        detail: {
          by,
          results: rows.length,
          member_ids: rows.map((r) => r.id),
          ...(filters.length > 0 ? { filters } : {}),
          ...(offset > 0 ? { offset } : {}),
        },
      },
      ctx.clock,
    );
    if (rows.length > 0) {
      // Each withdrawn member in the list alerts once per user and day (alerts.ts), not at every listing.
      await checkReadAlerts(tx, {
        orgId,
        actorId: opts.actor.id,
        memberId: rows[0]!.id,
        memberStatus: 'listed',
        audit: entry,
        at: now,
        settings: await getOrgSettings(ctx, orgId, tx),
        listed: rows.length,
        listedWithdrawn: rows.filter((r) => r.status === 'withdrawn').map((r) => r.id),
      });
    }
    return { members: rows.map((r) => presentMember(r, visible, ctx.keys)), total, exact };
  });
  if ('error' in outcome) throw outcome.error;
  return { members: outcome.members, by, filters, total: outcome.total, total_exact: outcome.exact, offset, limit };
}
