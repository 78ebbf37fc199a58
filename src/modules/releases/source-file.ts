/**
 * The file source of a release: a CSV with a header row, in UTF-8 (a BOM is allowed) or Shift_JIS, read with
 * csv-parse and iconv-lite into the engine's column-major table. Only the spec's columns are kept; a column whose
 * every non-empty value is a number becomes numbers (ages, amounts), the rest stays text; an empty cell is absent.
 * The same My Number guard as every other input path runs over the kept cells.
 */
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import type { Cell, SourceTable } from '../anonymize/types.ts';
import type { Actor } from '../audit/events.ts';
import { containsMyNumber } from '../my-number/detect.ts';
import { refuseMyNumber } from '../my-number/refuse.ts';

const NUMBER = /^-?\d+(\.\d+)?$/;

const problem = (ja: string, en: string) =>
  new AppError('release_source_invalid', [{ field: 'file', code: 'source_invalid', message_ja: ja, message_en: en }]);

/** Decodes and parses the file; throws `release_source_invalid` naming the problem (line, missing column). */
export function parseSourceCsv(bytes: Uint8Array, charset: 'utf-8' | 'shift_jis', columns: readonly string[]): SourceTable {
  let text: string;
  if (charset === 'shift_jis') text = iconv.decode(Buffer.from(bytes), 'cp932');
  else {
    text = Buffer.from(bytes).toString('utf8');
    if (text.includes('\uFFFD'))
      throw problem(
        'ファイルが UTF-8 ではありません（Shift_JIS なら文字コードを shift_jis にしてください）。',
        'The file is not UTF-8 (set the charset to shift_jis for Shift_JIS).',
      );
  }
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: false, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    throw problem(`CSV の形式に誤りがあります${line ? `（${line} 行目）` : ''}。`, `The CSV is malformed${line ? ` (line ${line})` : ''}.`);
  }
  const header = records[0];
  if (!header) throw problem('ファイルが空です（見出し行が必要です）。', 'The file is empty (a header row is needed).');
  const index = columns.map((name) => header.indexOf(name));
  const missing = columns.filter((_, i) => index[i]! < 0);
  if (missing.length)
    throw problem(`見出し行に列「${missing.join('」「')}」がありません。`, `The header row lacks the column(s) ${missing.join(', ')}.`);
  const values: Cell[][] = columns.map(() => []);
  const body = records.slice(1);
  index.forEach((at, c) => {
    const raw = body.map((r) => r[at] ?? '');
    const numeric = raw.every((v) => v === '' || NUMBER.test(v));
    values[c] = raw.map((v) => (v === '' ? null : numeric ? Number(v) : v));
  });
  return { columns, values };
}

/** Parses the file and refuses it (audited) when a kept column holds what looks like a My Number. */
export async function readFileSource(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor,
  opts: { bytes: Uint8Array; charset: 'utf-8' | 'shift_jis'; columns: readonly string[] },
): Promise<SourceTable> {
  const table = parseSourceCsv(opts.bytes, opts.charset, opts.columns);
  const fields = table.columns.filter((_, c) => table.values[c]!.some((v) => v !== null && containsMyNumber(String(v))));
  if (fields.length) await refuseMyNumber(ctx, actor, { path: 'release:source', fields });
  return table;
}
