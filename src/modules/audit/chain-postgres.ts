/**
 * Reading stretches of the audit chain from PostgreSQL for verification. A stretch is streamed with
 * `COPY (select … order by seq) TO STDOUT` in text format and parsed here, one line per row: measured on 10M
 * entries, node-postgres's row parser (a message, a row object and thirteen decoded values per row) costs
 * more than the hashing itself, while a COPY line is one UTF-8 decode and one split (docs/benchmarks.md).
 *
 * node-postgres has no COPY of its own; `CopyOut` is the small "submittable" it accepts in place of a query
 * (the way pg-copy-streams plugs in): it sends the statement and receives the CopyData messages directly.
 */
import type pg from 'pg';
import { chainColumns, RangeChecker, type RangeReport, rowHash } from './chain-range.ts';

/** The statement that streams entries `from`…`to` (integers, checked by the caller) in `chainColumns` order. */
export function copyRangeSql(from: number, to: number): string {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new TypeError(`bad sequence range ${from}…${to}`);
  return `copy (select ${chainColumns.join(', ')} from audit_log where seq >= ${from} and seq <= ${to} order by seq) to stdout`;
}

const NEWLINE = 0x0a;

interface Settle {
  resolve: (rows: number) => void;
  reject: (error: unknown) => void;
}

/**
 * `COPY … TO STDOUT` on a node-postgres client: hands each line (a row, without its newline) to `onLine` as
 * it arrives and resolves with the row count when the server is done. Raw newlines only end rows (the text
 * format escapes them inside values), and a newline byte never occurs inside a UTF-8 sequence, so lines can
 * be cut from the byte stream before decoding.
 */
class CopyOut {
  readonly text: string;
  readonly #onLine: (line: string) => void;
  readonly #done: Settle;
  #rest: Buffer | undefined;
  #rows = 0;
  #error: unknown;
  #settled = false;

  constructor(text: string, onLine: (line: string) => void, done: Settle) {
    this.text = text;
    this.#onLine = onLine;
    this.#done = done;
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.#error) return;
    let chunk = message.chunk;
    if (this.#rest) {
      chunk = Buffer.concat([this.#rest, chunk]);
      this.#rest = undefined;
    }
    let start = 0;
    try {
      for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        this.#rows++;
        this.#onLine(chunk.toString('utf8', start, nl));
        start = nl + 1;
      }
    } catch (error) {
      // Reported once the server has finished the statement (the connection stays in step).
      this.#error = error;
      return;
    }
    // The message buffer belongs to the protocol parser: keep a copy of an unfinished line.
    if (start < chunk.length) this.#rest = Buffer.from(chunk.subarray(start));
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#error) this.#done.reject(this.#error);
    else if (this.#rest) this.#done.reject(new Error('COPY ended inside a row'));
    else this.#done.resolve(this.#rows);
  }

  handleError(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#done.reject(error);
  }

  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('mamori: COPY FROM is not expected here');
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}

/** Runs `COPY (…) TO STDOUT` on `client`, calling `onLine` for each row; resolves with the number of rows. */
export function copyLines(client: pg.ClientBase, sql: string, onLine: (line: string) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    client.query(new CopyOut(sql, onLine, { resolve, reject }) as never);
  });
}

const escapes: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const escaped = /\\(.)/g;

/**
 * One value of COPY's text format: `\N` is NULL; a backslash escapes itself and the control characters the
 * server writes as `\b \f \n \r \t \v` (the server writes no other escapes).
 */
export function copyValue(field: string): string | null {
  if (field.length === 2 && field === '\\N') return null;
  if (field.indexOf('\\') === -1) return field;
  return field.replace(escaped, (_, c: string) => escapes[c] ?? c);
}

/** A COPY line as an array of values in `chainColumns` order; the first value (seq) as a number. */
export function copyRow(line: string): unknown[] {
  const fields = line.split('\t');
  if (fields.length !== chainColumns.length) throw new Error(`COPY row with ${fields.length} columns, ${chainColumns.length} expected`);
  const row: unknown[] = new Array(fields.length);
  row[0] = Number(fields[0]);
  for (let i = 1; i < fields.length; i++) row[i] = copyValue(fields[i]!);
  return row;
}

/** Checks the entries `from`…`to` read through `client` (in whatever snapshot its transaction holds). */
export async function checkPostgresRange(client: pg.ClientBase, from: number, to: number): Promise<RangeReport> {
  const checker = new RangeChecker();
  let going = true;
  await copyLines(client, copyRangeSql(from, to), (line) => {
    // After the first problem the rest of the stretch is drained unread.
    if (!going) return;
    const row = copyRow(line);
    const seq = row[0] as number;
    going = checker.add(seq, row[11] as string, row[12] as string, rowHash(row, seq));
  });
  return checker.report;
}
