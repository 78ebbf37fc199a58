/**
 * One chunk of the file → ledger rows or rejections. Pure and synchronous, so it runs the same in a worker
 * thread (transform-worker.ts) or inline. The rules are the ledger's own: `normalizeMemberInput` validates,
 * `toRow` encrypts the bank account and derives the search keys; a My Number in any cell rejects the row
 * before anything else looks at it, so its value never reaches a message, the report or the database.
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import { copyText } from '../../db/pg-copy.ts';
import type { MemberTable } from '../../db/schema.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { normalizeMemberInput, toRow } from '../members/fields.ts';
import { normalizeText } from '../members/normalize.ts';
import { containsMyNumber } from '../my-number/detect.ts';
import type { ColumnPlan } from './columns.ts';
import { type CsvRecords, readCsvRecords } from './csv-records.ts';
import { csvParseOptions, decodeChunk, type FileChunk, type FileEncoding, fileIssue } from './source.ts';

/** What a worker needs to know about the file (plain data: it crosses the thread boundary). */
export interface TransformPlan extends Pick<ColumnPlan, 'fields' | 'names' | 'constants'> {
  encoding: FileEncoding;
  delimiter: string;
}

/**
 * The columns of a ledger row as `toRow` makes it (before the importer adds the id, organization, version
 * and timestamps). Rows cross the thread boundary as arrays in this order: cheaper to copy than objects.
 */
export const rowColumns = [
  'member_code',
  'name',
  'name_kana',
  'name_kana_norm',
  'gender',
  'birth_date',
  'postal_code',
  'address',
  'phone',
  'phone_norm',
  'email',
  'bank_account_enc',
  'delivery_type',
  'join_date',
  'leave_date',
  'share_capital',
  'status',
  'note',
] as const satisfies readonly (keyof MemberTable)[];
export type RowColumn = (typeof rowColumns)[number];
export type RowCells = (string | number | null)[];
/**
 * Appends a row's cells in `rowColumns` order (absent → null). Written out rather than looped over
 * `rowColumns`: a million rows' property reads by a variable name cost more than the rest of this step.
 */
export function pushRowCells(cells: RowCells, r: Partial<MemberTable>): void {
  cells.push(
    r.member_code ?? null,
    r.name ?? null,
    r.name_kana ?? null,
    r.name_kana_norm ?? null,
    r.gender ?? null,
    r.birth_date ?? null,
    r.postal_code ?? null,
    r.address ?? null,
    r.phone ?? null,
    r.phone_norm ?? null,
    r.email ?? null,
    r.bank_account_enc ?? null,
    r.delivery_type ?? null,
    r.join_date ?? null,
    r.leave_date ?? null,
    r.share_capital ?? null,
    r.status ?? null,
    r.note ?? null,
  );
}

/** Column → index in `RowCells`. */
export const cellIndex = Object.fromEntries(rowColumns.map((c, i) => [c, i])) as Record<RowColumn, number>;

/** A row refused by the transform (the importer adds duplicates and cross-field rejections of its own). */
export interface RefusedRow {
  line: number;
  /** The normalised member code when the code itself is valid (it still claims the code in this file). */
  code: string | null;
  /** What the report shows as the member code ('' when the cell held a My Number). */
  shownCode: string;
  issues: FieldIssue[];
  /** Columns that held a My Number (names only), for the audit entry. */
  myNumberFields: string[];
}

/**
 * A chunk's rows. Rows that passed are flat (`rowColumns.length` cells each, one array for the chunk): copying
 * a result between threads costs a third of what an object per row costs, and the importer, which sets the
 * pace, reads them without allocating.
 */
export interface ChunkResult {
  seq: number;
  bytes: number;
  /** Data records read (blank lines are not records). */
  rows: number;
  /** The cells of the rows that passed, row after row (empty when the chunk asked for COPY text). */
  cells: RowCells;
  /**
   * When the chunk asked for it (`FileChunk.asCopyText`), instead of the cells and bank accounts: per row that
   * passed, its member code and its cells in COPY's text format, tab-separated (`copyText`). Cloning a chunk's
   * cells between threads cost 1.0–1.2 µs a row, codes and text 0.2–0.6 µs, and the writer no longer builds the
   * lines. `cellsFromCopyText` gives the cells back where a row turns out to need them (an update).
   */
  codes?: string[];
  copy?: string[];
  /** Per row that passed: its line. */
  lines: number[];
  /** Per row that passed: the bank account in plaintext, to compare with a stored (encrypted) one. */
  banks: (string | null)[];
  /** Rows refused, in file order (their lines interleave with `lines`). */
  refused: RefusedRow[];
}

const myNumberIssue = (field: string): FieldIssue => ({
  field,
  code: 'my_number',
  message_ja: '個人番号（マイナンバー）と思われる番号が含まれているため、この行は取り込みません。',
  message_en: 'Contains what appears to be an Individual Number (My Number); the row is not imported.',
});

const clip = (s: string) => (s.length > 30 ? `${s.slice(0, 30)}…` : s);

export function transformChunk(chunk: FileChunk, plan: TransformPlan, keys: KeyRing): ChunkResult {
  const bytes = chunk.bytes.byteLength;
  const text = decodeChunk(chunk.bytes, plan.encoding, chunk.startLine);
  const { records, lines } = readCsvRecords(text, plan.delimiter) ?? parseWithCsvParse(text, plan.delimiter, chunk.startLine);
  const { fields, names, constants } = plan;
  const codeColumn = fields.indexOf('member_code');
  const hasConstants = Object.keys(constants).length > 0;
  const out: ChunkResult = { seq: chunk.seq, bytes, rows: 0, cells: [], lines: [], banks: [], refused: [] };
  const asCopyText = chunk.asCopyText === true;
  if (asCopyText) {
    out.codes = [];
    out.copy = [];
  }
  for (let r = 0; r < records.length; r++) {
    const record = records[r]!;
    const line = chunk.startLine + lines[r]!;
    if (record.every((cell) => cell.trim() === '')) continue; // a blank line, or a spreadsheet's empty row
    out.rows++;
    const myNumberFields: string[] = [];
    for (let i = 0; i < record.length; i++) {
      // As typed and as the ledger stores text (the field rules read the stored form of mapped cells again).
      if (containsMyNumber(record[i]!, normalizeText)) myNumberFields.push(names[i] ?? `column ${i + 1}`);
    }
    const rawCode = codeColumn >= 0 ? (record[codeColumn] ?? '') : '';
    const codeIsSafe = !(codeColumn >= 0 && myNumberFields.includes(names[codeColumn]!));
    const refuse = (issues: FieldIssue[], code: string | null) =>
      out.refused.push({ line, code, shownCode: codeIsSafe ? clip(rawCode.trim()) : '', issues, myNumberFields });
    const validCode = () => (codeIsSafe ? (normalizeMemberInput({ member_code: rawCode }, 'update').values.member_code ?? null) : null);

    if (myNumberFields.length) {
      refuse(myNumberFields.map(myNumberIssue), validCode());
      continue;
    }
    if (record.length !== fields.length) {
      refuse(
        [
          {
            field: '(row)',
            code: 'column_count',
            message_ja: `列の数（${record.length}）が見出し行（${fields.length}）と一致しません。`,
            message_en: `The row has ${record.length} columns; the header has ${fields.length}.`,
          },
        ],
        validCode(),
      );
      continue;
    }
    const input: Partial<Record<MemberField, string>> = hasConstants ? { ...constants } : {};
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      if (field) input[field] = record[i];
    }
    const { values, issues } = normalizeMemberInput(input, 'create');
    const storedMyNumber = issues.filter((i) => i.code === 'my_number');
    if (storedMyNumber.length) {
      // A cell clean as typed that holds a My Number as stored (e.g. a share capital of 123,456,789,018).
      const columns = storedMyNumber.map((i) => names[fields.indexOf(i.field as MemberField)] ?? i.field);
      const inCode = storedMyNumber.some((i) => i.field === 'member_code');
      out.refused.push({
        line,
        code: inCode ? null : (values.member_code ?? null),
        shownCode: inCode ? '' : clip(rawCode.trim()),
        issues: columns.map(myNumberIssue),
        myNumberFields: columns,
      });
      continue;
    }
    if (issues.length) {
      refuse(issues, values.member_code ?? null);
      continue;
    }
    pushRowCells(out.cells, toRow({ keys }, values));
    out.lines.push(line);
    if (asCopyText) {
      const cells = out.cells;
      let text = copyText(cells[0]);
      for (let c = 1; c < cells.length; c++) text += `\t${copyText(cells[c])}`;
      out.codes!.push(cells[cellIndex.member_code] as string);
      out.copy!.push(text);
      cells.length = 0;
      continue;
    }
    out.banks.push(values.bank_account ?? null);
  }
  return out;
}

/**
 * The cells and plaintext bank accounts of rows sent as COPY text (`ChunkResult.copy`), as `transformChunk`
 * would have sent them: `\N` is null, escapes are undone, the share capital is a number again.
 */
export function cellsFromCopyText(copy: readonly string[], keys: Pick<KeyRing, 'decrypt'>): { cells: RowCells; banks: (string | null)[] } {
  const cells: RowCells = [];
  const banks: (string | null)[] = [];
  const share = cellIndex.share_capital;
  const bank = cellIndex.bank_account_enc;
  for (const text of copy) {
    const fields = text.split('\t');
    for (let c = 0; c < fields.length; c++) {
      const f = fields[c]!;
      if (f === '\\N') cells.push(null);
      else {
        const value = f.includes('\\') ? f.replace(/\\(.)/g, (_, ch: string) => COPY_UNESCAPED[ch] ?? ch) : f;
        cells.push(c === share ? Number(value) : value);
      }
    }
    const enc = cells[cells.length - rowColumns.length + bank] as string | null;
    banks.push(enc === null ? null : keys.decrypt(enc));
  }
  return { cells, banks };
}
const COPY_UNESCAPED: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };

/** The general reader, for what `readCsvRecords` leaves to it; a syntax error stops the import with its line. */
function parseWithCsvParse(text: string, delimiter: string, startLine: number): CsvRecords {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, csvParseOptions(delimiter)) as unknown as typeof parsed; // with `info`, records come wrapped
  } catch (error) {
    const at = (error as { lines?: number }).lines;
    const line = at ? startLine + at - 1 : startLine;
    throw new AppError('import_file_unreadable', [
      fileIssue(
        'csv_syntax',
        `${line}行目付近をCSVとして読めません（引用符の対応などを確認してください）。`,
        `The file is not valid CSV near line ${line}: ${(error as Error).message}`,
      ),
    ]);
  }
  const records: string[][] = [];
  const lines: number[] = [];
  let next = 0;
  for (const { record, info } of parsed) {
    records.push(record);
    lines.push(next);
    next = info.lines;
  }
  return { records, lines };
}
