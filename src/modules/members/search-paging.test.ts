/**
 * Member search: the total matched (exact up to 1,000, 「1,000 件以上」 beyond), pages by offset, filters by
 * address prefix and birth year (alone or with a term), bad filters refused with field issues, a filter on an
 * item the purpose does not use refused and audited, and the bounded walk of a rare combination.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { SEARCH_COUNT_CAP } from './search-filters.ts';
import { searchMembers } from './search-members.ts';

const MANY = 1100;
const KANA = 'ケンサクテスト';

describe.each(availableDialects())('member search paging and filters on %s', (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 5 });
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    // Synthetic members sharing one kana family name: half in 北区, half in 南区, birth years 1950–1959 in turn.
    const rows = Array.from({ length: MANY }, (_, i) => ({
      id: randomUUID(),
      org_id: org.id,
      member_code: String(8_000_000 + i),
      name: `検索 試験${i}`,
      name_kana: `${KANA} ${String(i).padStart(4, '0')}`,
      name_kana_norm: `${KANA}${String(i).padStart(4, '0')}`,
      gender: 'female' as const,
      birth_date: `${1950 + (i % 10)}-05-01`,
      postal_code: null,
      address: `東京都検索市${i % 2 === 0 ? '北区' : '南区'}1丁目${i}`,
      phone: null,
      phone_norm: null,
      email: null,
      bank_account_enc: null,
      delivery_type: 'individual' as const,
      join_date: '2020-04-01',
      leave_date: null,
      share_capital: 1000,
      status: 'active' as const,
      note: null,
      erased_at: null,
      version: 1,
      created_at: now,
      updated_at: now,
    }));
    for (let i = 0; i < rows.length; i += 100)
      await f.ctx.db
        .insertInto('members')
        .values(rows.slice(i, i + 100))
        .execute();
    // PostgreSQL chooses which condition walks from the planner's statistics (autovacuum keeps them).
    if (dialect === 'postgres') await sql`analyze members`.execute(f.ctx.db);
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const lastAudit = async () =>
    (await chained(f.ctx.db)).selectFrom('audit_log').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
  const service = () => f.actor('service');

  it('counts up to the cap and pages by offset in the order of the search key', async () => {
    const actor = await service();
    const first = await searchMembers(f.ctx, { actor, purpose: 'P01', kana: 'けんさくてすと', limit: 20 });
    expect(first).toMatchObject({ by: 'name_kana', total: SEARCH_COUNT_CAP, total_exact: false, offset: 0, limit: 20 });
    expect(first.members.map((m) => m.name_kana)).toEqual(Array.from({ length: 20 }, (_, i) => `${KANA} ${String(i).padStart(4, '0')}`));
    const second = await searchMembers(f.ctx, { actor, purpose: 'P01', kana: KANA, limit: 20, offset: 20 });
    expect(second.members[0]!.name_kana).toBe(`${KANA} 0020`);
    expect(second.members.filter((m) => first.members.some((x) => x.id === m.id))).toEqual([]);
    // Each page is one audited search listing its members.
    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: 'member.search', outcome: 'allowed', purpose_code: 'P01' });
    expect(JSON.parse(entry.detail)).toEqual({ by: 'name_kana', results: 20, member_ids: second.members.map((m) => m.id), offset: 20 });
  });

  it('filters by address prefix and birth year, with a term or alone, exact below the cap', async () => {
    const actor = await service();
    const north = await searchMembers(f.ctx, { actor, purpose: 'P01', kana: KANA, address: '東京都検索市北区', limit: 100 });
    expect(north).toMatchObject({ total: MANY / 2, total_exact: true, filters: ['address'] });
    expect(north.members.every((m) => String(m.address).startsWith('東京都検索市北区'))).toBe(true);
    expect(JSON.parse((await lastAudit()).detail)).toMatchObject({ by: 'name_kana', filters: ['address'], results: 100 });

    // Full-width digits are read as digits; the narrower condition (the year) walks its index.
    const born = await searchMembers(f.ctx, { actor, purpose: 'P01', address: '東京都検索市', birthYear: '１９５３' });
    expect(born).toMatchObject({ by: 'address', filters: ['birth_date'], total: MANY / 10, total_exact: true });
    const range = await searchMembers(f.ctx, { actor, purpose: 'P01', birthYear: '1950〜1951', limit: 100 });
    expect(range.by).toBe('birth_date');
    // Demo members born in 1950–1951 may be found too; every hit is born in the range.
    expect(range.total).toBeGreaterThanOrEqual(MANY / 5);
    const openEnded = await searchMembers(f.ctx, { actor, purpose: 'P01', kana: KANA, birthYear: '1958-' });
    expect(openEnded).toMatchObject({ total: MANY / 5, total_exact: true });

    // The last page knows its total without counting; past the end the count still answers.
    const last = await searchMembers(f.ctx, { actor, purpose: 'P01', kana: KANA, address: '東京都検索市南区', limit: 100, offset: 500 });
    expect(last).toMatchObject({ total: 550, total_exact: true });
    expect(last.members).toHaveLength(50);
    const past = await searchMembers(f.ctx, { actor, purpose: 'P01', kana: KANA, address: '東京都検索市南区', offset: 600 });
    expect(past).toMatchObject({ total: 550, total_exact: true, members: [] });
  });

  it('refuses bad filters with a field issue each, and filters on items the purpose does not use', async () => {
    const actor = await service();
    const issues = async (opts: { address?: string; birthYear?: string }) => {
      try {
        await searchMembers(f.ctx, { actor, purpose: 'P01', kana: KANA, ...opts });
      } catch (error) {
        return (error as { code: string; issues: { field: string; code: string; message_ja: string; message_en: string }[] }).issues;
      }
      throw new Error('not refused');
    };
    expect(await issues({ birthYear: 'abc' })).toEqual([expect.objectContaining({ field: 'birth_year', code: 'invalid_format' })]);
    expect(await issues({ birthYear: '1990-1980' })).toEqual([expect.objectContaining({ field: 'birth_year', code: 'range_reversed' })]);
    expect(await issues({ birthYear: '1700' })).toEqual([expect.objectContaining({ field: 'birth_year', code: 'out_of_range' })]);
    const both = await issues({ address: '東', birthYear: '19x0' });
    expect(both.map((i) => [i.field, i.code])).toEqual([
      ['address', 'too_short'],
      ['birth_year', 'invalid_format'],
    ]);
    for (const i of both) expect(i.message_ja && i.message_en).toBeTruthy();

    // ④ (delivery) has no birth date: filtering on it is refused like searching by it, and recorded.
    const staff = await f.actor('staff');
    await expect(searchMembers(f.ctx, { actor: staff, purpose: 'P04', kana: KANA, birthYear: '1955' })).rejects.toMatchObject({
      code: 'item_not_in_purpose',
    });
    const refused = await lastAudit();
    expect(refused).toMatchObject({ action: 'member.search', outcome: 'refused', actor_id: staff.id });
    expect(JSON.parse(refused.detail)).toEqual({ by: 'name_kana', results: 0, filters: ['birth_date'] });
  });

  it('walks indexes that carry the other filter columns and the id (migration 0018)', async () => {
    // The filtered walk reads index entries only when the walked index holds every column it checks.
    const columns = async (index: string): Promise<string[]> => {
      if (dialect === 'sqlite') {
        return (f.ctx.sqlite!.prepare(`pragma index_info("${index}")`).all() as { name: string }[]).map((c) => c.name);
      }
      const def = (
        await sql<{
          def: string;
        }>`select indexdef as def from pg_indexes where indexname = ${index} and schemaname = current_schema()`.execute(f.ctx.db)
      ).rows[0]!.def;
      return [...def.matchAll(/\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((c) => c.trim().split(' ')[0]!));
    };
    expect(await columns('members_kana')).toEqual(['org_id', 'name_kana_norm', 'birth_date', 'address', 'id']);
    expect(await columns('members_birth')).toEqual(['org_id', 'birth_date', 'name_kana_norm', 'address', 'id']);
    expect(await columns('members_address')).toEqual(['org_id', 'address', 'birth_date', 'name_kana_norm', 'id']);
  });

  it('walks a bounded window for a rare combination and says the total is a lower bound', async () => {
    const actor = await service();
    // With a window of 100 index entries both ranges (1,100 kana, 110 born in 1954) are cut, whichever walks:
    // the hits are those within the window (10 in the first 100 kana entries, at most 100 of the year's), and
    // the total is a lower bound.
    const cut = await searchMembers(f.ctx, { actor, purpose: 'P01', kana: KANA, birthYear: '1954', scanWindow: 100, limit: 100 });
    expect(cut).toMatchObject({ total_exact: false });
    expect(cut.total).toBeGreaterThanOrEqual(10);
    expect(cut.total).toBeLessThan(MANY / 10);
    expect(cut.members).toHaveLength(cut.total);
    expect(cut.members.every((m) => String(m.name_kana).startsWith(KANA) && Number(m.member_code) % 10 === 4)).toBe(true);
    // Without the window the same search is exact.
    expect(await searchMembers(f.ctx, { actor, purpose: 'P01', kana: KANA, birthYear: '1954' })).toMatchObject({
      total: MANY / 10,
      total_exact: true,
    });
    // The narrowest condition walks: an address of one member is exact whatever the window.
    const narrow = await searchMembers(f.ctx, { actor, purpose: 'P01', kana: KANA, address: '東京都検索市北区1丁目1000', scanWindow: 100 });
    expect(narrow).toMatchObject({ by: 'name_kana', total: 1, total_exact: true });
    expect(narrow.members.map((m) => m.member_code)).toEqual(['8001000']);
  });
});
