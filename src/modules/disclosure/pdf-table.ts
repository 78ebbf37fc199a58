/**
 * Tables for the disclosure PDF: rows that wrap Japanese text in their cells, break across pages, and repeat
 * the header row at the top of every page the table continues on.
 *
 * pdfkit's own `table()` does not repeat a header, and its line wrapper, run for every cell, is what makes a
 * long access log slow; so each text is broken into lines once (line-break.ts) and every line is drawn as it is.
 */

import type { Labelled } from '../../contract/labels.ts';
import { breakLines } from './line-break.ts';

/** A cell: its text, or its text over a smaller grey line (an English word, an address, a code). */
export type Cell = string | { text: string; sub?: string | null | undefined };

export interface Column {
  header: Labelled;
  /** Share of the table's width, relative to the other columns. */
  weight: number;
}

export interface TableSpec {
  columns: readonly Column[];
  rows: Iterable<readonly Cell[]>;
  /** Without a header row (a list of labelled values). */
  headless?: boolean;
  /** Shown above the repeated header on the following pages, e.g. `アクセス記録（続き）`. */
  continued?: Labelled;
  /** The first column in the heading font (the labels of a list). */
  boldFirstColumn?: boolean;
}

export const FONT_BODY = 'body';
export const FONT_BOLD = 'bold';
export const INK = '#1f2328';
export const MUTED = '#5f6b76';

const SIZE = 7.5;
const SUB_SIZE = 6.2;
const PAD_X = 3;
const PAD_Y = 2.5;
const HEADER_FILL = '#e6ebf0';
const STRIPE_FILL = '#f5f7f9';
const RULE = '#b8c2cc';

/** One font at one size: breaks texts into lines for a width, remembering the lines of texts seen before. */
class TextSetter {
  readonly lineHeight: number;
  private readonly lines = new Map<string, string[]>();
  private readonly doc: PDFKit.PDFDocument;
  private readonly font: string;
  private readonly size: number;

  constructor(doc: PDFKit.PDFDocument, font: string, size: number) {
    this.doc = doc;
    this.font = font;
    this.size = size;
    this.lineHeight = this.use().currentLineHeight(true);
  }

  use(): PDFKit.PDFDocument {
    return this.doc.font(this.font).fontSize(this.size);
  }

  linesOf(text: string, width: number): string[] {
    const key = `${width}\u0000${text}`;
    let lines = this.lines.get(key);
    if (!lines) {
      const doc = this.use();
      lines = !text.includes('\n') && doc.widthOfString(text) <= width ? [text] : breakLines(text, width, (s) => doc.widthOfString(s));
      this.lines.set(key, lines);
    }
    return lines;
  }

  /** Draws lines from (x, y) down, each straight onto the page: no wrapping, no page breaks. */
  draw(lines: readonly string[], x: number, y: number): void {
    this.use();
    lines.forEach((line, i) => {
      if (line !== '') this.doc.text(line, x, y + i * this.lineHeight, { lineBreak: false });
    });
  }
}

/** A cell set in lines: its text in the cell's font, then its grey line in the small font. */
interface Measured {
  font: TextSetter;
  lines: string[];
  sub: string[];
}

/** Draws a table from `doc.y` on, adding pages as needed; leaves `doc.y` below the table. */
export function drawTable(doc: PDFKit.PDFDocument, spec: TableSpec): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const total = spec.columns.reduce((s, c) => s + c.weight, 0);
  const widths = spec.columns.map((c) => (c.weight / total) * width);
  const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((s, w) => s + w, 0));
  const body = new TextSetter(doc, FONT_BODY, SIZE);
  const bold = new TextSetter(doc, FONT_BOLD, SIZE);
  const small = new TextSetter(doc, FONT_BODY, SUB_SIZE);
  const fontOf = (col: number) => (col === 0 && spec.boldFirstColumn ? bold : body);
  const bottom = () => doc.page.height - doc.page.margins.bottom;

  const measure = (cell: Cell, col: number, font: TextSetter): Measured => {
    const inner = widths[col]! - 2 * PAD_X;
    const text = typeof cell === 'string' ? cell : cell.text;
    const sub = typeof cell === 'string' ? null : (cell.sub ?? null);
    return { font, lines: font.linesOf(text, inner), sub: sub === null ? [] : small.linesOf(sub, inner) };
  };
  const heightOf = (m: Measured) => m.lines.length * m.font.lineHeight + m.sub.length * small.lineHeight;
  const rowHeight = (cells: readonly Measured[]) => Math.max(...cells.map(heightOf)) + 2 * PAD_Y;

  /** The lines of a cell that fit in `room`, and the rest, for a row taller than a page. */
  const splitCell = (m: Measured, room: number): [Measured, Measured] => {
    const main = Math.min(m.lines.length, Math.floor(room / m.font.lineHeight));
    const sub = main < m.lines.length ? 0 : Math.min(m.sub.length, Math.floor((room - main * m.font.lineHeight) / small.lineHeight));
    return [
      { font: m.font, lines: m.lines.slice(0, main), sub: m.sub.slice(0, sub) },
      { font: m.font, lines: m.lines.slice(main), sub: m.sub.slice(sub) },
    ];
  };

  // Main texts first, then the grey lines under them: one colour change each instead of one per cell.
  const drawRow = (cells: readonly Measured[], fill: string | null) => {
    const y = doc.y;
    const height = rowHeight(cells);
    if (fill) doc.rect(left, y, width, height).fill(fill);
    doc.fillColor(INK);
    cells.forEach((m, col) => {
      m.font.draw(m.lines, xs[col]! + PAD_X, y + PAD_Y);
    });
    if (cells.some((m) => m.sub.length > 0)) {
      doc.fillColor(MUTED);
      cells.forEach((m, col) => {
        small.draw(m.sub, xs[col]! + PAD_X, y + PAD_Y + m.lines.length * m.font.lineHeight);
      });
    }
    doc.y = y + height;
  };

  const header = spec.headless ? null : spec.columns.map((c, col) => measure(c.header.ja, col, bold));
  const continuedHeight = spec.continued ? small.lineHeight + 2 : 0;
  const newPage = () => {
    doc.addPage();
    if (spec.continued) {
      doc.fillColor(MUTED);
      small.draw([spec.continued.ja], left, doc.y);
      doc.y += continuedHeight;
    }
    if (header) drawRow(header, HEADER_FILL);
  };
  const roomOnNewPage = bottom() - doc.page.margins.top - continuedHeight - (header ? rowHeight(header) : 0);

  if (doc.y + (header ? rowHeight(header) : 0) + 3 * body.lineHeight > bottom()) doc.addPage();
  if (header) drawRow(header, HEADER_FILL);
  let stripe = false;
  for (const row of spec.rows) {
    let cells = row.map((cell, col) => measure(cell, col, fontOf(col)));
    for (;;) {
      const height = rowHeight(cells);
      if (doc.y + height <= bottom()) break;
      const room = bottom() - doc.y - 2 * PAD_Y;
      if (height <= roomOnNewPage || room < 3 * body.lineHeight) {
        newPage();
        continue;
      }
      // Taller than a page: what fits here, the rest on the next page (under the repeated header).
      const parts = cells.map((m) => splitCell(m, room));
      drawRow(
        parts.map(([here]) => here),
        stripe ? STRIPE_FILL : null,
      );
      cells = parts.map(([, rest]) => rest);
      newPage();
    }
    drawRow(cells, stripe ? STRIPE_FILL : null);
    stripe = !stripe;
  }
  doc
    .moveTo(left, doc.y)
    .lineTo(left + width, doc.y)
    .lineWidth(0.4)
    .strokeColor(RULE)
    .stroke();
  doc.x = left;
}
