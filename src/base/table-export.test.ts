/** Lists as downloads: CSV in UTF-8 with BOM or Windows-31J, xlsx; formulas neutralised in every format. */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { type TableColumn, writeTable } from './table-export.ts';

type Row = { name: string; n: number };
const columns: TableColumn<Row>[] = [
  { header: '名前', width: 10, value: (r) => r.name },
  { header: '件数', width: 6, value: (r) => r.n },
];
async function* batches(): AsyncGenerator<Row[]> {
  yield [{ name: '=HYPERLINK("http://x","①")', n: -1 }];
  yield [];
  yield [{ name: '髙橋, "はしごだか"\n2行目', n: 2 }];
}

async function render(format: 'csv' | 'xlsx', charset?: 'utf-8' | 'shift_jis'): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await Promise.all([
    writeTable(out, { format, charset, sheetName: '一覧', columns, rows: batches() }),
    new Promise((r) => out.on('end', r)),
  ]);
  return Buffer.concat(chunks);
}

describe('table export', () => {
  const expected = '名前,件数\r\n"\'=HYPERLINK(""http://x"",""①"")",-1\r\n"髙橋, ""はしごだか""\n2行目",2\r\n';

  it('writes UTF-8 CSV with a BOM, quoted as RFC 4180, formulas neutralised and numbers kept', async () => {
    const bytes = await render('csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(expected);
  });

  it('writes Shift_JIS as Windows-31J: ① and 髙 survive, no BOM', async () => {
    const bytes = await render('csv', 'shift_jis');
    expect(bytes[0]).toBe(0x96); // 名 in Shift_JIS
    expect(iconv.decode(bytes, 'cp932')).toBe(expected);
  });

  it('writes xlsx with the header row, text never a formula, numbers as numbers', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await render('xlsx')) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('一覧')!;
    expect(ws.getRow(1).values).toEqual([undefined, '名前', '件数']);
    expect(ws.getRow(2).getCell(1).value).toBe('\'=HYPERLINK("http://x","①")');
    expect(ws.getRow(2).getCell(2).value).toBe(-1);
    expect(ws.rowCount).toBe(3);
  });
});
