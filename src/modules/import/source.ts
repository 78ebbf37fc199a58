/**
 * Reading the import file as a stream of byte chunks that each hold whole CSV records, so that chunks can be
 * decoded and parsed independently (and in parallel, see pool.ts). Cutting at a line feed that is outside
 * quotes is safe in both encodings: in UTF-8 every byte of a multi-byte character is ≥ 0x80, and in Shift_JIS
 * (cp932) a trail byte is ≥ 0x40, so `"` (0x22) and LF (0x0A) are always characters of their own.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { AppError } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { ImportEncoding } from './columns.ts';

export type FileEncoding = Exclude<ImportEncoding, 'auto'>;

export interface FileChunk {
  seq: number;
  /** Whole records; the last one ends with a line feed, except at the end of the file. */
  bytes: Uint8Array;
  /** Physical line number (1-based) of the chunk's first byte. */
  startLine: number;
  /**
   * Rows as COPY text instead of cells (`ChunkResult.copy`): for a load into PostgreSQL in which (almost) nobody
   * is looked up (set by the importer, import-job.ts).
   */
  asCopyText?: boolean;
}

export interface CsvSource {
  encoding: FileEncoding;
  header: string[];
  /** File size in bytes (for progress). */
  size: number;
  /** Bytes before the first data chunk (BOM and header row). */
  dataStart: number;
  /** The data chunks after the header row. */
  chunks(): AsyncGenerator<FileChunk>;
  /** SHA-256 of the whole file; complete once `chunks()` is exhausted. */
  sha256(): string;
  close(): void;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const READ_SIZE = 1 << 20;
/**
 * Bytes per chunk (about 1,200 members). A worker holds everything it makes from a chunk until the chunk is
 * done, and V8 copies what is alive at each minor garbage collection: with 1 MiB chunks the collections took
 * more than twice the CPU time they take with 256 KiB ones.
 */
const CHUNK_BYTES = 256 << 10;
/** A record (or an unclosed quote) longer than this stops the import instead of filling memory. */
const MAX_RECORD_BYTES = 4 << 20;
/** Encoding detection looks at this much of the start of the file. */
const SNIFF_BYTES = 64 << 10;

export const fileIssue = (code: string, ja: string, en: string): FieldIssue => ({ field: 'file', code, message_ja: ja, message_en: en });

/** csv-parse options matching `scanRecords`: CRLF or LF ends a record, quotes count only at a field's start. */
export function csvParseOptions(delimiter: string) {
  return {
    delimiter,
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true,
    relax_quotes: true,
    info: true as const,
  };
}

/**
 * Decodes a chunk. A character that is not valid in the encoding stops the import with its line number: it
 * means the file is not in the encoding we read it as, and importing it would store garbled names.
 */
export function decodeChunk(bytes: Uint8Array, encoding: FileEncoding, startLine: number): string {
  if (encoding === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw badCharacter(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), encoding, startLine);
    }
  }
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'cp932');
  if (text.includes('\uFFFD')) throw badCharacter(text, encoding, startLine);
  return text;
}

function badCharacter(text: string, encoding: FileEncoding, startLine: number): AppError {
  const at = text.indexOf('\uFFFD');
  let line = startLine;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  const name = encoding === 'utf8' ? 'UTF-8' : 'Shift_JIS (cp932)';
  const other = encoding === 'utf8' ? 'cp932' : 'utf8';
  return new AppError('import_file_unreadable', [
    fileIssue(
      'invalid_character',
      `${line}行目に ${name} として読めない文字があります。文字コードを確認してください（--encoding ${other} を試してください）。`,
      `Line ${line} has bytes that are not valid ${name}. Check the file's encoding (try --encoding ${other}).`,
    ),
  ]);
}

/** BOM → UTF-8; otherwise UTF-8 when the start of the file is valid UTF-8, else Shift_JIS (cp932). */
export function detectEncoding(start: Uint8Array, requested: ImportEncoding): { encoding: FileEncoding; bom: number } {
  if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff)) {
    throw new AppError('import_file_unreadable', [
      fileIssue(
        'utf16',
        'UTF-16（Excelの「Unicode テキスト」）は読めません。「CSV UTF-8」または「CSV（コンマ区切り）」で保存してください。',
        'UTF-16 files (Excel "Unicode text") are not supported. Save as "CSV UTF-8" or "CSV (comma delimited)".',
      ),
    ]);
  }
  const bom = start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf ? 3 : 0;
  if (requested === 'cp932' && bom) {
    throw new AppError('import_file_unreadable', [
      fileIssue(
        'bom_mismatch',
        'ファイルはUTF-8（BOM付き）ですが、--encoding cp932 が指定されています。',
        'The file starts with a UTF-8 byte order mark, but --encoding cp932 was given.',
      ),
    ]);
  }
  if (requested !== 'auto') return { encoding: requested, bom };
  if (bom) return { encoding: 'utf8', bom };
  try {
    // `stream: true` tolerates a character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(start.subarray(0, SNIFF_BYTES), { stream: true });
    return { encoding: 'utf8', bom };
  } catch {
    return { encoding: 'cp932', bom };
  }
}

/**
 * Finds record ends (the index after a line feed outside quotes) in `buf` from `from`, continuing the quote
 * state. A quote opens a quoted field only at the start of a field, as csv-parse reads it with relax_quotes.
 * Returns the first and last record end found (-1 if none), the state and where scanning stopped.
 */
export function scanRecords(
  buf: Uint8Array,
  from: number,
  inQuotes: boolean,
  delimiter: number,
  atEnd: boolean,
): { first: number; last: number; inQuotes: boolean; pos: number } {
  let first = -1;
  let last = -1;
  let pos = from;
  const end = buf.length;
  while (pos < end) {
    const q = buf.indexOf(QUOTE, pos);
    if (!inQuotes) {
      const stop = q === -1 ? end : q;
      const lf = buf.indexOf(LF, pos);
      if (lf !== -1 && lf < stop) {
        if (first === -1) first = lf + 1;
        last = buf.lastIndexOf(LF, stop - 1) + 1;
      }
      if (q === -1) return { first, last, inQuotes, pos: end };
      const prev = q === 0 ? LF : buf[q - 1];
      if (prev === LF || prev === CR || prev === delimiter) inQuotes = true;
      pos = q + 1;
    } else {
      if (q === -1) return { first, last, inQuotes, pos: end };
      if (q + 1 === end && !atEnd) return { first, last, inQuotes, pos: q }; // escaped ("") or closing? wait for more
      if (buf[q + 1] === QUOTE) pos = q + 2;
      else {
        inQuotes = false;
        pos = q + 1;
      }
    }
  }
  return { first, last, inQuotes, pos };
}

function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) n++;
  return n;
}

/**
 * Opens the file: detects the encoding, reads the header row, and returns the source of data chunks (each
 * about 256 KiB). Throws `import_file_unreadable` for a missing, empty or undecodable file.
 */
export async function openCsvSource(
  file: string,
  opts: { encoding: ImportEncoding; delimiter: string; chunkBytes?: number },
): Promise<CsvSource> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a regular file');
    size = s.size;
  } catch (error) {
    throw new AppError('import_file_unreadable', [
      fileIssue('not_found', `取込ファイル ${file} を開けません。`, `Cannot open the import file ${file}: ${(error as Error).message}`),
    ]);
  }
  const chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
  const delimiter = opts.delimiter.charCodeAt(0);
  const hash = createHash('sha256');
  const stream = createReadStream(file, { highWaterMark: Math.min(READ_SIZE, chunkBytes) });
  const reader = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let eof = false;
  const read = async (): Promise<Buffer | null> => {
    if (eof) return null;
    const next = await reader.next();
    if (next.done) {
      eof = true;
      return null;
    }
    hash.update(next.value);
    return next.value;
  };

  // Header: sniff the encoding from the start of the file, then read until the first record ends.
  let pending: Buffer = Buffer.alloc(0);
  let more = true;
  while (more && pending.length < SNIFF_BYTES) {
    const buf = await read();
    if (buf) pending = pending.length ? Buffer.concat([pending, buf]) : buf;
    else more = false;
  }
  if (pending.length === 0) {
    stream.destroy();
    throw new AppError('import_file_unreadable', [
      fileIssue('empty', '取込ファイルが空です（見出し行がありません）。', 'The import file is empty (no header row).'),
    ]);
  }
  const { encoding, bom } = detectEncoding(pending, opts.encoding);
  // Scanned without the BOM, so that a quote opening the first field is seen at the start of a record.
  const headerScan = () => scanRecords(pending.subarray(bom), 0, false, delimiter, !more).first;
  let headerEnd = headerScan();
  while (headerEnd === -1 && more) {
    if (pending.length > MAX_RECORD_BYTES) throw tooLong(1);
    const buf = await read();
    if (buf) pending = Buffer.concat([pending, buf]);
    else more = false;
    headerEnd = headerScan();
  }
  headerEnd = headerEnd === -1 ? pending.length : headerEnd + bom;
  const headerBytes = pending.subarray(bom, headerEnd);
  const header = parseHeader(decodeChunk(headerBytes, encoding, 1), opts.delimiter);
  let line = 1 + countLines(headerBytes);
  pending = pending.subarray(headerEnd);

  async function* chunks(): AsyncGenerator<FileChunk> {
    let seq = 0;
    let inQuotes = false;
    let scanFrom = 0;
    let cut = -1; // last record end found in `pending`
    const emit = (end: number): FileChunk => {
      const bytes = new Uint8Array(pending.subarray(0, end)); // a copy: a worker takes ownership of it
      pending = pending.subarray(end);
      scanFrom -= end;
      cut = -1;
      const chunk = { seq: seq++, bytes, startLine: line };
      line += countLines(bytes);
      return chunk;
    };
    for (;;) {
      const buf = more ? await read() : null;
      if (buf) pending = pending.length ? Buffer.concat([pending, buf]) : buf;
      else more = false;
      const s = scanRecords(pending, scanFrom, inQuotes, delimiter, !buf);
      inQuotes = s.inQuotes;
      scanFrom = s.pos;
      if (s.last !== -1) cut = s.last;
      if (!buf) break;
      if (pending.length >= chunkBytes && cut !== -1) yield emit(cut);
      else if (pending.length > MAX_RECORD_BYTES + chunkBytes) throw tooLong(line);
    }
    if (cut !== -1 && cut < pending.length) yield emit(cut);
    if (pending.length) yield emit(pending.length);
  }

  return {
    encoding,
    header,
    size,
    dataStart: headerEnd,
    chunks,
    sha256: () => hash.copy().digest('hex'),
    close: () => stream.destroy(),
  };
}

function tooLong(line: number): AppError {
  return new AppError('import_file_unreadable', [
    fileIssue(
      'record_too_long',
      `${line}行目付近の行が長すぎます。引用符（"）が閉じられていない可能性があります。`,
      `The record near line ${line} is too long; a quote (") is probably not closed.`,
    ),
  ]);
}

function parseHeader(text: string, delimiter: string): string[] {
  let records: { record: string[] }[];
  try {
    records = parse(text, csvParseOptions(delimiter)) as unknown as typeof records; // with `info`, records come wrapped
  } catch (error) {
    throw new AppError('import_header_invalid', [
      { field: 'header', code: 'csv_syntax', message_ja: '見出し行をCSVとして読めません。', message_en: (error as Error).message },
    ]);
  }
  const header = records[0]?.record ?? [];
  if (header.every((h) => h.trim() === '')) {
    throw new AppError('import_header_invalid', [
      { field: 'header', code: 'empty', message_ja: '見出し行が空です。', message_en: 'The header row is empty.' },
    ]);
  }
  return header;
}
