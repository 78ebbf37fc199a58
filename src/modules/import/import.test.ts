/**
 * The member import on SQLite and PostgreSQL, through the service: encodings and header names, a mapping file,
 * rejected rows (and that a My Number goes nowhere), idempotent re-runs, updates, header errors, dry run and
 * strict mode. The CLI and the kill test are in import-cli.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import type { Actor } from '../audit/events.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { csvColumns, csvLine, type SyntheticMember, syntheticMember } from '../demo/synthetic.ts';
import { myNumberCheckDigit } from '../my-number/detect.ts';
import { type ImportMembersOptions, importMembers } from './import-members.ts';

const actor: Actor = { type: 'cli', id: null, orgId: null, label: 'test:import' };
const englishHeader = csvColumns.join(',');
/** A synthetic member with another member code (2xxxxxx: not among the demo co-op's 1000001…). */
const fresh = (code: number, changes: Partial<SyntheticMember> = {}): SyntheticMember => ({
  ...syntheticMember(code),
  member_code: String(code),
  ...changes,
});

describe.each(availableDialects())('member import on %s', (dialect) => {
  let f: Fixture;
  let dir: string;
  beforeAll(async () => {
    f = await demoFixture(dialect);
    dir = mkdtempSync(join(tmpdir(), 'mamori-import-'));
  });
  afterAll(async () => {
    await f?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const run = (file: string, o: Partial<ImportMembersOptions> = {}) => importMembers(f.ctx, { orgCode: 'demo-coop', file, actor, ...o });
  const member = (code: string) =>
    f.ctx.db
      .selectFrom('members')
      .innerJoin('organizations', 'organizations.id', 'members.org_id')
      .selectAll('members')
      .where('organizations.code', '=', 'demo-coop')
      .where('members.member_code', '=', code)
      .executeTakeFirst();
  const count = async (table: 'audit_log' | 'members') =>
    Number(
      (
        await f.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const auditSince = async (seq: number) =>
    (await chained(f.ctx.db)).selectFrom('audit_log').selectAll().where('seq', '>', seq).orderBy('seq').execute();
  const lastSeq = async () =>
    Number((await (await chained(f.ctx.db)).selectFrom('audit_head').select('seq').executeTakeFirstOrThrow()).seq);
  const runRow = (id: string) => f.ctx.db.selectFrom('import_runs').selectAll().where('id', '=', id).executeTakeFirst();

  it('imports UTF-8 with a BOM and Japanese headers, normalising and encrypting like the ledger, audited', async () => {
    const file = write(
      'ja-utf8.csv',
      `\uFEFF${[
        '組合員コード,氏名,フリガナ,性別,生年月日,郵便番号,住所,電話番号,メールアドレス,登録口座,利用形態,加入日,備考',
        '2000001,山田　花子,やまだ　はなこ,女,昭和55年4月1日,９８０－０８１１,宮城県仙台市青葉区一番町1-1,０２２－２１１－１１１１,Hanako@Example.jp,七十七銀行 本店 普通 1234567,班,2020/4/1,"置き配, 玄関前"',
        '2000002,佐藤 一郎,ｻﾄｳ ｲﾁﾛｳ,男,1975-12-24,,,090-1111-2222,,,個配,2021-04-01,',
      ].join('\r\n')}\r\n`,
    );
    const seq = await lastSeq();
    const s = await run(file);
    expect(s).toMatchObject({ status: 'completed', committed: true, encoding: 'utf8', rows: 2, created: 2, updated: 0, rejected: 0 });
    // Where the writer's time went, by kind of database work (seconds).
    for (const k of ['lookup', 'members', 'audit', 'indexes', 'commit'] as const) expect(s.timings[k]).toBeGreaterThanOrEqual(0);
    expect(s.timings.members + s.timings.audit).toBeLessThanOrEqual(s.seconds);
    const m = await member('2000001');
    expect(m).toMatchObject({
      name: '山田 花子',
      name_kana: 'ヤマダ ハナコ',
      name_kana_norm: 'ヤマダハナコ',
      gender: 'female',
      birth_date: '1980-04-01',
      postal_code: '980-0811',
      phone: '022-211-1111',
      phone_norm: '0222111111',
      email: 'hanako@example.jp',
      delivery_type: 'group',
      join_date: '2020-04-01',
      note: '置き配, 玄関前',
      version: 1,
    });
    expect(m!.bank_account_enc).toMatch(/^v1\./);
    expect(f.ctx.keys.decrypt(m!.bank_account_enc!)).toBe('七十七銀行 本店 普通 1234567');
    expect(await member('2000002')).toMatchObject({ name_kana: 'サトウ イチロウ', gender: 'male', bank_account_enc: null });

    const entries = await auditSince(seq);
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['member.import', 'ok'],
      ['member.import', 'ok'],
      ['import.run', 'ok'],
    ]);
    expect(entries[0]!.member_id).toBe(m!.id);
    expect(JSON.parse(entries[0]!.detail)).toMatchObject({ run: s.runId, change: 'created', actor: 'test:import' });
    expect(JSON.parse(entries[2]!.detail)).toMatchObject({ run: s.runId, created: 2, sha256: s.sha256 });
    expect(await runRow(s.runId)).toMatchObject({ status: 'completed', rows_total: 2, rows_created: 2, file_sha256: s.sha256 });
    expect((await verifyAuditChain(f.ctx.db)).ok).toBe(true);
  });

  it('detects Shift_JIS (cp932) and reads header aliases; the wrong encoding is refused, not imported garbled', async () => {
    const text = `${[
      '組合員番号,名前,ふりがな,生年月日,住所,電話,加入日',
      '2000011,髙橋 美咲,タカハシ ミサキ,1990/1/2,宮城県石巻市立町1-2-3,0225-11-2222,2019/10/1',
      '2000012,渡辺 健一,ワタナベ ケンイチ,H2.3.4,宮城県名取市増田5-6,,R1.5.1',
    ].join('\r\n')}\r\n`;
    const file = write('ja-sjis.csv', iconv.encode(text, 'cp932'));
    const s = await run(file);
    expect(s).toMatchObject({ encoding: 'cp932', rows: 2, created: 2, rejected: 0 });
    expect(await member('2000011')).toMatchObject({ name: '髙橋 美咲', name_kana: 'タカハシ ミサキ', address: '宮城県石巻市立町1-2-3' });
    expect(await member('2000012')).toMatchObject({ birth_date: '1990-03-04', join_date: '2019-05-01' });
    await expect(run(file, { encoding: 'utf8' })).rejects.toMatchObject({ code: 'import_file_unreadable' });
  });

  it('reads English headers across many chunks and worker threads, with line numbers after a multi-line cell', async () => {
    const lines = [englishHeader];
    for (let i = 0; i < 150; i++) lines.push(csvLine(fresh(2001000 + i)));
    lines.push(csvLine(fresh(2001150, { note: '1行目\n2行目' }))); // lines 152–153
    for (let i = 151; i < 300; i++) lines.push(csvLine(fresh(2001000 + i)));
    lines.push(csvLine(fresh(2001300, { birth_date: '2001-13-01' }))); // line 303
    const file = write('english.csv', `${lines.join('\n')}\n`);
    const s = await run(file, { chunkBytes: 2048, workers: 2 });
    expect(s).toMatchObject({ rows: 301, created: 300, rejected: 1 });
    expect(s.rejections).toEqual([
      expect.objectContaining({ line: 303, field: 'birth_date', code: 'invalid_date', memberCode: '2001300' }),
    ]);
    expect((await member('2001150'))!.note).toBe('1行目 2行目');
    expect(await member('2001299')).toMatchObject({ name: fresh(2001299).name });
  });

  it('reads quotes as csv-parse does where the fast reader stops, and refuses a quote left open with its line', async () => {
    const header = 'member_code,name,name_kana,join_date,note';
    const lenient = write(
      'quotes.csv',
      [
        header,
        '2000651,岡 一,オカ ハジメ,2020-01-01,"置き配"です',
        '2000652,"岡 ""二""",オカ ジ,2020-01-01,"改行\n入り"',
        '2000653,岡 三,オカ ゾウ,いつか,',
      ].join('\n'),
    );
    const s = await run(lenient);
    expect(s).toMatchObject({ rows: 3, created: 2, rejected: 1 });
    expect(s.rejections).toEqual([expect.objectContaining({ line: 5, memberCode: '2000653', code: 'invalid_date' })]);
    expect(await member('2000651')).toMatchObject({ note: '"置き配"です' });
    expect(await member('2000652')).toMatchObject({ name: '岡 "二"', note: '改行 入り' });
    const members = await count('members');
    const open = write(
      'open-quote.csv',
      [header, '2000661,岡 四,オカ シ,2020-01-01,', '2000662,岡 五,オカ ゴ,2020-01-01,"閉じない'].join('\n'),
    );
    await expect(run(open)).rejects.toMatchObject({
      code: 'import_file_unreadable',
      issues: [expect.objectContaining({ code: 'csv_syntax', message_ja: expect.stringContaining('3行目') })],
    });
    expect(await count('members')).toBe(members);
  });

  it('reads another layout through a mapping file: columns, ignored columns, a constant, the encoding', async () => {
    const mapping = {
      encoding: 'cp932',
      columns: { 会員NO: 'member_code', 氏名漢字: 'name', 氏名カナ: 'name_kana', 入会日: 'join_date' },
      ignore: ['店舗コード', '担当者'],
      constants: { delivery_type: '店舗' },
    };
    const text = [
      '会員NO,氏名漢字,氏名カナ,入会日,店舗コード,担当者,生年月日',
      '2000201,伊藤 陽子,イトウ ヨウコ,令和2年5月1日,S01,鈴木,1970-01-01',
    ].join('\n');
    const file = write('other-layout.csv', iconv.encode(text, 'cp932'));
    const s = await run(file, { mapping: write('mapping.json', JSON.stringify(mapping)) });
    expect(s).toMatchObject({ encoding: 'cp932', created: 1, rejected: 0 });
    expect(await member('2000201')).toMatchObject({
      name: '伊藤 陽子',
      join_date: '2020-05-01',
      birth_date: '1970-01-01',
      delivery_type: 'store_only',
    });
    for (const bad of [
      { columns: { 会員NO: 'nickname' } },
      { constants: { member_code: 'X1' } },
      { constants: { birth_date: 'someday' } },
      write('broken.json', '{ "columns": '),
    ]) {
      await expect(run(file, { mapping: bad })).rejects.toMatchObject({ code: 'import_mapping_invalid' });
    }
  });

  it('rejects rows with line, field and reason; a My Number is refused, audited by field, and stored nowhere', async () => {
    const first11 = '31415926535';
    const myNumber = `${first11}${myNumberCheckDigit(first11)}`;
    const spaced = `${myNumber.slice(0, 4)} ${myNumber.slice(4, 8)} ${myNumber.slice(8)}`;
    const file = write(
      'rejects.csv',
      [
        'member_code,name,name_kana,birth_date,join_date,note',
        '2000301,木村 花子,キムラ ハナコ,1980-01-01,2020-04-01,',
        '2000302,林 太郎,ハヤシ タロウ,2001-02-30,2020-04-01,',
        '2000303,森 次郎,Mori Jiro,1970-01-01,2020-04-01,',
        `2000304,池田 三郎,イケダ サブロウ,1960-05-05,2020-04-01,個人番号 ${spaced} を控え済み`,
        '2000301,木村 花子,キムラ ハナコ,1980-01-01,2020-04-01,二度目',
        '2000305,橋本 四郎,ハシモト シロウ,1950-06-06,2020-04-01,',
      ].join('\n'),
    );
    const seq = await lastSeq();
    const s = await run(file);
    expect(s).toMatchObject({ rows: 6, created: 2, rejected: 4, status: 'completed' });
    expect(s.rejections.map((r) => [r.line, r.memberCode, r.field, r.code])).toEqual([
      [3, '2000302', 'birth_date', 'invalid_date'],
      [4, '2000303', 'name_kana', 'not_kana'],
      [5, '2000304', 'note', 'my_number'],
      [6, '2000301', 'member_code', 'duplicate_in_file'],
    ]);
    for (const r of s.rejections) {
      expect(r.message_ja).toMatch(/[ぁ-んァ-ヶ一-龠]/);
      expect(r.message_en).toMatch(/[a-z]/);
    }
    expect(s.reportFile).toBe(join(dir, 'rejects.rejected.csv'));
    const report = readFileSync(s.reportFile!, 'utf8');
    expect(report.startsWith('\uFEFFline,member_code,field,field_ja,code,message_ja,message_en')).toBe(true);
    expect(report).toContain('3,2000302,birth_date,生年月日,invalid_date,');
    expect(report).toContain('5,2000304,note,備考,my_number,');
    expect(await member('2000304')).toBeUndefined();
    expect((await member('2000301'))!.note).toBeNull(); // the first row counts, the repeat is rejected

    const refusals = (await auditSince(seq)).filter((e) => e.action === 'input.my_number_rejected');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ outcome: 'refused', member_id: null });
    expect(JSON.parse(refusals[0]!.detail)).toMatchObject({ path: 'import:members', run: s.runId, line: 5, fields: ['note'] });

    const everything = JSON.stringify([
      await f.ctx.db.selectFrom('members').selectAll().execute(),
      await (await chained(f.ctx.db)).selectFrom('audit_log').selectAll().execute(),
      await f.ctx.db.selectFrom('import_runs').selectAll().execute(),
      report,
    ]);
    for (const form of [myNumber, spaced, myNumber.slice(0, 8)]) expect(everything).not.toContain(form);
  });

  it('is idempotent: known members are unchanged, new ones created once, and a second run writes nothing', async () => {
    // The demo co-op's members 1000001–1000030 are these synthetic members: 31–40 are new.
    const lines = [englishHeader];
    for (let i = 1; i <= 40; i++) lines.push(csvLine(syntheticMember(i)));
    const file = write('synthetic.csv', `${lines.join('\n')}\n`);
    const first = await run(file);
    expect(first).toMatchObject({ rows: 40, created: 10, updated: 0, unchanged: 30, rejected: 0 });
    const audit = await count('audit_log');
    const members = await count('members');
    // The first run read the organization's codes once; the second asks the database per chunk (a large ledger).
    const second = await run(file, { knownCodesLimit: 0 });
    expect(second).toMatchObject({ status: 'completed', rows: 40, created: 0, updated: 0, unchanged: 40, rejected: 0 });
    expect(await count('audit_log')).toBe(audit);
    expect(await count('members')).toBe(members);
    expect((await member('1000040'))!.version).toBe(1);
    expect(await runRow(second.runId)).toMatchObject({ status: 'completed', rows_unchanged: 40, rows_created: 0 });
  });

  it('updates only what changed, bumps the version, and records the changed fields', async () => {
    const m5 = syntheticMember(5);
    const before = (await member('1000005'))!;
    const file = write(
      'update.csv',
      `${[englishHeader, csvLine({ ...m5, address: '宮城県仙台市泉区泉中央1-2-3', phone: '０２２－９９９－００００' }), csvLine(syntheticMember(7))].join('\n')}\n`,
    );
    const seq = await lastSeq();
    const s = await run(file);
    expect(s).toMatchObject({ updated: 1, unchanged: 1, created: 0, rejected: 0 });
    expect(await member('1000005')).toMatchObject({
      address: '宮城県仙台市泉区泉中央1-2-3',
      phone: '022-999-0000',
      phone_norm: '0229990000',
      name: before.name,
      bank_account_enc: before.bank_account_enc, // unchanged value, not re-encrypted
      version: before.version + 1,
    });
    const [entry] = (await auditSince(seq)).filter((e) => e.action === 'member.import');
    expect(entry).toMatchObject({ member_id: before.id });
    expect(JSON.parse(entry!.detail)).toMatchObject({ change: 'updated', fields: ['address', 'phone'], run: s.runId });

    // A change that breaks a rule only together with what is stored: join date after the stored leave date.
    await run(
      write(
        'withdrawn.csv',
        `${englishHeader}\n${csvLine(fresh(2000401, { status: 'withdrawn', join_date: '2010-01-01', leave_date: '2020-01-01' }))}\n`,
      ),
    );
    const late = await run(write('late-join.csv', 'member_code,name,name_kana,join_date\n2000401,阿部 五郎,アベ ゴロウ,2021-01-01\n'));
    expect(late).toMatchObject({ updated: 0, rejected: 1 });
    expect(late.rejections[0]).toMatchObject({ line: 2, field: 'leave_date', code: 'before_join_date' });
  });

  it('refuses a bad header (unknown column, no member code column) with a stable code, and records the attempt', async () => {
    const members = await count('members');
    const unknown = write('unknown-column.csv', 'member_code,name,name_kana,join_date,好きな色\n2000501,a,ア,2020-01-01,青\n');
    const error = await run(unknown).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'import_header_invalid' });
    expect((error as { issues: { code: string; field: string }[] }).issues).toEqual([
      expect.objectContaining({ code: 'unknown_column', field: '好きな色' }),
    ]);
    const noCode = write('no-code.csv', '氏名,フリガナ,加入日\n山田 花子,ヤマダ ハナコ,2020-01-01\n');
    await expect(run(noCode)).rejects.toMatchObject({
      code: 'import_header_invalid',
      issues: [expect.objectContaining({ code: 'missing_column', field: 'member_code' })],
    });
    await expect(run(write('empty.csv', ''))).rejects.toMatchObject({ code: 'import_file_unreadable' });
    await expect(run(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'import_file_unreadable' });
    await expect(run(noCode, { orgCode: 'no-such-coop' })).rejects.toMatchObject({ code: 'organization_unknown' });
    expect(await count('members')).toBe(members);
    const failed = await f.ctx.db.selectFrom('import_runs').select('status').where('file_name', '=', unknown).execute();
    expect(failed).toEqual([{ status: 'failed' }]);
  });

  it('a bulk load rebuilds the secondary indexes; rolled back, it leaves them as they were', async () => {
    const lines = [englishHeader];
    for (let i = 0; i < 1000; i++) lines.push(csvLine(fresh(2100000 + i)));
    const good = write('bulk.csv', `${lines.join('\n')}\n`);
    const bad = write('bulk-bad.csv', `${lines.join('\n')}\n${csvLine(fresh(2101000, { join_date: 'いつか' }))}\n`);
    const indexes = async () =>
      f.ctx.sqlite
        ? (f.ctx.sqlite
            .prepare("select name from sqlite_master where type = 'index' and tbl_name = 'members' order by name")
            .pluck()
            .all() as string[])
        : [];
    const before = await indexes();
    const settings = () =>
      f.ctx.sqlite && [f.ctx.sqlite.pragma('cache_size', { simple: true }), f.ctx.sqlite.pragma('temp_store', { simple: true })];
    const connection = settings();
    const members = await count('members');

    const rolledBack = await run(bad, { strict: true, bulkIndexRows: 500 });
    expect(rolledBack).toMatchObject({ status: 'failed', created: 1000, rejected: 1 });
    expect(await count('members')).toBe(members);
    expect(await indexes()).toEqual(before);

    const loaded = await run(good, { bulkIndexRows: 500 });
    expect(loaded).toMatchObject({ status: 'completed', created: 1000 });
    expect(await indexes()).toEqual(before);
    if (f.ctx.sqlite) {
      expect(before).toEqual(expect.arrayContaining(['members_kana', 'members_name', 'members_phone']));
      expect(f.ctx.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(settings()).toEqual(connection);
    }
  });

  it('refuses an unwritable report place, and a database another process is writing to, importing nothing', async () => {
    const file = write('small.csv', 'member_code,name,name_kana,join_date\n2000701,岡田 花,オカダ ハナ,2020-01-01\n');
    await expect(run(file, { report: join(dir, 'no-such-dir', 'r.csv') })).rejects.toMatchObject({ code: 'import_report_unwritable' });
    if (f.database.sqlite) {
      const raw = f.database.sqlite;
      const timeout = raw.pragma('busy_timeout', { simple: true });
      raw.pragma('busy_timeout = 50');
      const other = new BetterSqlite3(raw.name);
      other.exec('begin immediate');
      try {
        await expect(run(file)).rejects.toMatchObject({ code: 'import_busy' });
      } finally {
        other.exec('rollback');
        other.close();
        raw.pragma(`busy_timeout = ${timeout}`);
      }
    }
    expect(await member('2000701')).toBeUndefined();
    expect((await run(file)).created).toBe(1);
  });

  it('dry run and strict mode write no member (a My Number refusal is still audited)', async () => {
    const myNumber = `${'27182818284'}${myNumberCheckDigit('27182818284')}`;
    const file = write(
      'mixed.csv',
      [
        'member_code,name,name_kana,join_date,note',
        '2000601,松本 花,マツモト ハナ,2020-01-01,',
        '2000602,井上 空,Inoue Sora,2020-01-01,',
        `2000603,清水 海,シミズ ウミ,2020-01-01,${myNumber}`,
      ].join('\n'),
    );
    const members = await count('members');
    const dry = await run(file, { dryRun: true, report: null });
    expect(dry).toMatchObject({ status: 'dry_run', committed: false, created: 1, rejected: 2, reportFile: null });
    expect(await runRow(dry.runId)).toBeUndefined();

    const strict = await run(file, { strict: true });
    expect(strict).toMatchObject({ status: 'failed', committed: false, created: 1, rejected: 2 });
    expect(await runRow(strict.runId)).toMatchObject({ status: 'failed', rows_rejected: 2 });
    expect(await count('members')).toBe(members);
    const refusals = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'input.my_number_rejected')
      .execute();
    const runs = refusals.map((r) => JSON.parse(r.detail).run);
    expect(runs).toContain(dry.runId);
    expect(runs).toContain(strict.runId);

    const clean = await run(write('clean.csv', 'member_code,name,name_kana,join_date\n2000604,松本 空,マツモト ソラ,2020-01-01\n'), {
      strict: true,
    });
    expect(clean).toMatchObject({ status: 'completed', created: 1 });
    expect((await verifyAuditChain(f.ctx.db)).ok).toBe(true);
  });
});
