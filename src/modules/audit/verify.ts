/**
 * `mamori audit verify`: walks the whole chain and reports the first entry that does not hold. An altered
 * row fails its own hash; a deleted row leaves a gap in the sequence and a broken link; an inserted or
 * reordered row breaks the link of the entry after it; a truncated tail no longer matches the chain head.
 *
 * The chain is checked as of one snapshot (the head and the sequence bounds are read together), in ranges of
 * sequence numbers: each row's hash depends only on its own columns and its stored prev_hash, so ranges can be
 * checked apart and joined in order (`ChainVerifier.pushRange` checks the links between them). Long chains are
 * checked by worker threads, each reading and hashing its ranges through a connection of its own:
 * - SQLite file: read-only connections (one read transaction each, started before anything is appended);
 * - PostgreSQL: this thread opens a read-only repeatable-read transaction, reads the head and bounds and
 *   exports its snapshot (`pg_export_snapshot()`), which every worker adopts in a repeatable-read transaction
 *   of its own (`SET TRANSACTION SNAPSHOT`) while this one is held open: all readers see one and the same chain.
 *   Ranges are streamed with `COPY … TO STDOUT` and parsed by hand (chain-postgres.ts).
 * Short chains are checked range by range in this thread (on PostgreSQL on the same connection and snapshot).
 * Either way the first bad entry reported is the one a serial walk would report: reports are joined strictly
 * in sequence order, whichever worker finishes first.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { type Db, poolOf, sqliteHandleOf } from '../../db/database.ts';
import { type ChainFields, entryHash, GENESIS_HASH } from './canonical.ts';
import { checkPostgresRange } from './chain-postgres.ts';
import { checkRows, checkSqliteRange, macColumns, type RangeReport } from './chain-range.ts';
import { auditMacReady, checkEntryMac, derivedAuditMacKeys } from './mac.ts';
import { drainAuditQueue } from './sequencer.ts';
import type { VerifyWorkerData } from './verify-worker.ts';

export type ChainProblem = 'hash_mismatch' | 'broken_link' | 'sequence_gap' | 'head_mismatch' | 'mac_mismatch';

export interface VerifyResult {
  ok: boolean;
  entries: number;
  lastSeq: number;
  firstBad?: { seq: number; problem: ChainProblem; message_ja: string; message_en: string };
}

type StoredRow = ChainFields & { prev_hash: string; hash: string; entry_id?: string | null; mac?: string | null };

const messages: Record<ChainProblem, (seq: number) => [string, string]> = {
  hash_mismatch: (s) => [
    `監査記録 #${s} の内容が改ざんされています（ハッシュ不一致）。`,
    `Audit entry #${s} was altered (its hash does not match its content).`,
  ],
  broken_link: (s) => [
    `監査記録 #${s} の直前の記録が削除・挿入・改ざんされています（連鎖不一致）。`,
    `The entry before audit entry #${s} was deleted, inserted or altered (the chain link does not match).`,
  ],
  sequence_gap: (s) => [`監査記録 #${s} の前に欠番があります（記録の削除）。`, `Audit entries before #${s} are missing (deleted).`],
  mac_mismatch: (s) => [
    `監査記録 #${s} の内容が、記録した時点の署名（MAC）と一致しません（書き込み待ちの間または記録後の改ざん）。`,
    `Audit entry #${s} does not match the MAC it was written with (altered while queued or afterwards).`,
  ],
  head_mismatch: (s) => [
    `監査記録 #${s} 以降が削除されているか、末尾が改ざんされています。`,
    `Audit entries after #${s} were deleted, or the chain tail was altered.`,
  ],
};

/** Checks rows pushed in sequence order. Reusable by every source (SQLite, PostgreSQL, workers). */
export class ChainVerifier {
  #expectedSeq: number;
  #prevHash: string;
  entries = 0;
  firstBad: VerifyResult['firstBad'];

  constructor(startSeq = 1, prevHash = GENESIS_HASH) {
    this.#expectedSeq = startSeq;
    this.#prevHash = prevHash;
  }

  get lastSeq(): number {
    return this.#expectedSeq - 1;
  }

  /** Returns false once a problem is found (the caller may stop reading). */
  push(row: StoredRow): boolean {
    if (this.firstBad) return false;
    const seq = Number(row.seq);
    this.entries++;
    if (seq !== this.#expectedSeq) return this.#fail(seq, 'sequence_gap');
    if (row.prev_hash !== this.#prevHash) return this.#fail(seq, 'broken_link');
    if (entryHash(row.prev_hash, { ...row, seq }) !== row.hash) return this.#fail(seq, 'hash_mismatch');
    if (typeof row.mac === 'string' && auditMacReady() && checkEntryMac({ ...row, entry_id: row.entry_id ?? '' }, row.mac) !== 'ok') {
      return this.#fail(seq, 'mac_mismatch');
    }
    this.#prevHash = row.hash;
    this.#expectedSeq = seq + 1;
    return true;
  }

  /**
   * Takes the report of the next range (`checkRows`): checks its first row's sequence number and link to what
   * came before, then adopts its verdict. Returns false once a problem is found.
   */
  pushRange(r: RangeReport): boolean {
    if (this.firstBad) return false;
    if (r.count === 0) return true;
    if (r.firstSeq !== this.#expectedSeq) {
      this.entries++;
      return this.#fail(r.firstSeq!, 'sequence_gap');
    }
    if (r.firstPrev !== this.#prevHash) {
      this.entries++;
      return this.#fail(r.firstSeq!, 'broken_link');
    }
    this.entries += r.count;
    if (r.lastSeq !== undefined) {
      this.#expectedSeq = r.lastSeq + 1;
      this.#prevHash = r.lastHash!;
    }
    return r.bad ? this.#fail(r.bad.seq, r.bad.problem) : true;
  }

  /** Compares the end of the chain with the head row. */
  finish(head: { seq: number; hash: string }): VerifyResult {
    if (!this.firstBad && (Number(head.seq) !== this.lastSeq || head.hash !== this.#prevHash)) {
      this.#fail(this.lastSeq, 'head_mismatch');
    }
    return { ok: !this.firstBad, entries: this.entries, lastSeq: this.lastSeq, ...(this.firstBad ? { firstBad: this.firstBad } : {}) };
  }

  #fail(seq: number, problem: ChainProblem): false {
    const [ja, en] = messages[problem](seq);
    this.firstBad = { seq, problem, message_ja: ja, message_en: en };
    return false;
  }
}

export interface VerifyOptions {
  /** Rows per query on the Kysely path (an in-memory SQLite database, or a `Db` not opened by `openDatabase`). */
  batchSize?: number;
  onProgress?: (seq: number) => void;
  /** Worker threads (default: one per core, at most 8); 0 or 1 checks in this thread. */
  workers?: number;
  /** Entries per range (default: ~8 ranges per worker, at least 50,000). */
  rangeSize?: number;
  /** Chains shorter than this are checked in this thread (default 200,000: a worker's start costs more). */
  parallelFrom?: number;
  /**
   * Called once the head and bounds are read (on PostgreSQL: the snapshot taken), before any range is read.
   * Tests write meanwhile through it.
   */
  afterSnapshot?: () => void | Promise<void>;
}

interface Snapshot {
  head: { seq: number; hash: string };
  lo: number | null;
  hi: number | null;
}

/** Verifies the whole chain (see the top of this file for how). */
export async function verifyAuditChain(db: Db, options: VerifyOptions = {}): Promise<VerifyResult> {
  // PostgreSQL: every entry committed before the check is chained first (sequencer.ts).
  await drainAuditQueue(db);
  const raw = sqliteHandleOf(db);
  if (raw && !raw.memory && raw.name) return verifySqliteFile(resolve(raw.name), options);
  const pool = poolOf(db);
  if (pool) return verifyPostgres(pool, options);
  return verifyThroughKysely(db, options);
}

type Range = { index: number; from: number; to: number };

/** How a chain of `lo`…`hi` is split, and whether workers check it. */
function plan(lo: number, hi: number, options: VerifyOptions): { work: Range[]; workers: number } {
  const total = hi - lo + 1;
  const workers = Math.min(options.workers ?? Math.min(availableParallelism(), 8), 64);
  const parallel = workers > 1 && total >= (options.parallelFrom ?? 200_000);
  const size = Math.max(1, options.rangeSize ?? Math.max(50_000, Math.ceil(total / (Math.max(workers, 1) * 8))));
  const work: Range[] = [];
  for (let from = lo, index = 0; from <= hi; from += size, index++) work.push({ index, from, to: Math.min(hi, from + size - 1) });
  return { work, workers: parallel ? Math.min(workers, work.length) : 0 };
}

async function verifySqliteFile(file: string, options: VerifyOptions): Promise<VerifyResult> {
  const reader = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  reader.pragma('mmap_size = 17179869184');
  try {
    // One read transaction: the head and the bounds of the same moment; later appends are outside the check.
    const snapshot = reader.transaction(
      (): Snapshot => ({
        head: reader.prepare('select seq, hash from audit_head where id = 1').get() as Snapshot['head'],
        ...(reader.prepare('select min(seq) as lo, max(seq) as hi from audit_log').get() as { lo: number | null; hi: number | null }),
      }),
    )();
    const verifier = new ChainVerifier();
    if (snapshot.lo === null || snapshot.hi === null) return verifier.finish(snapshot.head);
    const { work, workers } = plan(snapshot.lo, snapshot.hi, options);
    await options.afterSnapshot?.();
    if (workers > 0) {
      await checkInWorkers({ kind: 'sqlite', file }, work, workers, verifier, options.onProgress);
    } else {
      for (const range of work) {
        if (!verifier.pushRange(checkSqliteRange(reader, range.from, range.to))) break;
        options.onProgress?.(range.to);
        // Let a server that verifies in process answer requests between ranges.
        if (work.length > 1) await new Promise<void>((r) => setImmediate(r));
      }
    }
    return verifier.finish(snapshot.head);
  } finally {
    reader.close();
  }
}

/**
 * Verifies on PostgreSQL (see the top of this file). The connection comes from the pool; workers open their
 * own with the pool's connection settings.
 */
async function verifyPostgres(pool: pg.Pool, options: VerifyOptions): Promise<VerifyResult> {
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const head = (await client.query<Snapshot['head']>('select seq, hash from audit_head where id = 1')).rows[0];
    if (!head) throw new Error('audit_head has no row');
    const bounds = (await client.query<{ lo: number | null; hi: number | null }>('select min(seq) as lo, max(seq) as hi from audit_log'))
      .rows[0]!;
    const verifier = new ChainVerifier();
    if (bounds.lo === null || bounds.hi === null) return verifier.finish(head);
    const { work, workers } = plan(Number(bounds.lo), Number(bounds.hi), options);
    if (workers > 0) {
      const { snapshot } = (await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot')).rows[0]!;
      await options.afterSnapshot?.();
      const data: VerifyWorkerData = { kind: 'postgres', connection: workerConnection(pool), snapshot, macKeys: derivedAuditMacKeys() };
      // This transaction stays open until the workers are done: the snapshot they adopt lives as long as it.
      await checkInWorkers(data, work, workers, verifier, options.onProgress);
    } else {
      await options.afterSnapshot?.();
      for (const range of work) {
        if (!verifier.pushRange(await checkPostgresRange(client, range.from, range.to))) break;
        options.onProgress?.(range.to);
      }
    }
    return verifier.finish(head);
  } finally {
    await client.query('rollback').catch(() => {});
    client.release();
  }
}

/** The settings a worker's own client needs, taken from the pool's (the parts that cross to a thread). */
function workerConnection(pool: pg.Pool): pg.ClientConfig {
  const o = pool.options;
  const picked: pg.ClientConfig = {};
  for (const key of ['connectionString', 'host', 'port', 'user', 'database', 'options', 'ssl', 'application_name'] as const) {
    if (o[key] !== undefined) (picked as Record<string, unknown>)[key] = o[key];
  }
  // A password given as a function (fetched on demand) cannot cross; the worker then reads ~/.pgpass like pg does.
  if (typeof o.password === 'string') picked.password = o.password;
  return picked;
}

/** Hands ranges to a pool of workers and joins their reports in sequence order, stopping at the first problem. */
async function checkInWorkers(
  workerData: VerifyWorkerData,
  work: Range[],
  count: number,
  verifier: ChainVerifier,
  onProgress?: (seq: number) => void,
): Promise<void> {
  const url = new URL('./verify-worker.ts', import.meta.url);
  const pool = Array.from({ length: count }, () => new Worker(url, { workerData }));
  const reports: (RangeReport | undefined)[] = [];
  let sent = 0;
  let joined = 0;
  try {
    await new Promise<void>((resolveAll, reject) => {
      let finished = false;
      const done = () => {
        finished = true;
        resolveAll();
      };
      const send = (w: Worker) => {
        if (sent < work.length) w.postMessage(work[sent++]);
      };
      for (const w of pool) {
        w.on('message', (m: { index: number; report: RangeReport }) => {
          if (finished) return;
          reports[m.index] = m.report;
          for (let r = reports[joined]; r; r = reports[joined]) {
            reports[joined] = undefined;
            if (!verifier.pushRange(r)) return done();
            onProgress?.(work[joined]!.to);
            joined++;
          }
          if (joined === work.length) return done();
          send(w);
        });
        w.on('error', (error) => {
          if (!finished) reject(error);
        });
        w.on('exit', (code) => {
          if (!finished) reject(new Error(`audit verify worker exited with code ${code}`));
        });
      }
      for (const w of pool) send(w);
    });
  } finally {
    await Promise.all(pool.map(closeWorker));
  }
}

/**
 * Asks a worker to close its database and exit, and waits for it. Terminating a worker instead can catch it
 * while it is still loading the native SQLite module, which aborts the whole process (a Node.js fatal error);
 * the request is queued behind that load. A worker that does not exit within 10 s is terminated.
 */
async function closeWorker(w: Worker): Promise<void> {
  if (w.threadId === -1) return; // already gone
  const exited = new Promise<void>((resolveExit) => w.once('exit', () => resolveExit()));
  w.postMessage('close');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolveLate) => {
    timer = setTimeout(() => void w.terminate().then(() => resolveLate()), 10_000);
  });
  await Promise.race([exited, late]);
  clearTimeout(timer);
}

/** Rows in `chainColumns` order from Kysely row objects. */
const asArrays = (rows: Record<string, unknown>[]) => rows.map((row) => macColumns.map((c) => row[c]));

/**
 * Verifies through Kysely in keyset-paginated pages, in one snapshot: an in-memory SQLite database, or a `Db`
 * that `openDatabase` did not open (no raw handle, no pool to take a connection from).
 */
async function verifyThroughKysely(db: Db, options: VerifyOptions): Promise<VerifyResult> {
  const batchSize = options.batchSize ?? 20_000;
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const head = await tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
      const bounds = await tx
        .selectFrom('audit_log')
        .select((eb) => [eb.fn.min('seq').as('lo'), eb.fn.max('seq').as('hi')])
        .executeTakeFirstOrThrow();
      const verifier = new ChainVerifier();
      if (bounds.lo === null || bounds.hi === null) return verifier.finish(head);
      const hi = Number(bounds.hi);
      let after = Number(bounds.lo) - 1;
      while (after < hi) {
        const rows = await tx
          .selectFrom('audit_log')
          .select(macColumns)
          .where('seq', '>', after)
          .where('seq', '<=', hi)
          .orderBy('seq')
          .limit(batchSize)
          .execute();
        if (rows.length === 0) break;
        if (!verifier.pushRange(checkRows(asArrays(rows)))) break;
        after = Number(rows[rows.length - 1]!.seq);
        options.onProgress?.(after);
      }
      return verifier.finish(head);
    });
}
