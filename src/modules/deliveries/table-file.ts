/**
 * The data file of a delivery, written as its rows arrive: CSV in UTF-8 with a BOM or in Shift_JIS (Windows-31J,
 * via base/table-export.ts; every text cell neutralised against formulas by base/spreadsheet.ts), or Parquet
 * (hyparquet-writer: text columns as UTF-8 strings, number columns as DOUBLE, the recipient notice in the file's
 * key-value metadata). Rows are encoded in batches and pushed through a `HashingSink`, which counts the bytes and
 * computes the SHA-256 while writing: nothing holds the whole table, and the checksum is of exactly the bytes sent.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import iconv from 'iconv-lite';
import { AppError } from '../../base/errors.ts';
import { csvField } from '../../base/spreadsheet.ts';
import { encodeCsv } from '../../base/table-export.ts';
import type { DeliveryCharset } from '../../contract/delivery-vocabulary.ts';
import type { Cell } from '../anonymize/types.ts';
import { DeliveryInputError } from './input.ts';

/** Bytes on their way to a destination: counted and hashed as they are written, with back-pressure. */
export class HashingSink {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private failure: unknown;
  private readonly out: Writable;
  private readonly stepMs: number | undefined;
  constructor(out: Writable, stepMs?: number) {
    this.out = out;
    this.stepMs = stepMs;
    out.on('error', (e) => {
      this.failure ??= e;
    });
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.out.write(chunk)) await this.wait(once(this.out, 'drain'), 'write');
    if (this.failure) throw this.failure;
  }

  /** A destination that stops answering mid-transfer: after `stepMs` the stream is destroyed, `delivery_timeout`. */
  private async wait(event: Promise<unknown>, what: string): Promise<void> {
    if (this.stepMs === undefined) {
      await event;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new AppError('delivery_timeout', undefined, `${what}: no answer in ${this.stepMs} ms`);
        this.failure ??= error;
        this.out.destroy();
        reject(error);
      }, this.stepMs);
    });
    try {
      await Promise.race([event, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Ends the stream. Whether the bytes arrived is the destination's to say (`OpenedFile.closed`, then the size):
   * an SFTP write stream closes its handle in `_final` and never emits `finish`.
   */
  end(): void {
    if (this.failure) throw this.failure;
    this.out.end();
  }

  get sha256(): string {
    return this.hash.copy().digest('hex');
  }
}

export type Rows = Iterable<readonly Cell[]> | AsyncIterable<readonly Cell[]>;

const CSV_BATCH_CHARS = 256 * 1024;

function checkWidth(row: readonly Cell[], width: number, index: number): void {
  if (row.length !== width) throw new DeliveryInputError(`row ${index + 1} has ${row.length} cells for ${width} columns`);
}

/** Text that Windows-31J holds as it is (iconv-lite writes `?` for a character outside it). */
const fitsShiftJis = (text: string) => iconv.decode(iconv.encode(text, 'cp932'), 'cp932') === text;

/** The first cell of a batch that Shift_JIS cannot hold, named by row and column (never silently turned into `?`). */
function shiftJisMisfit(columns: readonly string[], batch: readonly (readonly Cell[])[], firstRow: number): DeliveryInputError {
  for (let r = 0; r < batch.length; r++) {
    const row = batch[r]!;
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (typeof v !== 'string' || fitsShiftJis(v)) continue;
      const bad = [...v].find((ch) => !fitsShiftJis(ch)) ?? '';
      return new DeliveryInputError(
        `row ${firstRow + r + 1}, column ${columns[c]}: ${bad} (U+${bad.codePointAt(0)?.toString(16).toUpperCase()}) cannot be written in Shift_JIS; deliver in UTF-8`,
      );
    }
  }
  const header = columns.find((c) => !fitsShiftJis(c)) ?? '';
  return new DeliveryInputError(`column name ${header} cannot be written in Shift_JIS; deliver in UTF-8`);
}

/**
 * Writes the CSV (header line first, CRLF line ends); returns the number of data rows. In Shift_JIS, a character
 * Windows-31J lacks (𠮷, emoji…) stops the delivery with the row and column named, rather than arriving as `?`.
 */
export async function writeCsv(sink: HashingSink, columns: readonly string[], rows: Rows, charset: DeliveryCharset): Promise<number> {
  const line = (cells: readonly Cell[]) => `${cells.map(csvField).join(',')}\r\n`;
  let text = (charset === 'utf-8' ? '\uFEFF' : '') + line(columns);
  let batch: (readonly Cell[])[] = [];
  let count = 0;
  const flush = async () => {
    const bytes = encodeCsv(text, charset);
    if (charset === 'shift_jis' && iconv.decode(bytes, 'cp932') !== text) throw shiftJisMisfit(columns, batch, count - batch.length);
    await sink.write(bytes);
    text = '';
    batch = [];
  };
  for await (const row of rows) {
    checkWidth(row, columns.length, count);
    text += line(row);
    if (charset === 'shift_jis') batch.push(row);
    count++;
    if (text.length >= CSV_BATCH_CHARS) await flush();
  }
  if (text) await flush();
  return count;
}

/** A Parquet column's type: text (UTF-8 strings) unless every value seen in the first row group is a number. */
export type ParquetColumnType = 'string' | 'number';

const ROW_GROUP = 65_536;

/** hyparquet-writer's byte writer, emptied into the sink after each row group and at the end. */
class SinkWriter extends ByteWriter {
  private readonly sink: HashingSink;
  constructor(sink: HashingSink) {
    super(1 << 20);
    this.sink = sink;
  }
  private drain(): Promise<void> {
    const bytes = Buffer.from(this.getBytes());
    this.index = 0;
    return this.sink.write(bytes);
  }
  flush(): Promise<void> {
    return this.drain();
  }
  override finish(): Promise<void> {
    return this.drain() as never;
  }
}

/**
 * Writes the Parquet file; returns the number of rows. Column types come from `types` or, when not given, from
 * the first row group (a column whose values there are all numbers, or empty, is DOUBLE). A later text value in a
 * number column is an error naming the column; a number in a text column is written as its text.
 */
export async function writeParquet(
  sink: HashingSink,
  columns: readonly string[],
  rows: Rows,
  opts: { types?: readonly ParquetColumnType[]; metadata: { key: string; value: string }[] },
): Promise<number> {
  let batch: (readonly Cell[])[] = [];
  let writer: ParquetWriter | undefined;
  let types: readonly ParquetColumnType[] | undefined = opts.types;
  let count = 0;
  const writeBatch = async () => {
    if (!types) types = inferTypes(columns.length, batch);
    if (!writer) {
      writer = new ParquetWriter({
        writer: new SinkWriter(sink),
        schema: [
          { name: 'root', num_children: columns.length },
          ...columns.map((name, c) =>
            types![c] === 'number'
              ? { name, type: 'DOUBLE' as const, repetition_type: 'OPTIONAL' as const }
              : { name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const },
          ),
        ],
        kvMetadata: opts.metadata,
        createdBy: 'mamori',
      });
    }
    if (batch.length === 0) return;
    const columnData = columns.map((name, c) => {
      const numeric = types![c] === 'number';
      const data = batch.map((row) => {
        const v = row[c] ?? null;
        if (v === null) return null;
        if (numeric) {
          if (typeof v !== 'number')
            throw new DeliveryInputError(`column ${name}: text in a number column (row group from ${count - batch.length + 1})`);
          return v;
        }
        return typeof v === 'number' ? String(v) : v;
      });
      return { name, data };
    });
    await writer.write({ columnData, rowGroupSize: batch.length });
    batch = [];
  };
  for await (const row of rows) {
    checkWidth(row, columns.length, count);
    batch.push(row);
    count++;
    if (batch.length >= ROW_GROUP) await writeBatch();
  }
  await writeBatch();
  await writer!.finish();
  return count;
}

function inferTypes(width: number, batch: readonly (readonly Cell[])[]): ParquetColumnType[] {
  return Array.from({ length: width }, (_, c) => {
    let sawNumber = false;
    for (const row of batch) {
      const v = row[c];
      if (typeof v === 'string') return 'string';
      if (typeof v === 'number') sawNumber = true;
    }
    return sawNumber ? 'number' : 'string';
  });
}
