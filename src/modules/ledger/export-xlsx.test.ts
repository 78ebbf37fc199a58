/**
 * The Excel export read back with exceljs: the three sheets with Japanese headers, a frozen header row and
 * autofilter, one row per asset (and per asset × stage), overdue and due-soon rows highlighted, and the export
 * recorded in the audit trail.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { contentDisposition } from '../../base/downloads.ts';
import { seedDemoLedger } from './demo.ts';
import { prepareLedgerExport } from './export-ledger.ts';
import {
  FILL_DUE_SOON,
  FILL_HIGH_RISK,
  FILL_OVERDUE,
  ledgerFileNames,
  SHEET_LEDGER,
  SHEET_REVIEWS,
  SHEET_RISKS,
  writeLedgerXlsx,
} from './export-xlsx.ts';

const NOW = new Date('2026-06-15T01:00:00Z');

async function toBuffer(write: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => out.on('end', resolve));
  await write(out);
  await ended;
  return Buffer.concat(chunks);
}

const headers = (ws: ExcelJS.Worksheet) => (ws.getRow(1).values as unknown[]).slice(1);
const fillOf = (cell: ExcelJS.Cell) => (cell.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb ?? null;

describe.each(availableDialects())('ledger xlsx export on %s', (dialect) => {
  let f: Fixture;
  let wb: ExcelJS.Workbook;
  let bytes: Buffer;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 5, clock: () => NOW });
    const officer = await f.actor('officer');
    await f.ctx.db.transaction().execute((tx) => seedDemoLedger(tx, officer.orgId, NOW));
    const input = await prepareLedgerExport(f.ctx, { scope: { orgId: officer.orgId }, actor: officer, via: 'test' });
    bytes = await toBuffer((out) => writeLedgerXlsx(input, out));
    wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('is a zip (xlsx) with the three sheets, and the export is audited', async () => {
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(wb.worksheets.map((w) => w.name)).toEqual([SHEET_LEDGER, SHEET_RISKS, SHEET_REVIEWS]);
    const entry = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'ledger.export')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toMatchObject({ assets: 6, department: null, via: 'test' });
  });

  it('text typed by people never becomes a formula; numbers stay numbers', async () => {
    const officer = await f.actor('officer');
    const input = await prepareLedgerExport(f.ctx, { scope: { orgId: officer.orgId }, actor: officer, via: 'test' });
    const [first, ...rest] = input.assets;
    const payload = '=HYPERLINK("http://example.invalid","x")';
    const asset = { ...first!, name: payload, storage_location: '@SUM(1+1)', review: { ...first!.review, interval_months: 12 } };
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toBuffer((out) => writeLedgerXlsx({ ...input, assets: [asset, ...rest] }, out))) as unknown as ArrayBuffer);
    const ws = book.getWorksheet(SHEET_LEDGER)!;
    const row = (ws.getRow(2).values as unknown[]).slice(1);
    expect(row).toContain(`'${payload}`);
    expect(row).toContain("'@SUM(1+1)");
    expect(row.filter((v) => typeof v === 'string' && /^[=+\-@\t\r]/.test(v))).toEqual([]);
    expect(row.some((v) => typeof v === 'object' && v !== null && 'formula' in v)).toBe(false);
    const reviews = book.getWorksheet(SHEET_REVIEWS)!;
    expect((reviews.getRow(2).values as unknown[]).slice(1)).toContain(`'${payload}`);
    expect((reviews.getRow(2).values as unknown[]).slice(1)).toContain(12);
  });

  it('台帳: Japanese headers, frozen header row, autofilter, widths, wrapped text, one row per asset', () => {
    const ws = wb.getWorksheet(SHEET_LEDGER)!;
    const h = headers(ws);
    expect(h.slice(0, 4)).toEqual(['台帳番号', '情報資産の名称', '管理部門', '媒体']);
    for (const expected of [
      '情報項目',
      '利用目的',
      '保管場所',
      '保管方法',
      'アクセス権者',
      '利用期間',
      '保存期間',
      '要配慮個人情報',
      '取得方法',
    ]) {
      expect(h).toContain(expected);
    }
    for (const expected of ['利用目的の通知・公表', '同意の取得', '第三者提供', '共同利用', '委託先', '次回見直し期限', '見直し状況']) {
      expect(h).toContain(expected);
    }
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.getColumn(2).width).toBeGreaterThan(20);
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.rowCount).toBe(1 + 6);
    const row = ws.getRow(2);
    expect(row.getCell(1).value).toBe('L-0001');
    expect(row.getCell(2).value).toBe('組合員台帳システム');
    expect(row.getCell(3).value).toBe('機関運営部');
    expect(row.getCell(2).alignment?.wrapText).toBe(true);
    const col = (name: string) => h.indexOf(name) + 1;
    expect(String(row.getCell(col('利用目的')).value)).toContain('① メンバー（組合員）の出資金');
    expect(String(row.getCell(col('情報項目')).value)).toContain('氏名');
    const welfare = ws.getRow(5);
    expect(welfare.getCell(2).value).toBe('福祉サービス利用者記録');
    expect(welfare.getCell(col('要配慮個人情報')).value).toBe('有');
    const next = ws.getRow(4).getCell(col('次回見直し期限')).value;
    expect(next).toBeInstanceOf(Date);
    expect((next as Date).toISOString().slice(0, 10)).toBe('2026-04-15');
    expect(ws.getRow(4).getCell(col('見直し状況')).value).toBe('期限切れ');
  });

  it('リスク評価: one row per asset and stage, unassessed and not-applicable stages named, high residual risk marked', () => {
    const ws = wb.getWorksheet(SHEET_RISKS)!;
    expect(headers(ws)).toEqual(['台帳番号', '情報資産の名称', '管理部門', '段階', '評価', '脅威・リスク', '対策', '残存リスク']);
    expect(ws.rowCount).toBe(1 + 6 * 7);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const stages = [2, 3, 4, 5, 6, 7, 8].map((r) => ws.getRow(r).getCell(4).value);
    expect(stages).toEqual(['取得・入力', '移送・送信', '利用・加工', '保管・バックアップ', '消去・廃棄', '委託', '提供']);
    expect(ws.getRow(8).getCell(5).value).toBe('該当なし');
    const rows = Array.from({ length: ws.rowCount - 1 }, (_, i) => ws.getRow(i + 2));
    const high = rows.find((r) => r.getCell(8).value === '高')!;
    expect(high.getCell(2).value).toBe('共済申込書（紙）');
    expect(high.getCell(4).value).toBe('消去・廃棄');
    expect(fillOf(high.getCell(8))).toBe(FILL_HIGH_RISK);
  });

  it('見直し状況: overdue and due-soon rows highlighted, others plain', () => {
    const ws = wb.getWorksheet(SHEET_REVIEWS)!;
    expect(headers(ws)).toEqual([
      '台帳番号',
      '情報資産の名称',
      '管理部門',
      '見直し間隔（月）',
      '前回見直し日',
      '次回見直し期限',
      '状況',
      '超過日数',
      '最終見直し者',
      '結果',
      '所見',
    ]);
    const byName = new Map(Array.from({ length: ws.rowCount - 1 }, (_, i) => ws.getRow(i + 2)).map((r) => [r.getCell(2).value, r]));
    const overdue = byName.get('共済申込書（紙）')!;
    expect(overdue.getCell(7).value).toBe('期限切れ');
    expect(overdue.getCell(8).value).toBe(61);
    expect(overdue.getCell(9).value).toBe('保護 管理子');
    expect(overdue.getCell(10).value).toBe('要対応');
    for (let c = 1; c <= 11; c++) expect(fillOf(overdue.getCell(c))).toBe(FILL_OVERDUE);
    expect(fillOf(byName.get('宅配注文書（紙）')!.getCell(7))).toBe(FILL_DUE_SOON);
    expect(fillOf(byName.get('組合員台帳システム')!.getCell(7))).toBeNull();
  });
});

describe('download names', () => {
  it('offers the Japanese file name by RFC 5987 with an ASCII fallback', () => {
    const names = ledgerFileNames({ code: 'demo-coop', name: 'デモ生活協同組合' }, '2026-06-15');
    expect(names).toEqual({ ja: '個人情報管理台帳_デモ生活協同組合_2026-06-15.xlsx', ascii: 'ledger_demo-coop_2026-06-15.xlsx' });
    const header = contentDisposition(names);
    expect(header).toMatch(/^attachment; filename="ledger_demo-coop_2026-06-15\.xlsx"; filename\*=UTF-8''/);
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).toBe(names.ja);
  });
});
