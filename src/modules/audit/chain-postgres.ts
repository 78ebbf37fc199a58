/**
 * Reading stretches of the audit chain from PostgreSQL for verification. A stretch is streamed with
 * `COPY (select … order by seq) TO STDOUT (FORMAT binary)` and checked straight from the bytes: each row's
 * canonical encoding (canonical.ts: prev_hash, "\n", the JSON array of its columns) is written into a scratch
 * buffer — the text values' UTF-8 bytes as they came, with JSON's escapes — and hashed from there. Measured
 * per million entries (docs/benchmarks.md), node-postgres's row parser alone costs about as much as hashing,
 * and decoding every value into a JavaScript string and encoding it back (JSON.stringify, then UTF-8 for the
 * hash) costs twice as much; binary COPY also costs the server less than the text format (no escaping).
 *
 * Any row whose hash then differs is recomputed from its decoded values the canonical way (`rowHash`)
 * before it is called bad, as on SQLite: a difference in encoding can never be reported as tampering, and a
 * row only passes when the bytes hashed are those of its own columns.
 *
 * node-postgres has no COPY of its own; `CopyOut` is the small "submittable" it accepts in place of a query
 * (the way pg-copy-streams plugs in): it sends the statement and receives the CopyData messages directly.
 */
import { hash } from 'node:crypto';
import type pg from 'pg';
import { macColumns, RangeChecker, type RangeReport, rowHash } from './chain-range.ts';
import { auditMacReady, checkEntryMacParts } from './mac.ts';

/** The columns read: the chain's, then the entry id and MAC (chain-range.ts `macColumns`). */
const chainColumns = macColumns;

/** The statement that streams entries `from`…`to` (integers) in `chainColumns` order, in COPY's binary format. */
export function copyRangeSql(from: number, to: number): string {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new TypeError(`bad sequence range ${from}…${to}`);
  return `copy (select ${chainColumns.join(', ')} from audit_log where seq >= ${from} and seq <= ${to} order by seq) to stdout (format binary)`;
}

interface Settle {
  resolve: (rows: number) => void;
  reject: (error: unknown) => void;
}

/**
 * `COPY … TO STDOUT (FORMAT binary)` on a node-postgres client, handing each row (tuple) to `onRow` as it
 * arrives: the buffer and the offset of its field count. The server sends a row per CopyData message as a rule,
 * which is then read in place; a row split across messages is joined first.
 */
class CopyOut {
  readonly text: string;
  readonly #onRow: (buf: Buffer, at: number, end: number) => void;
  readonly #done: Settle;
  #rest: Buffer | undefined;
  #headerSeen = false;
  #ended = false;
  #rows = 0;
  #error: unknown;
  #settled = false;

  constructor(text: string, onRow: (buf: Buffer, at: number, end: number) => void, done: Settle) {
    this.text = text;
    this.#onRow = onRow;
    this.#done = done;
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.#error) return;
    let buf = message.chunk;
    if (this.#rest) {
      buf = Buffer.concat([this.#rest, buf]);
      this.#rest = undefined;
    }
    try {
      const at = this.#consume(buf);
      // The message buffer belongs to the protocol parser: keep a copy of an unfinished row.
      if (at < buf.length) this.#rest = Buffer.from(buf.subarray(at));
    } catch (error) {
      // Reported once the server has finished the statement (the connection stays in step).
      this.#error = error;
    }
  }

  /** Hands on the complete rows in `buf`; returns where an unfinished one starts (or the end). */
  #consume(buf: Buffer): number {
    let at = 0;
    if (!this.#headerSeen) {
      // "PGCOPY\n\377\r\n\0", flags (int32), header extension length (int32) and the extension.
      if (buf.length < 19) return 0;
      if (buf.toString('latin1', 0, 11) !== 'PGCOPY\n\xff\r\n\0') throw new Error('not a binary COPY stream');
      const extension = buf.readInt32BE(15);
      if (buf.length < 19 + extension) return 0;
      at = 19 + extension;
      this.#headerSeen = true;
    }
    while (at < buf.length) {
      if (this.#ended) throw new Error('data after the end of a binary COPY stream');
      const end = tupleEnd(buf, at);
      if (end === -1) return at;
      if (end === -2) {
        this.#ended = true; // the trailer: a field count of -1
        at += 2;
        continue;
      }
      this.#rows++;
      this.#onRow(buf, at, end);
      at = end;
    }
    return at;
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#error) this.#done.reject(this.#error);
    else if (this.#rest || !this.#ended) this.#done.reject(new Error('binary COPY stream ended inside a row'));
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

/** The end of the tuple at `at` if it is complete in `buf`; -1 if not; -2 for the stream's trailer. */
function tupleEnd(buf: Buffer, at: number): number {
  if (at + 2 > buf.length) return -1;
  const fields = buf.readInt16BE(at);
  if (fields === -1) return -2;
  let p = at + 2;
  for (let f = 0; f < fields; f++) {
    if (p + 4 > buf.length) return -1;
    const len = buf.readInt32BE(p);
    p += 4 + Math.max(len, 0);
  }
  return p > buf.length ? -1 : p;
}

/**
 * Runs a binary `COPY (…) TO STDOUT` on `client`, calling `onRow` with each row's buffer, the offset of its
 * field count and its end (valid only during the call); resolves with the number of rows.
 */
export function copyRows(client: pg.ClientBase, sql: string, onRow: (buf: Buffer, at: number, end: number) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    client.query(new CopyOut(sql, onRow, { resolve, reject }) as never);
  });
}

/** A binary COPY row of `chainColumns` decoded into values (seq as a number): the canonical, slow way. */
export function decodeRow(buf: Buffer, at: number): unknown[] {
  const count = buf.readInt16BE(at);
  if (count !== chainColumns.length) throw new Error(`COPY row with ${count} columns, ${chainColumns.length} expected`);
  const row: unknown[] = new Array(count);
  let p = at + 2;
  for (let f = 0; f < count; f++) {
    const len = buf.readInt32BE(p);
    p += 4;
    if (len === -1) row[f] = null;
    else if (f === 0) row[f] = Number(buf.readBigInt64BE(p));
    else row[f] = buf.toString('utf8', p, p + len);
    if (len > 0) p += len;
  }
  return row;
}

// How JSON.stringify writes each byte below 0x80: 0 = as is, 1 = after a backslash (`"`, `\`), 2 = as the
// short escape in `short` (\b \t \n \f \r), 3 = as \u00XX. Bytes of multi-byte UTF-8 sequences (0x80 and up)
// are copied as they are, as JSON.stringify leaves those characters.
const escapeKind = Uint8Array.from({ length: 128 }, (_, b) => {
  if (b === 0x22 || b === 0x5c) return 1;
  if (b === 0x08 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d) return 2;
  return b < 0x20 ? 3 : 0;
});
const short = Uint8Array.from({ length: 32 }, (_, b) => ({ 8: 0x62, 9: 0x74, 10: 0x6e, 12: 0x66, 13: 0x72 })[b] ?? 0);
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Checks a stretch from binary COPY rows as they come; `report` holds the verdict so far. Reused for every
 * row: the scratch buffer grows to the longest encoding seen.
 */
export class BinaryRangeChecker {
  readonly #checker = new RangeChecker();
  #scratch = Buffer.allocUnsafe(64 * 1024);
  #going = true;
  // The row being checked, for `#exact`.
  #buf: Buffer = this.#scratch;
  #at = 0;
  /** Rows recomputed the canonical way (their fast hash differed): 0 on an intact chain. */
  fallbacks = 0;
  readonly #exact = () => {
    this.fallbacks++;
    const row = decodeRow(this.#buf, this.#at);
    return rowHash(row, row[0] as number);
  };

  get report(): RangeReport {
    return this.#checker.report;
  }

  /** The next row (`buf` from `at` to `end`, see `copyRows`). Returns false once a problem is found. */
  add(buf: Buffer, at: number, end: number): boolean {
    if (!this.#going) return false;
    if (buf.readInt16BE(at) !== chainColumns.length) {
      throw new Error(`COPY row with ${buf.readInt16BE(at)} columns, ${chainColumns.length} expected`);
    }
    // Worst case: every byte escaped as \u00XX, plus brackets, commas, quotes and the sequence number.
    if (this.#scratch.length < (end - at) * 6 + 256) this.#scratch = Buffer.allocUnsafe((end - at) * 6 + 256);
    const out = this.#scratch;
    // seq: int8.
    let p = at + 2;
    if (buf.readInt32BE(p) !== 8) throw new Error('audit_log.seq is not an int8');
    const seq = buf.readInt32BE(p + 4) * 0x1_0000_0000 + buf.readUInt32BE(p + 8);
    p += 12;
    // The ten values in between: skipped once to reach prev_hash, which the encoding starts with.
    const valuesAt = p;
    for (let f = 1; f <= 10; f++) {
      const len = buf.readInt32BE(p);
      p += 4 + Math.max(len, 0);
    }
    const prevLen = buf.readInt32BE(p);
    const prevAt = p + 4;
    p = prevAt + Math.max(prevLen, 0);
    const hashLen = buf.readInt32BE(p);
    const hashAt = p + 4;
    p = hashAt + Math.max(hashLen, 0);
    const entryLen = buf.readInt32BE(p);
    const entryAt = p + 4;
    p = entryAt + Math.max(entryLen, 0);
    const macLen = buf.readInt32BE(p);
    const macAt = p + 4;
    const prev = prevLen < 0 ? '' : buf.toString('latin1', prevAt, prevAt + prevLen);
    const stored = hashLen < 0 ? '' : buf.toString('latin1', hashAt, hashAt + hashLen);

    let w = prevLen > 0 ? buf.copy(out, 0, prevAt, prevAt + prevLen) : 0;
    out[w++] = 0x0a; // \n
    out[w++] = 0x5b; // [
    const digits = String(seq);
    for (let i = 0; i < digits.length; i++) out[w++] = digits.charCodeAt(i);
    // The MAC's encoding (mac.ts) ends as this one does from the comma after the sequence number.
    const macTailAt = w;
    p = valuesAt;
    for (let f = 1; f <= 10; f++) {
      out[w++] = 0x2c; // ,
      const len = buf.readInt32BE(p);
      p += 4;
      if (len < 0) {
        out[w++] = 0x6e; // null
        out[w++] = 0x75;
        out[w++] = 0x6c;
        out[w++] = 0x6c;
        continue;
      }
      out[w++] = 0x22; // "
      for (let i = p, stop = p + len; i < stop; i++) {
        const b = buf[i]!;
        // Most bytes: printable ASCII after the quote (0x22) other than the backslash (0x5c), or non-ASCII.
        const kind = b > 0x22 && b !== 0x5c ? 0 : escapeKind[b];
        if (kind === 0) {
          out[w++] = b;
        } else {
          out[w++] = 0x5c; // \
          if (kind === 1) out[w++] = b;
          else if (kind === 2) out[w++] = short[b]!;
          else {
            out[w++] = 0x75; // u00XX
            out[w++] = 0x30;
            out[w++] = 0x30;
            out[w++] = HEX[b >> 4]!;
            out[w++] = HEX[b & 15]!;
          }
        }
      }
      out[w++] = 0x22;
      p += len;
    }
    out[w++] = 0x5d; // ]
    const computed = hash('sha256', out.subarray(0, w));
    this.#buf = buf;
    this.#at = at;
    const { lastSeq, lastHash } = this.#checker.report;
    this.#going = this.#checker.add(seq, prev, stored, computed, this.#exact);
    if (this.#going && macLen >= 0 && auditMacReady()) {
      const head = `[${JSON.stringify(buf.toString('utf8', entryAt, entryAt + Math.max(entryLen, 0)))}`;
      const mac = buf.toString('latin1', macAt, macAt + macLen);
      if (entryLen < 0 || checkEntryMacParts(head, out.subarray(macTailAt, w), mac) !== 'ok') {
        // The row is bad after all: the last good one is the one before it.
        Object.assign(this.#checker.report, { lastSeq, lastHash, bad: { seq, problem: 'mac_mismatch' } });
        this.#going = false;
      }
    }
    return this.#going;
  }
}

/** Checks the entries `from`…`to` read through `client` (in whatever snapshot its transaction holds). */
export async function checkPostgresRange(client: pg.ClientBase, from: number, to: number): Promise<RangeReport> {
  const checker = new BinaryRangeChecker();
  // After the first problem the rest of the stretch is drained unread.
  await copyRows(client, copyRangeSql(from, to), (buf, at, end) => void checker.add(buf, at, end));
  return checker.report;
}
