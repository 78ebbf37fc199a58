/**
 * Lists as downloads for the privacy office and auditors: CSV in UTF-8 with a BOM (Excel then reads it as
 * UTF-8), CSV in Shift_JIS (Windows-31J, which Japanese Excel and core systems expect: it holds ①…⑯ and
 * the NEC and IBM extensions that plain Shift_JIS lacks; a character outside it becomes `?`), and xlsx. Rows
 * arrive in batches and are written as they come (a streaming xlsx writer; CSV with back-pressure), so a long
 * export never sits in memory. Every text cell is neutralised against formulas (spreadsheet.ts).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { csvField, safeCell } from './spreadsheet.ts';

export const exportFormats = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof exportFormats)[number];
export const csvCharsets = ['utf-8', 'shift_jis'] as const;
export type CsvCharset = (typeof csvCharsets)[number];

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface TableColumn<T> {
  header: string;
  /** Column width in characters (xlsx). */
  width: number;
  value: (row: T) => string | number | null;
}

export interface TableExport<T> {
  format: ExportFormat;
  /** CSV only; UTF-8 (with BOM) unless given. */
  charset?: CsvCharset | undefined;
  sheetName: string;
  columns: readonly TableColumn<T>[];
  /** The rows in batches (pages of a query). */
  rows: AsyncIterable<readonly T[]>;
  /**
   * CSV only: lines written before the header, one cell each (what the file is, e.g. 仮名加工情報's notice).
   * A reader skips them by count, or by their leading `【`.
   */
  preamble?: readonly string[];
}

export function exportMediaType(format: ExportFormat, charset: CsvCharset = 'utf-8'): string {
  return format === 'xlsx' ? XLSX_TYPE : `text/csv; charset=${charset === 'shift_jis' ? 'Shift_JIS' : 'UTF-8'}`;
}

/** A download's names: Japanese for people, ASCII for clients that do not read RFC 5987. */
export function exportFileNames(ja: string, ascii: string, day: string, format: ExportFormat): { ja: string; ascii: string } {
  const safe = (s: string) => s.replace(/[\\/:*?"<>|\r\n]/g, '_');
  return { ja: safe(`${ja}_${day}.${format}`), ascii: safe(`${ascii}_${day}.${format}`) };
}

/** Encodes CSV text in the chosen character set (Shift_JIS as Windows-31J). */
export function encodeCsv(text: string, charset: CsvCharset): Buffer {
  return charset === 'shift_jis' ? iconv.encode(text, 'cp932') : Buffer.from(text, 'utf8');
}

async function write(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Writes the table to `out` and ends it. */
export async function writeTable<T>(out: Writable, t: TableExport<T>): Promise<void> {
  if (t.format === 'csv') {
    const charset = t.charset ?? 'utf-8';
    const line = (cells: (string | number | null)[]) => `${cells.map(csvField).join(',')}\r\n`;
    const preamble = (t.preamble ?? []).map((p) => line([p])).join('');
    await write(out, encodeCsv((charset === 'utf-8' ? '\uFEFF' : '') + preamble + line(t.columns.map((c) => c.header)), charset));
    for await (const batch of t.rows) {
      if (!batch.length) continue;
      await write(out, encodeCsv(batch.map((r) => line(t.columns.map((c) => c.value(r)))).join(''), charset));
    }
    out.end();
    return;
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'mamori';
  const ws = wb.addWorksheet(t.sheetName, {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
  });
  ws.columns = t.columns.map((c) => ({ header: c.header, width: c.width, style: { alignment: { wrapText: true, vertical: 'top' } } }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: t.columns.length } };
  header.commit();
  for await (const batch of t.rows) {
    for (const r of batch) ws.addRow(t.columns.map((c) => safeCell(c.value(r)))).commit();
  }
  ws.commit();
  await wb.commit();
}
