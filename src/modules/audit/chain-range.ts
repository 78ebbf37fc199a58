/**
 * Checking one stretch of the audit chain: rows in sequence order, as arrays in `chainColumns` order. Each
 * row's hash depends only on its own columns and its stored `prev_hash`, so stretches can be checked apart
 * (in worker threads) and joined afterwards: the first row's sequence number and link to the stretch before
 * are left to the caller (`ChainVerifier.pushRange`), everything inside the stretch is checked here.
 */
import { hash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { contentColumns } from './canonical.ts';
import { auditMacReady, checkEntryMac } from './mac.ts';

/** Column order of the rows given to `checkRows` (the canonical encoding's order, then the two hashes). */
export const chainColumns = ['seq', ...contentColumns, 'prev_hash', 'hash'] as const;

/**
 * The columns read on PostgreSQL: the chain's, then the entry id and MAC the writer queued the entry with
 * (null on entries chained directly, as on SQLite). `checkRows` checks the MAC where there is one.
 */
export const macColumns = [...chainColumns, 'entry_id', 'mac'] as const;

export type RangeProblem = 'sequence_gap' | 'broken_link' | 'hash_mismatch' | 'mac_mismatch';

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

/**
 * Checks rows of one stretch (arrays in `chainColumns` or `macColumns` order), in sequence order. A row with a
 * MAC is checked against it when this process holds the audit MAC keys (mac.ts); a MAC made with a key the
 * process does not hold counts as a mismatch.
 */
export function checkRows(rows: Iterable<readonly unknown[]>): RangeReport {
  const checker = new RangeChecker();
  const macs = auditMacReady();
  for (const row of rows) {
    const seq = Number(row[0]);
    const { lastSeq, lastHash } = checker.report;
    if (!checker.add(seq, row[11] as string, row[12] as string, rowHash(row, seq))) break;
    if (macs && typeof row[14] === 'string' && !macHolds(row)) {
      // The row is bad after all: the last good one is the one before it.
      Object.assign(checker.report, { lastSeq, lastHash, bad: { seq, problem: 'mac_mismatch' } });
      break;
    }
  }
  return checker.report;
}

function macHolds(row: readonly unknown[]): boolean {
  const fields = {
    entry_id: row[13] as string,
    ts: row[1] as string,
    org_id: row[2] as string | null,
    actor_type: row[3] as string,
    actor_id: row[4] as string | null,
    action: row[5] as string,
    outcome: row[6] as string,
    purpose_code: row[7] as string | null,
    member_id: row[8] as string | null,
    error_code: row[9] as string | null,
    detail: row[10] as string,
  };
  return checkEntryMac(fields, row[14] as string) === 'ok';
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
