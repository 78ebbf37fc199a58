/**
 * The building blocks of the disclosure PDF, in the person's language only (Japanese; never two languages
 * joined): headings, paragraphs, labelled lists,
 * the "no records" line, and the names, numbers and Japan times the sections write.
 */
import { japaneseDate } from '../../base/japan-date.ts';
import type { Labelled } from '../../contract/labels.ts';
import { circledNumber } from '../../contract/policy-vocabulary.ts';
import { JST_OFFSET_MS } from '../../db/time.ts';
import { type Cell, drawTable, FONT_BODY, FONT_BOLD, INK, MUTED } from './pdf-table.ts';
import type { DisclosurePackage } from './types.ts';

const NONE: Labelled = { ja: '該当する記録はありません。', en: 'No records.' };

/** Item labels and purpose numbers by code, for the sections that name items and purposes by code. */
export interface Names {
  item(code: string): string;
  purpose(code: string | null, name?: string | null): string;
  subject(kind: string, code: string): string;
}

/** The names the sections write for the codes of `pkg`. */
export function namesOf(pkg: DisclosurePackage): Names {
  const items = new Map(pkg.items.map((i) => [i.code, i.label.ja]));
  const purposes = new Map(pkg.purposes.map((p) => [p.code, p]));
  const subjects = new Map(pkg.consents.map((c) => [`${c.subject_kind}:${c.subject_code}`, c.subject_name]));
  return {
    item: (code) => items.get(code) ?? code,
    purpose: (code, name) => {
      const p = code ? purposes.get(code) : undefined;
      if (p) return `${circledNumber(p.number)} ${p.name}`;
      return name ?? code ?? '—';
    },
    subject: (kind, code) => {
      const p = kind === 'purpose' ? purposes.get(code) : undefined;
      if (p) return `${circledNumber(p.number)} ${p.name}`;
      return subjects.get(`${kind}:${code}`) ?? code;
    },
  };
}

/** `2026-06-15T01:05:00Z` → `2026-06-15 10:05` in Japan time (the log is read in the person's time). */
export function japanDateTime(at: string): string {
  return new Date(Date.parse(at) + JST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The Japanese date of an instant in Japan: `2026年6月15日`. */
export const japanDay = (at: string) => japaneseDate(japanDateTime(at).slice(0, 10));
/** A table cell of a label, in Japanese (the person's language). */
export const labelCell = (l: Labelled): Cell => l.ja;
/** A missing value, shown as a dash. */
export const orDash = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);

/** Running text across the page's width, wrapped by pdfkit (which breaks Japanese by UAX #14) and flowing onto new pages. */
export function paragraph(doc: PDFKit.PDFDocument, text: string, opts: { size?: number; color?: string; gap?: number } = {}): void {
  const left = doc.page.margins.left;
  doc
    .font(FONT_BODY)
    .fontSize(opts.size ?? 9)
    .fillColor(opts.color ?? INK)
    .text(text, left, doc.y, { width: doc.page.width - left - doc.page.margins.right, lineGap: 1.5 });
  doc.y += opts.gap ?? 4;
}

/** A paragraph in the person's language (Japanese). */
export function prose(doc: PDFKit.PDFDocument, l: Labelled): void {
  paragraph(doc, l.ja);
}

/**
 * A numbered heading, kept on one page with the first `keep` points of what follows it (by default the
 * heading itself, a table's header row and a few rows).
 */
export function heading(doc: PDFKit.PDFDocument, n: number, l: Labelled, keep = 120): void {
  const left = doc.page.margins.left;
  const right = doc.page.width - doc.page.margins.right;
  if (doc.y + keep > doc.page.height - doc.page.margins.bottom) doc.addPage();
  else doc.y += 10;
  doc.font(FONT_BOLD).fontSize(12).fillColor(INK).text(`${n}　${l.ja}`, left, doc.y, { lineBreak: false });
  doc.y += doc.currentLineHeight(true) + 2;
  doc.moveTo(left, doc.y).lineTo(right, doc.y).lineWidth(0.8).strokeColor(INK).stroke();
  doc.y += 5;
}

/** A heading within a section (a joint use, a kind of measure), kept with the start of what follows. */
export function subheading(doc: PDFKit.PDFDocument, l: { ja: string; en?: string | undefined }): void {
  const left = doc.page.margins.left;
  if (doc.y + 90 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  else doc.y += 6;
  doc.font(FONT_BOLD).fontSize(9.5).fillColor(INK).text(l.ja, left, doc.y, { lineBreak: false });
  doc.y += 16;
}

const fieldColumns = [
  { header: { ja: '項目', en: 'Field' }, weight: 1 },
  { header: { ja: '内容', en: 'Content' }, weight: 3 },
];

/** A list of labelled values, as a table without a header. */
export function fields(doc: PDFKit.PDFDocument, rows: readonly [Labelled, string][]): void {
  drawTable(doc, { columns: fieldColumns, rows: rows.map(([l, v]) => [labelCell(l), v]), headless: true, boldFirstColumn: true });
}

/** Draws `list` with `draw`, or says that there are no records. */
export function emptyOr<T>(doc: PDFKit.PDFDocument, list: readonly T[], draw: () => void): void {
  if (list.length === 0) paragraph(doc, NONE.ja, { size: 8.5, color: MUTED });
  else draw();
}
