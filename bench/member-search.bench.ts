/**
 * Member search among 1,000,000 members: p50/p95/p99 of `searchMembers` (the service, so each search includes
 * the access decision, the query, the audit append and the alert count in one transaction) for a few hundred
 * realistic terms: kana prefixes of 1–3 characters (as staff type them: katakana, hiragana or half-width) and
 * phone numbers, whole or their first digits, with or without hyphens; and searches filtered by address prefix and
 * birth year (alone or with a kana prefix, some on later pages), each counting its total (exact up to 1,000).
 *
 * The database gets the demo co-op's organizations, purposes and users from `seedDemo(ctx, 0)`, then 1M
 * synthetic members written directly (bench/member-db.ts): the values normalised and the search keys derived
 * exactly as the ledger does (`normalizeMemberInput`, `toRow`), without a member.create audit entry each. On
 * SQLite, and on PostgreSQL when it is reachable (bench/pg.ts, `BENCH_DIALECTS`). BENCH_SEARCH_MEMBERS
 * changes the size; BENCH_KEEP=1 keeps the databases (bench/tmp/member-search/, `mamori_bench_search_<N>`).
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { DialectName } from '../src/db/database.ts';
import { loadKeyRing } from '../src/modules/crypto/data-keys.ts';
import { rng, syntheticMember } from '../src/modules/demo/synthetic.ts';
import { findStaffActor } from '../src/modules/members/actor.ts';
import { searchMembers } from '../src/modules/members/search-members.ts';
import { disposeMemberDb, memberDb, openMemberDb, percentile, prepareMemberDb } from './member-db.ts';
import { benchDialects } from './pg.ts';
import type { BenchResult } from './types.ts';

const TARGET_P95_MS = 50;
const MEMBERS = Number(process.env.BENCH_SEARCH_MEMBERS ?? 1_000_000);
const dir = join(import.meta.dirname, 'tmp', 'member-search');
const keysFile = join(dir, 'keys.json');

const fullKana = 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンャュョッー';
const halfKana = 'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｬｭｮｯｰ';
/** Katakana as typed on a half-width keyboard (voiced marks as separate ﾞ/ﾟ). */
const toHalfWidth = (s: string) =>
  [...s.normalize('NFD')].map((c) => (c === '\u3099' ? 'ﾞ' : c === '\u309A' ? 'ﾟ' : (halfKana[fullKana.indexOf(c)] ?? c))).join('');
const toHiragana = (s: string) => s.replace(/[\u30A1-\u30F6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));

type Kind = 'kana' | 'phone' | 'filter';
interface Query {
  kind: Kind;
  kana?: string;
  phone?: string;
  address?: string;
  birthYear?: string;
  offset?: number;
}
const addressPrefixes = [
  '宮城県',
  '宮城県仙台市',
  '宮城県仙台市青葉区',
  '宮城県仙台市泉区泉中央',
  '宮城県石巻市',
  '宮城県気仙沼市南町3丁目',
];

/** Search terms as staff type them, and filtered searches (address prefix, birth year, alone or with kana; later pages). */
function terms(phones: string[]): Query[] {
  const r = rng(99);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const kanaNames = [...new Set(Array.from({ length: 2000 }, (_, i) => syntheticMember(i + 1).name_kana.replace(' ', '')))];
  const out: Query[] = [];
  for (let i = 0; i < 200; i++) {
    const name = pick(kanaNames);
    const prefix = name.slice(0, 1 + Math.floor(r() * 3));
    const style = r();
    out.push({ kind: 'kana', kana: style < 0.6 ? prefix : style < 0.9 ? toHiragana(prefix) : toHalfWidth(prefix) });
  }
  for (const term of ['ア', 'ン', 'ヴ', 'ゾ', 'ぬ', 'ヲン']) out.push({ kind: 'kana', kana: term }); // rare and no-hit prefixes
  for (let i = 0; i < 100; i++) {
    const year = 1935 + Math.floor(r() * 75);
    const birthYear = r() < 0.5 ? String(year) : `${year}-${year + Math.floor(r() * 10)}`;
    const address = pick(addressPrefixes);
    const style = r();
    const kana = pick(kanaNames).slice(0, 1 + Math.floor(r() * 2));
    const offset = r() < 0.3 ? 20 * Math.floor(r() * 50) : 0;
    out.push(
      style < 0.25
        ? { kind: 'filter', address, offset }
        : style < 0.5
          ? { kind: 'filter', birthYear, offset }
          : style < 0.75
            ? { kind: 'filter', kana, address, birthYear }
            : { kind: 'filter', kana, birthYear, offset },
    );
  }
  for (let i = 0; i < 200; i++) {
    const phone = pick(phones);
    const style = r();
    const digits = phone.replaceAll('-', '');
    const term =
      style < 0.4
        ? phone // full, with hyphens
        : style < 0.6
          ? digits // full, digits only
          : style < 0.8
            ? digits.slice(0, 3 + Math.floor(r() * 5)) // leading digits
            : phone.slice(0, 4 + Math.floor(r() * 5)); // leading part as written
    out.push({ kind: 'phone', phone: term });
  }
  // Shuffle, so that kana and phone searches interleave.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export default async function run(): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  const keep = process.env.BENCH_KEEP === '1';
  const results: BenchResult[] = [];
  try {
    for (const dialect of await benchDialects()) results.push(...(await measure(dialect, keep)));
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

async function measure(dialect: DialectName, keep: boolean): Promise<BenchResult[]> {
  const target = memberDb(dialect, dir, 'search', MEMBERS);
  try {
    const keys = loadKeyRing(keysFile);
    await prepareMemberDb(target, keys);
    const { ctx, close } = await openMemberDb(target, keys);
    try {
      // A ledger just bulk-loaded has no visibility map or statistics yet; autovacuum would make them shortly
      // after an import. Measured as the steady state it reaches (index-only scans of the search's probes).
      if (dialect === 'postgres') {
        await sql`vacuum analyze members`.execute(ctx.db);
        await sql`vacuum analyze member_purpose_blocks`.execute(ctx.db);
      }
      const actor = await findStaffActor(ctx.db, 'staff');
      const service = await findStaffActor(ctx.db, 'service');
      const count = Number(
        (
          await ctx.db
            .selectFrom('members')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      // Phone numbers of real rows, spread over the ledger.
      const phones = ctx.sqlite
        ? (ctx.sqlite.prepare('select phone from members where phone is not null and rowid % 997 = 0 limit 2000').pluck().all() as string[])
        : (
            await ctx.db
              .selectFrom('members')
              .select('phone')
              .where('phone', 'is not', null)
              .where(sql<number>`cast(member_code as integer) % 997`, '=', 0)
              .orderBy('member_code')
              .limit(2000)
              .execute()
          ).map((r) => r.phone!);
      const queries = terms(phones);
      // ① (member services) uses kana, address and birth date; ④ (delivery) kana and phone, as before.
      const search = ({ kind, ...q }: Query) =>
        searchMembers(ctx, { actor: kind === 'filter' ? service : actor, purpose: kind === 'filter' ? 'P01' : 'P04', ...q, via: 'bench' });

      for (const q of queries.slice(0, 50)) await search(q); // warm-up: statement caches, the page cache
      const times: Record<Kind, number[]> = { kana: [], phone: [], filter: [] };
      let hits = 0;
      let empty = 0;
      for (const q of queries) {
        const t = performance.now();
        const result = await search(q);
        const ms = performance.now() - t;
        times[q.kind].push(ms);
        hits += result.members.length;
        if (result.members.length === 0) empty++;
      }
      const stats = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1]! };
      };
      const f = (n: number) => n.toFixed(2);
      const term = stats([...times.kana, ...times.phone]);
      const kana = stats(times.kana);
      const phone = stats(times.phone);
      const filter = stats(times.filter);
      const load = loadavg()[0]!.toFixed(2);
      const where = dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      const target95 = `target p95 ≤ ${TARGET_P95_MS} ms`;
      const line = (label: string, s: ReturnType<typeof stats>, n: number) =>
        `  ${where.padEnd(10)} ${label.padEnd(9)} ${String(n).padStart(4)} searches: p50 ${f(s.p50)} ms, p95 ${f(s.p95)} ms, p99 ${f(s.p99)} ms, max ${f(s.max)} ms (${target95}${s.p95 <= TARGET_P95_MS ? '' : ', MISSED'})`;
      console.log(
        `  ${where}: ${count.toLocaleString()} members; ${hits} hits, ${empty} empty; 1-minute load average after the run ${load}`,
      );
      console.log(line('term only', term, times.kana.length + times.phone.length));
      console.log(line('filtered', filter, times.filter.length));
      const size =
        dialect === 'sqlite'
          ? statSync(target.name).size
          : Number((await sql<{ n: number }>`select pg_database_size(current_database()) as n`.execute(ctx.db)).rows[0]!.n);
      const millions = `${(count / 1e6).toLocaleString('en-US')}M members${dialect === 'sqlite' ? '' : ' (PostgreSQL)'}`;
      const row = (label: string, s: ReturnType<typeof stats>, what: string): BenchResult => ({
        name: `member search p95, ${label}, ${millions}`,
        target: `≤ ${TARGET_P95_MS} ms`,
        value: Math.round(s.p95 * 100) / 100,
        unit: 'ms',
        ok: s.p95 <= TARGET_P95_MS,
        notes: `${what}; p50 ${f(s.p50)} ms, p99 ${f(s.p99)} ms, max ${f(s.max)} ms; searchMembers (decision + query + audit + alerts), limit 20; load average after the run ${load}; ${where} ${(size / 2 ** 30).toFixed(1)} GiB`,
      });
      return [
        row(
          'term only',
          term,
          `${times.kana.length} kana prefixes 1–3 chars (kana p95 ${f(kana.p95)} ms), ${times.phone.length} phone prefixes/full numbers (phone p95 ${f(phone.p95)} ms)`,
        ),
        row(
          'filtered',
          filter,
          `${times.filter.length} searches filtered by address prefix and/or birth year, alone or with a kana prefix, some on later pages, with the total counted`,
        ),
      ];
    } finally {
      await close();
    }
  } finally {
    if (!keep) await disposeMemberDb(target);
  }
}
