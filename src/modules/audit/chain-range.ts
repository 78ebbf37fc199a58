/**
 * Checking one stretch of the audit chain: rows in sequence order, as arrays in `chainColumns` order. Each
 * row's hash depends only on its own columns and its stored `prev_hash`, so stretches can be checked apart
 * (in worker threads) and joined afterwards: the first row's sequence number and link to the stretch before
 * are left to the caller (`ChainVerifier.pushRange`), everything inside the stretch is checked here.
 */
import { hash } from 'node:crypto';

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

/** Checks rows of one stretch, in sequence order. */
export function checkRows(rows: Iterable<readonly unknown[]>): RangeReport {
  const report: RangeReport = { count: 0 };
  let expected = 0;
  let prevHash = '';
  for (const row of rows) {
    const seq = Number(row[0]);
    const prev = row[11] as string;
    const stored = row[12] as string;
    report.count++;
    if (report.count === 1) {
      report.firstSeq = seq;
      report.firstPrev = prev;
    } else if (seq !== expected) {
      report.bad = { seq, problem: 'sequence_gap' };
      return report;
    } else if (prev !== prevHash) {
      report.bad = { seq, problem: 'broken_link' };
      return report;
    }
    if (rowHash(row, seq) !== stored) {
      report.bad = { seq, problem: 'hash_mismatch' };
      return report;
    }
    report.lastSeq = seq;
    report.lastHash = stored;
    expected = seq + 1;
    prevHash = stored;
  }
  return report;
}
