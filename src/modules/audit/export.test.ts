/**
 * Exporting a filtered view of the audit trail (issue 12 §4): the screen's filters, CSV in UTF-8 with BOM and in
 * Shift_JIS, xlsx; Japanese headers and words (English on request), JST times, each entry as a sentence; the
 * export itself audited with its filter and row count; only the roles that search the trail; a hard limit.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { prepareAuditExport } from './export.ts';

/** RFC 4180 rows (quoted fields with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe.each(availableDialects())('audit export on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let officer: Client;
  let auditor: Client;
  let staff: Client;
  const now = new Date('2026-11-24T03:00:00Z'); // 12:00 JST

  beforeAll(async () => {
    f = await demoFixture(dialect, { clock: () => now, members: 20 });
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    officer = new Client(app);
    auditor = new Client(app);
    staff = new Client(app);
    for (const [c, login] of [
      [officer, 'officer'],
      [auditor, 'auditor'],
      [staff, 'staff'],
    ] as const)
      expect((await c.login(f, login)).status).toBe(200);
    const id = await f.memberId('1000003');
    expect((await staff.get(`/api/v1/members/${id}?purpose=P04`)).status).toBe(200);
    expect((await staff.get(`/api/v1/members/${id}?purpose=P14`)).status).toBe(403);
  });
  afterAll(async () => {
    await app?.close();
    await f?.dispose();
  });

  const filter = 'actor=staff&action=member.read';

  it('writes the filtered entries as UTF-8 CSV with a BOM, Japanese headers, JST times and sentences', async () => {
    const screen = (await officer.get(`/api/v1/audit?${filter}`)).body.entries as { seq: number }[];
    expect(screen.length).toBe(2);
    const r = await officer.get(`/api/v1/audit/export?${filter}&format=csv`);
    expect(r.status, r.raw.slice(0, 300)).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=UTF-8');
    expect(decodeURIComponent(String(r.headers['content-disposition']).split("filename*=UTF-8''")[1]!)).toBe('監査記録_2026-11-24.csv');
    expect([...r.bytes!.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(r.bytes!.subarray(3).toString('utf8'));
    expect(rows[0]).toEqual([
      '記録番号',
      '日時（日本時間）',
      '操作者',
      '操作',
      '結果',
      '利用目的',
      '組合員',
      '内容',
      '拒否・失敗の理由',
      '詳細',
    ]);
    expect(rows.slice(1).map((c) => Number(c[0]))).toEqual(screen.map((e) => e.seq));
    const [refused, read] = rows.slice(1);
    expect(refused![1]).toBe('2026-11-24 12:00:00');
    expect(refused![2]).toMatch(/（staff）$/);
    expect(refused!.slice(3, 5)).toEqual(['組合員の参照', '拒否']);
    expect(refused![5]).toMatch(/^⑭ /);
    expect(refused![6]).toBe('1000003');
    expect(refused![7]).toMatch(/^組合員 1000003 を参照（利用目的: ⑭ /);
    expect(refused![8]).toContain('利用目的');
    expect(read![4]).toBe('許可');
    expect(read![7]).toMatch(/^組合員 1000003 を参照（利用目的: ④ .*、項目: .*氏名/);
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/[{}"]/);
  });

  it('writes Shift_JIS (Windows-31J) with the same text and no BOM', async () => {
    const utf8 = (await officer.get(`/api/v1/audit/export?${filter}&format=csv`)).bytes!.subarray(3).toString('utf8');
    const r = await officer.get(`/api/v1/audit/export?${filter}&format=csv&charset=shift_jis`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=Shift_JIS');
    expect(r.bytes![0]).not.toBe(0xef);
    // The circled purpose numbers (①…⑯) survive: Windows-31J holds them.
    const text = iconv.decode(r.bytes!, 'cp932');
    expect(text).toBe(utf8);
    expect(text).toContain('④');
  });

  it('writes xlsx with the rows the screen shows; English headers on request', async () => {
    const screen = (await auditor.get(`/api/v1/audit?${filter}`)).body.entries as { seq: number }[];
    for (const [lang, first] of [
      ['ja', '記録番号'],
      ['en', 'Entry'],
    ] as const) {
      const r = await auditor.get(`/api/v1/audit/export?${filter}&format=xlsx&lang=${lang}`);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.bytes as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      expect(ws.getRow(1).getCell(1).value).toBe(first);
      const seqs: number[] = [];
      ws.eachRow((row, n) => n > 1 && seqs.push(Number(row.getCell(1).value)));
      expect(seqs).toEqual(screen.map((e) => e.seq));
      expect(String(ws.getRow(2).getCell(4).value)).toBe(lang === 'ja' ? '組合員の参照' : 'Member record read');
    }
  });

  it('records each export with its filter and row count', async () => {
    const r = await officer.get('/api/v1/audit/export?member=1000003&outcome=refused&format=xlsx');
    expect(r.status).toBe(200);
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['detail', 'actor_id', 'outcome'])
      .where('action', '=', 'audit.export')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toMatchObject({
      format: 'xlsx',
      charset: null,
      rows: 1,
      member: '1000003',
      outcome: 'refused',
      via: 'api',
    });
  });

  it('a search by member code names the member by id in its own entry, with the filter in words', async () => {
    expect((await officer.get('/api/v1/audit?member=1000003&action=member.read&outcome=refused')).status).toBe(200);
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['member_id', 'detail'])
      .where('action', '=', 'audit.search')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry.member_id).toBe(await f.memberId('1000003'));
    expect(JSON.parse(entry.detail)).toMatchObject({ action: 'member.read', outcome: 'refused' });
  });

  it('is for the roles that search the trail only; bad filters are refused with the error shape', async () => {
    const refused = await staff.get('/api/v1/audit/export?format=csv');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('forbidden');
    const bad = await officer.get('/api/v1/audit/export?format=pdf');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message_ja).toBeTruthy();
  });

  it('refuses an export over the limit before anything is written or recorded', async () => {
    const count = async () =>
      Number(
        (
          await (
            await chained(f.ctx.db)
          )
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', '=', 'audit.export')
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    await expect(
      prepareAuditExport(f.ctx, {
        actor: { type: 'system', id: null, orgId: null, label: 'test' },
        orgId: org.id,
        filters: {},
        format: 'csv',
        lang: 'ja',
        staffNames: true,
        via: 'test',
        limit: 5,
      }),
    ).rejects.toMatchObject({ code: 'export_too_large' });
    expect(await count()).toBe(before);
  });
});
