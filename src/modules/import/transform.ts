/**
 * One chunk of the file → ledger rows or rejections. Pure and synchronous, so it runs the same in a worker
 * thread (transform-worker.ts) or inline. The rules are the ledger's own: `normalizeMemberInput` validates,
 * `toRow` encrypts the bank account and derives the search keys; a My Number in any cell rejects the row
 * before anything else looks at it, so its value never reaches a message, the report or the database.
 */
import { parse } from 'csv-parse/sync';
import { AppError, type FieldIssue } from '../../app/errors.ts';
import type { MemberTable } from '../../db/schema.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { type MemberField, normalizeMemberInput } from '../members/fields.ts';
import { toRow } from '../members/write-member.ts';
import { containsMyNumber } from '../my-number/detect.ts';
import type { ColumnPlan } from './columns.ts';
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
/** Column → index in `RowCells`. */
export const cellIndex = Object.fromEntries(rowColumns.map((c, i) => [c, i])) as Record<RowColumn, number>;

export type ChunkItem =
  | {
      ok: true;
      line: number;
      cells: RowCells;
      /** Plaintext, to compare with a stored (encrypted) account. */
      bank: string | null;
    }
  | {
      ok: false;
      line: number;
      /** The normalised member code when the code itself is valid (it still claims the code in this file). */
      code: string | null;
      /** What the report shows as the member code ('' when the cell held a My Number). */
      shownCode: string;
      issues: FieldIssue[];
      /** Columns that held a My Number (names only), for the audit entry. */
      myNumberFields: string[];
    };

export interface ChunkResult {
  seq: number;
  bytes: number;
  /** Data records read (blank lines are not records). */
  rows: number;
  items: ChunkItem[];
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
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, csvParseOptions(plan.delimiter)) as unknown as typeof records; // with `info`, records come wrapped
  } catch (error) {
    const at = (error as { lines?: number }).lines;
    const line = at ? chunk.startLine + at - 1 : chunk.startLine;
    throw new AppError('import_file_unreadable', [
      fileIssue(
        'csv_syntax',
        `${line}行目付近をCSVとして読めません（引用符の対応などを確認してください）。`,
        `The file is not valid CSV near line ${line}: ${(error as Error).message}`,
      ),
    ]);
  }
  const { fields, names, constants } = plan;
  const codeColumn = fields.indexOf('member_code');
  const hasConstants = Object.keys(constants).length > 0;
  const items: ChunkItem[] = [];
  let rows = 0;
  let nextLine = chunk.startLine;
  for (const { record, info } of records) {
    const line = nextLine;
    nextLine = chunk.startLine + info.lines;
    if (record.every((cell) => cell.trim() === '')) continue; // a blank line, or a spreadsheet's empty row
    rows++;
    const myNumberFields: string[] = [];
    for (let i = 0; i < record.length; i++) {
      if (containsMyNumber(record[i]!)) myNumberFields.push(names[i] ?? `column ${i + 1}`);
    }
    const rawCode = codeColumn >= 0 ? (record[codeColumn] ?? '') : '';
    const codeIsSafe = !(codeColumn >= 0 && myNumberFields.includes(names[codeColumn]!));
    const rejected = (issues: FieldIssue[], code: string | null) =>
      items.push({ ok: false, line, code, shownCode: codeIsSafe ? clip(rawCode.trim()) : '', issues, myNumberFields });
    const validCode = () => (codeIsSafe ? (normalizeMemberInput({ member_code: rawCode }, 'update').values.member_code ?? null) : null);

    if (myNumberFields.length) {
      rejected(myNumberFields.map(myNumberIssue), validCode());
      continue;
    }
    if (record.length !== fields.length) {
      rejected(
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
    if (issues.length) {
      rejected(issues, values.member_code ?? null);
      continue;
    }
    const row = toRow({ keys }, values) as Record<RowColumn, string | number | null>;
    const cells: RowCells = new Array(rowColumns.length);
    for (let i = 0; i < rowColumns.length; i++) cells[i] = row[rowColumns[i]!] ?? null;
    items.push({ ok: true, line, cells, bank: values.bank_account ?? null });
  }
  return { seq: chunk.seq, bytes, rows, items };
}
