/**
 * Tables for the disclosure PDF: rows that wrap Japanese text in their cells, break across pages, and repeat
 * the header row (Japanese label over the English one) at the top of every page the table continues on.
 *
 * pdfkit's own `table()` does not repeat a header, and its line wrapper, run for every cell, is what makes a
 * long access log slow; so each text is broken into lines once (line-break.ts) and every line is drawn as it is.
 */
import { breakLines } from './line-break.ts';
import type { Labelled } from './types.ts';

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

interface Measured {
  lines: string[];
  sub: string[] | null;
  height: number;
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
    const subText = typeof cell === 'string' ? null : (cell.sub ?? null);
    const lines = font.linesOf(text, inner);
    const sub = subText === null ? null : small.linesOf(subText, inner);
    return { lines, sub, height: lines.length * font.lineHeight + (sub ? sub.length * small.lineHeight : 0) };
  };

  // Main texts first, then the grey lines under them: one colour change each instead of one per cell.
  const drawCells = (cells: readonly Measured[], y: number, fonts: (col: number) => TextSetter) => {
    doc.fillColor(INK);
    cells.forEach((m, col) => {
      fonts(col).draw(m.lines, xs[col]! + PAD_X, y + PAD_Y);
    });
    if (cells.every((m) => m.sub === null)) return;
    doc.fillColor(MUTED);
    cells.forEach((m, col) => {
      if (m.sub) small.draw(m.sub, xs[col]! + PAD_X, y + PAD_Y + m.lines.length * fonts(col).lineHeight);
    });
  };

  const header = spec.headless ? null : spec.columns.map((c, col) => measure({ text: c.header.ja, sub: c.header.en }, col, bold));
  const headerHeight = header ? Math.max(...header.map((m) => m.height)) + 2 * PAD_Y : 0;
  const drawHeader = () => {
    if (!header) return;
    const y = doc.y;
    doc.rect(left, y, width, headerHeight).fill(HEADER_FILL);
    drawCells(header, y, () => bold);
    doc.y = y + headerHeight;
  };
  const newPage = () => {
    doc.addPage();
    if (spec.continued) {
      doc.fillColor(MUTED);
      small.draw([`${spec.continued.ja} / ${spec.continued.en}`], left, doc.y);
      doc.y += small.lineHeight + 2;
    }
    drawHeader();
  };

  if (doc.y + headerHeight + 3 * body.lineHeight > bottom()) doc.addPage();
  drawHeader();
  let stripe = false;
  for (const row of spec.rows) {
    const cells = row.map((cell, col) => measure(cell, col, fontOf(col)));
    const height = Math.max(...cells.map((m) => m.height)) + 2 * PAD_Y;
    if (doc.y + height > bottom()) newPage();
    const y = doc.y;
    if (stripe) doc.rect(left, y, width, height).fill(STRIPE_FILL);
    stripe = !stripe;
    drawCells(cells, y, fontOf);
    doc.y = y + height;
  }
  doc
    .moveTo(left, doc.y)
    .lineTo(left + width, doc.y)
    .lineWidth(0.4)
    .strokeColor(RULE)
    .stroke();
  doc.x = left;
}
