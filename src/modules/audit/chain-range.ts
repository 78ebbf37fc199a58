/**
 * Checking one stretch of the audit chain: rows in sequence order, as arrays in `chainColumns` order. Each
 * row's hash depends only on its own columns and its stored `prev_hash`, so stretches can be checked apart
 * (in worker threads) and joined afterwards: the first row's sequence number and link to the stretch before
 * are left to the caller (`ChainVerifier.pushRange`), everything inside the stretch is checked here.
 */
import { hash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';

/** Column order of the rows given to `checkRows` (the canonical encoding's order, then the two hashes). */
export const chainColumns = [
  'seq',
  'ts',
  'org_id',
  'actor_type',
  'actor_id',
  'action',
  'outcome',
  'purpose_code',
  'member_id',
  'error_code',
  'detail',
  'prev_hash',
  'hash',
] as const;

export type RangeProblem = 'sequence_gap' | 'broken_link' | 'hash_mismatch';

export interface RangeReport {
  /** Rows checked (up to and including a bad one). */
  count: number;
  firstSeq?: number;
  /** The first row's stored `prev_hash`: must equal the `hash` of the stretch before. */
  firstPrev?: string;
  /** The last good row. */
  lastSeq?: number;
  lastHash?: string;
  /** The first row inside the stretch that does not hold; checking stops there. */
  bad?: { seq: number; problem: RangeProblem };
}

/**
 * The hash of a row given as an array in `chainColumns` order: the same as `entryHash` in canonical.ts
 * (SHA-256 of prev_hash, "\n" and the JSON array of the first eleven columns), computed in one call.
 */
export function rowHash(row: readonly unknown[], seq: number): string {
  const encoded = JSON.stringify([seq, row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], row[9], row[10]]);
  return hash('sha256', `${row[11]}\n${encoded}`);
}

/** Checks the rows of one stretch as they come, in sequence order; `report` holds the verdict so far. */
export class RangeChecker {
  readonly report: RangeReport = { count: 0 };
  #expected = 0;
  #prevHash = '';

  /**
   * The next row: its sequence number, stored prev_hash and hash, and its hash as recomputed by the caller.
   * When that differs, `exact(seq)` (if given) recomputes it the canonical way before the row is called bad.
   * Returns false once a problem is found.
   */
  add(seq: number, prev: string, stored: string, computed: string, exact?: (seq: number) => string): boolean {
    const report = this.report;
    report.count++;
    if (report.count === 1) {
      report.firstSeq = seq;
      report.firstPrev = prev;
    } else if (seq !== this.#expected) {
      report.bad = { seq, problem: 'sequence_gap' };
      return false;
    } else if (prev !== this.#prevHash) {
      report.bad = { seq, problem: 'broken_link' };
      return false;
    }
    if (computed !== stored && (!exact || exact(seq) !== stored)) {
      report.bad = { seq, problem: 'hash_mismatch' };
      return false;
    }
    report.lastSeq = seq;
    report.lastHash = stored;
    this.#expected = seq + 1;
    this.#prevHash = stored;
    return true;
  }
}

/** Checks rows of one stretch (arrays in `chainColumns` order), in sequence order. */
export function checkRows(rows: Iterable<readonly unknown[]>): RangeReport {
  const checker = new RangeChecker();
  for (const row of rows) {
    const seq = Number(row[0]);
    if (!checker.add(seq, row[11] as string, row[12] as string, rowHash(row, seq))) break;
  }
  return checker.report;
}

// On SQLite the canonical encoding is built by SQLite itself (json_array escapes as JSON.stringify does), so a
// row crosses into JavaScript as one string instead of eleven; any row whose hash then differs is recomputed
// from its columns the canonical way before it is called bad, so an encoding difference can never be reported
// as tampering.
const encodedSql = `select seq, prev_hash, hash,
    prev_hash || char(10) || json_array(seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail)
  from audit_log where seq >= ? and seq <= ? order by seq`;
const rowsSql = `select ${chainColumns.join(', ')} from audit_log where seq >= ? and seq <= ? order by seq`;
const CHUNK = 5000;

/** Checks the entries `from`…`to` of an SQLite database, reading them in chunks (worker threads and small chains). */
export function checkSqliteRange(db: BetterSqlite3.Database, from: number, to: number): RangeReport {
  const encoded = db.prepare(encodedSql).raw(true);
  const full = db.prepare(rowsSql).raw(true);
  const exact = (seq: number) => {
    const row = full.get(seq, seq) as unknown[] | undefined;
    return row ? rowHash(row, seq) : '';
  };
  const checker = new RangeChecker();
  for (let first = from; first <= to; first += CHUNK) {
    const last = Math.min(to, first + CHUNK - 1);
    let rows: unknown[][];
    try {
      rows = encoded.all(first, last) as unknown[][];
    } catch {
      // A value SQLite's JSON functions refuse (a BLOB written into a text column): check this chunk column by column.
      for (const row of full.all(first, last) as unknown[][]) {
        const seq = Number(row[0]);
        if (!checker.add(seq, row[11] as string, row[12] as string, rowHash(row, seq))) return checker.report;
      }
      continue;
    }
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const seq = Number(row[0]);
      const payload = row[3];
      const computed = typeof payload === 'string' ? hash('sha256', payload) : '';
      if (!checker.add(seq, row[1] as string, row[2] as string, computed, exact)) return checker.report;
    }
  }
  return checker.report;
}
