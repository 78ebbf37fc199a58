/**
 * The ledger as an Excel workbook for auditors and the privacy office: 台帳 (one row per asset), リスク評価
 * (asset × lifecycle stage) and 見直し状況 (the review clock, overdue and due-soon rows highlighted). Japanese
 * headers, a frozen header row, autofilter, column widths, wrapped text and A4 landscape printing.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { safeCell } from '../../base/spreadsheet.ts';
import {
  acquisitionLabels,
  assetFieldLabels,
  lifecycleStages,
  mediumLabels,
  residualLabels,
  reviewResultLabels,
  reviewStateLabels,
  stageLabels,
} from '../../contract/ledger-vocabulary.ts';
import type { PresentedAsset } from './presenter.ts';

export const SHEET_LEDGER = '台帳';
export const SHEET_RISKS = 'リスク評価';
export const SHEET_REVIEWS = '見直し状況';

/** Fills (ARGB) that mark a row: overdue, due soon, a high residual risk. */
export const FILL_OVERDUE = 'FFF8CBAD';
export const FILL_DUE_SOON = 'FFFFE699';
export const FILL_HIGH_RISK = 'FFF8CBAD';
const FILL_HEADER = 'FFD9E1F2';

export interface LedgerWorkbookInput {
  organization: { code: string; name: string };
  assets: readonly PresentedAsset[];
  /** The Japan date the review states were computed for. */
  today: string;
  generatedAt: Date;
}

type Column = { header: string; width: number; value: (a: PresentedAsset) => ExcelJS.CellValue };

const L = assetFieldLabels;
const dateCell = (d: string | null): ExcelJS.CellValue => (d ? new Date(`${d}T00:00:00Z`) : null);
const lines = (values: readonly string[]) => values.join('\n');
const gapLabel = (g: string) =>
  g.startsWith('risks.')
    ? `リスク評価（${stageLabels[g.slice(6) as keyof typeof stageLabels]?.ja ?? g}）`
    : (L[g as keyof typeof L]?.ja ?? g);

const ledgerColumns: Column[] = [
  { header: L.code.ja, width: 11, value: (a) => a.code },
  { header: L.name.ja, width: 28, value: (a) => a.name },
  { header: L.department.ja, width: 16, value: (a) => a.department.name },
  { header: L.medium.ja, width: 9, value: (a) => mediumLabels[a.medium].ja },
  { header: L.description.ja, width: 30, value: (a) => a.description },
  { header: L.data_subjects.ja, width: 14, value: (a) => a.data_subjects },
  { header: L.record_count.ja, width: 11, value: (a) => a.record_count },
  { header: L.items.ja, width: 30, value: (a) => a.items.map((i) => i.name).join('、') },
  { header: L.other_items.ja, width: 22, value: (a) => a.other_items },
  { header: L.purposes.ja, width: 40, value: (a) => lines(a.purposes.map((p) => `${p.label} ${p.name}`)) },
  { header: L.storage_location.ja, width: 20, value: (a) => a.storage_location },
  { header: L.storage_method.ja, width: 24, value: (a) => a.storage_method },
  { header: L.access_scope.ja, width: 22, value: (a) => a.access_scope },
  { header: L.period_of_use.ja, width: 18, value: (a) => a.period_of_use },
  { header: L.retention.ja, width: 18, value: (a) => a.retention },
  { header: L.disposal_method.ja, width: 22, value: (a) => a.disposal_method },
  { header: L.sensitive.ja, width: 10, value: (a) => (a.sensitive ? '有' : '無') },
  { header: L.sensitive_note.ja, width: 22, value: (a) => a.sensitive_note },
  { header: L.acquisition_method.ja, width: 20, value: (a) => (a.acquisition_method ? acquisitionLabels[a.acquisition_method].ja : '') },
  { header: L.acquisition_note.ja, width: 24, value: (a) => a.acquisition_note },
  { header: L.notice_method.ja, width: 24, value: (a) => a.notice_method },
  { header: L.consent.ja, width: 20, value: (a) => a.consent },
  { header: L.provision.ja, width: 22, value: (a) => a.provision },
  { header: L.joint_use.ja, width: 22, value: (a) => a.joint_use },
  {
    header: L.contractors.ja,
    width: 26,
    value: (a) => lines(a.contractors.map((c) => (c.service ? `${c.name}（${c.service}）` : c.name))),
  },
  { header: '最高残存リスク', width: 10, value: (a) => (a.highest_residual_risk ? residualLabels[a.highest_residual_risk].ja : '') },
  { header: L.review_interval_months.ja, width: 10, value: (a) => a.review.interval_months },
  { header: L.last_reviewed_on.ja, width: 12, value: (a) => dateCell(a.review.last_reviewed_on) },
  { header: L.next_review_on.ja, width: 12, value: (a) => dateCell(a.review.next_review_on) },
  { header: L.review_state.ja, width: 10, value: (a) => reviewStateLabels[a.review.state].ja },
  { header: '記載漏れ', width: 24, value: (a) => a.gaps.map(gapLabel).join('、') },
  { header: L.status.ja, width: 8, value: (a) => (a.status === 'active' ? '利用中' : `廃止（${a.retired_on ?? ''}）`) },
  { header: L.updated_at.ja, width: 12, value: (a) => dateCell(a.updated_at.slice(0, 10)) },
];

type RiskRow = { asset: PresentedAsset; risk: PresentedAsset['risks'][number] };
const riskColumns: { header: string; width: number; value: (r: RiskRow) => ExcelJS.CellValue }[] = [
  { header: L.code.ja, width: 11, value: (r) => r.asset.code },
  { header: L.name.ja, width: 28, value: (r) => r.asset.name },
  { header: L.department.ja, width: 16, value: (r) => r.asset.department.name },
  { header: '段階', width: 16, value: (r) => stageLabels[r.risk.stage].ja },
  { header: '評価', width: 9, value: (r) => (!r.risk.assessed ? '未評価' : r.risk.applicable ? '該当' : '該当なし') },
  { header: '脅威・リスク', width: 40, value: (r) => r.risk.threats },
  { header: '対策', width: 44, value: (r) => r.risk.countermeasures },
  { header: '残存リスク', width: 10, value: (r) => (r.risk.residual_risk ? residualLabels[r.risk.residual_risk].ja : '') },
];

const reviewColumns: Column[] = [
  { header: L.code.ja, width: 11, value: (a) => a.code },
  { header: L.name.ja, width: 28, value: (a) => a.name },
  { header: L.department.ja, width: 16, value: (a) => a.department.name },
  { header: L.review_interval_months.ja, width: 10, value: (a) => a.review.interval_months },
  { header: L.last_reviewed_on.ja, width: 12, value: (a) => dateCell(a.review.last_reviewed_on) },
  { header: L.next_review_on.ja, width: 12, value: (a) => dateCell(a.review.next_review_on) },
  { header: '状況', width: 10, value: (a) => reviewStateLabels[a.review.state].ja },
  { header: '超過日数', width: 9, value: (a) => (a.review.state === 'overdue' ? a.review.days_overdue : null) },
  { header: '最終見直し者', width: 14, value: (a) => a.review.last?.reviewer_name ?? '' },
  { header: '結果', width: 11, value: (a) => (a.review.last ? reviewResultLabels[a.review.last.result].ja : '') },
  { header: '所見', width: 44, value: (a) => a.review.last?.notes ?? '' },
];

function sheet<T>(
  wb: ExcelJS.Workbook,
  name: string,
  columns: { header: string; width: number; value: (row: T) => ExcelJS.CellValue }[],
  rows: readonly T[],
  opts: { organization: string; fill?: (row: T) => string | null; cellFill?: (row: T, column: number) => string | null },
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 2, ySplit: 1, activeCell: 'C2' }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
    headerFooter: { oddHeader: `&L${opts.organization}&C個人情報管理台帳　${name}`, oddFooter: '&C&P / &N' },
  });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: { alignment: { wrapText: true, vertical: 'top' } } }));
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL_HEADER } };
    cell.border = { bottom: { style: 'thin' } };
  });
  for (const row of rows) {
    // Text typed by people (names, notes) never becomes a formula; numbers and dates keep their type.
    const r = ws.addRow(columns.map((c) => safeCell(c.value(row))));
    const fill = opts.fill?.(row) ?? null;
    columns.forEach((_c, i) => {
      const cell = r.getCell(i + 1);
      if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
      const argb = opts.cellFill?.(row, i) ?? fill;
      if (argb) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb } };
    });
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return ws;
}

const reviewFill = (a: PresentedAsset) =>
  a.status === 'active' && a.review.state === 'overdue'
    ? FILL_OVERDUE
    : a.status === 'active' && a.review.state === 'due_soon'
      ? FILL_DUE_SOON
      : null;

/** The workbook of the ledger, in memory (a ledger is hundreds of rows, not millions). */
export function buildLedgerWorkbook(input: LedgerWorkbookInput): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'mamori';
  wb.title = `個人情報管理台帳（${input.organization.name}）`;
  wb.subject = `${input.today} 時点`;
  wb.created = input.generatedAt;
  const org = input.organization.name;
  const stateColumn = ledgerColumns.findIndex((c) => c.header === L.review_state.ja);
  sheet(wb, SHEET_LEDGER, ledgerColumns, input.assets, {
    organization: org,
    cellFill: (a, i) => (i === stateColumn ? reviewFill(a) : null),
  });
  const riskRows: RiskRow[] = input.assets.flatMap((asset) =>
    lifecycleStages.map((stage) => ({ asset, risk: asset.risks.find((r) => r.stage === stage)! })),
  );
  const levelColumn = riskColumns.length - 1;
  sheet(wb, SHEET_RISKS, riskColumns, riskRows, {
    organization: org,
    cellFill: (r, i) => (i === levelColumn && r.risk.applicable && r.risk.residual_risk === 'high' ? FILL_HIGH_RISK : null),
  });
  sheet(wb, SHEET_REVIEWS, reviewColumns, input.assets, { organization: org, fill: reviewFill });
  return wb;
}

/** Writes the workbook to a stream (an HTTP reply, a file); the stream is ended when the zip is complete. */
export async function writeLedgerXlsx(input: LedgerWorkbookInput, out: Writable): Promise<void> {
  await buildLedgerWorkbook(input).xlsx.write(out);
}

/** The download's names: Japanese for people, ASCII for clients that do not read RFC 5987. */
export function ledgerFileNames(org: { code: string; name: string }, today: string): { ja: string; ascii: string } {
  const safe = (s: string) => s.replace(/[\\/:*?"<>|\r\n]/g, '_');
  return { ja: safe(`個人情報管理台帳_${org.name}_${today}.xlsx`), ascii: safe(`ledger_${org.code}_${today}.xlsx`) };
}

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
