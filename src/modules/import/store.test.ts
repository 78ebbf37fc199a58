/**
 * The importer's member stores write exactly the values they are given, on both dialects: the PostgreSQL
 * store's set-based insert (array literals written by `arrayLiteral`) with values that need escaping or look
 * like array syntax, NULLs, empty strings and large share capitals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import type { MemberTable } from '../../db/schema.ts';
import { arrayLiteral, type MemberStore, memberColumns, PgMemberStore, SqliteMemberStore } from './store.ts';
import { type RowCells, rowColumns } from './transform.ts';

describe('arrayLiteral', () => {
  it('quotes every text, escapes quotes and backslashes only, and writes NULL and numbers bare', () => {
    expect(arrayLiteral(['a', null, '', 'NULL', 'x"y', 'c:\\dir', '{1,2}', 12], 0, 1, null)).toBe(
      '{"a",NULL,"","NULL","x\\"y","c:\\\\dir","{1,2}",12}',
    );
    // Column 1 of rows 2 and 0 of a flat table of width 2.
    expect(arrayLiteral(['r0c0', 'r0c1', 'r1c0', 'r1c1', 'r2c0', 'r2c1'], 1, 2, [2, 0])).toBe('{"r2c1","r0c1"}');
    expect(arrayLiteral([], 0, 1, null)).toBe('{}');
  });
});

describe.each(availableDialects())('member store on %s', (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 0 });
  });
  afterAll(async () => {
    await f?.dispose();
  });

  const awkward = [
    'ダブル"クォート',
    'バック\\スラッシュ\\\\',
    '{波括弧,カンマ}',
    'NULL',
    ' 前後の空白 ',
    '改行\nあり',
    "'単引用符'",
    '髙橋 ①',
  ];

  it('inserts rows whose text needs escaping exactly as given, NULLs and empty strings kept apart', async () => {
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    const rows: Partial<MemberTable>[] = awkward.map((text, i) => ({
      member_code: `880000${i}`,
      name: text,
      name_kana: 'テスト',
      name_kana_norm: 'テスト',
      gender: 'unknown',
      birth_date: null,
      postal_code: i % 2 ? '' : null,
      address: text,
      phone: null,
      phone_norm: null,
      email: null,
      bank_account_enc: null,
      delivery_type: 'individual',
      join_date: '2020-04-01',
      leave_date: null,
      share_capital: i === 0 ? 9_007_199_254_740 : i * 1000,
      status: 'active',
      note: text,
    }));
    const cells: RowCells = rows.flatMap((r) => rowColumns.map((c) => (r[c] ?? null) as string | number | null));
    const ids = rows.map((_, i) => `00000000-0000-7000-8000-00000000000${i}`);
    const at = '2026-12-03T00:00:00.000Z';
    await f.ctx.db.transaction().execute(async (tx) => {
      const store: MemberStore = dialect === 'postgres' ? new PgMemberStore(tx, org.id) : new SqliteMemberStore(f.ctx.sqlite!, org.id);
      // Rows 1, 3, 5, 7 only: the store takes the rows it is told, in that order.
      await store.insert({ cells, rows: [1, 3, 5, 7], ids: [ids[1]!, ids[3]!, ids[5]!, ids[7]!] }, at);
      await store.insert({ cells, rows: [], ids: [] }, at);
    });
    const stored = await f.ctx.db
      .selectFrom('members')
      .select(memberColumns)
      .where('org_id', '=', org.id)
      .where('member_code', 'like', '88%')
      .orderBy('member_code')
      .execute();
    expect(stored).toEqual(
      [1, 3, 5, 7].map((i) => ({ id: ids[i], org_id: org.id, ...rows[i], version: 1, created_at: at, updated_at: at })),
    );
  });
});
