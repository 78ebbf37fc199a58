/**
 * 組合員一括取込: a member CSV into one organization's ledger, as one transaction.
 *
 * The file is read as a stream of chunks; worker threads decode, parse and normalise them (transform.ts),
 * and this module applies them in file order: a new member code is inserted, a known one is updated where
 * its values differ (version + 1) or left alone, and every insert and update gets its audit entry in the
 * same transaction. Rows that fail a ledger rule, hold a My Number, or repeat a member code are rejected and
 * reported; the rest commit together, or nothing does (a killed process leaves the database as it was).
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { sql } from 'kysely';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { dialectOf } from '../../db/database.ts';
import { settleCopies, transactionWithCopy } from '../../db/pg-copy.ts';
import { iso } from '../../db/time.ts';
import { appendAuditBatch } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { type ColumnPlan, type ImportEncoding, type ImportMapping, loadMapping, parseMapping, resolveColumns } from './columns.ts';
import { ImportJob, type ImportProgress } from './import-job.ts';
import { TransformPool } from './pool.ts';
import { defaultReportPath, type RejectedRow, RejectionReport } from './report.ts';
import { finishRun, type RunCounts, startRun } from './runs.ts';
import { type CsvSource, type FileEncoding, openCsvSource } from './source.ts';
import { type ImportJournal, withImportSettings } from './store.ts';

export interface ImportMembersOptions {
  /** Organization code (`demo-coop`). */
  orgCode: string;
  file: string;
  actor: Actor;
  /** `auto` (default): a BOM or valid UTF-8 at the start → UTF-8, otherwise Shift_JIS (cp932). */
  encoding?: ImportEncoding;
  /** A mapping (as parsed JSON) or the path of a mapping file. */
  mapping?: ImportMapping | Record<string, unknown> | string;
  /** Validate and count only: nothing is written except the audit of My Number refusals. */
  dryRun?: boolean;
  /** Any rejected row → nothing is imported. */
  strict?: boolean;
  /** Where the report of rejected rows goes; default `<name>.rejected.csv` next to the file; null: none. */
  report?: string | null;
  /** Rejected rows kept in the summary (the report file has all of them). Default 100. */
  keepRejections?: number;
  /** Worker threads; default: none for small files, else one per core (at most 4). */
  workers?: number;
  /** Chunk size in bytes (tests use small chunks to cross chunk boundaries). */
  chunkBytes?: number;
  /**
   * A load expected to insert at least this many members, and at least as many as the ledger holds, drops the
   * ledger's secondary indexes and builds them again at the end (in the same transaction); on PostgreSQL also
   * its foreign keys, and only when no other session is connected (store.ts). Default 100,000.
   */
  bulkIndexRows?: number;
  /** PostgreSQL: refresh the planner's statistics of `members` after writing at least this many (tests lower it). */
  analyzeRows?: number;
  /**
   * An organization with at most this many members has its member codes read once at the start; a larger one
   * is asked per chunk for the codes in it. Default 200,000.
   */
  knownCodesLimit?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportSummary {
  runId: string;
  /** `failed`: strict mode found rejected rows and nothing was written. */
  status: 'completed' | 'failed' | 'dry_run';
  /** Whether the changes counted below were written. */
  committed: boolean;
  file: string;
  sha256: string;
  encoding: FileEncoding;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  seconds: number;
  /** The first `keepRejections` problems (one per field). */
  rejections: RejectedRow[];
  reportFile: string | null;
  /** Earlier runs of the organization found interrupted and marked failed. */
  interruptedRuns: number;
  /**
   * SQLite: `rollback` when a large import had the database to itself and wrote its pages once, with a
   * rollback journal (see store.ts); `wal` otherwise. `null` on PostgreSQL and for a dry run.
   */
  journal: ImportJournal;
  /**
   * A bulk load: the ledger's secondary indexes (on PostgreSQL also its foreign keys) were dropped for the
   * load and built again before commit (see `bulkIndexRows`, and store.ts for when PostgreSQL does it).
   */
  indexesRebuilt: boolean;
  /** Where the time went (seconds of the thread that writes the database); see `ImportTimings`. */
  timings: ImportTimings;
}

/**
 * Seconds the import's writing thread spent waiting on the database, by kind of work: looking up known
 * member codes, writing members (inserts and updates), appending their audit entries, rebuilding the
 * ledger's indexes (SQLite bulk loads) and committing. The rest of `seconds` is reading the file, the
 * transform threads the writer waited for, and the writer's own work between statements.
 */
export interface ImportTimings {
  lookup: number;
  members: number;
  audit: number;
  indexes: number;
  commit: number;
}

const SMALL_FILE = 2 << 20;
/** A PostgreSQL import writing at least this many members refreshes the table's planner statistics. */
const ANALYZE_AFTER = 10_000;

/** A bulk load inserting at least this many members rebuilds the secondary indexes instead (SQLite). */
const BULK_ROWS = 100_000;
/**
 * An organization with at most this many members has its member codes read once at the start: a row whose
 * code is not among them is new without asking the database (a million new members: 1.3 s of lookups less
 * on the thread that sets the pace). A larger ledger is asked per chunk, for the codes of that chunk, so that
 * the import's memory does not grow with the ledger.
 */
const KNOWN_CODES_LIMIT = 200_000;

class StrictRollback extends Error {}

/**
 * Imports a member CSV into the organization's ledger. Throws `organization_unknown`, `import_mapping_invalid`,
 * `import_header_invalid` or `import_file_unreadable` (nothing imported); rejected rows do not throw, they are
 * counted, reported and left out (or, with `strict`, keep everything out).
 */
export async function importMembers(ctx: AppContext, opts: ImportMembersOptions): Promise<ImportSummary> {
  const started = performance.now();
  const org = await ctx.db.selectFrom('organizations').select('id').where('code', '=', opts.orgCode).executeTakeFirst();
  if (!org) throw new AppError('organization_unknown');
  const file = resolve(opts.file);
  const runId = randomUUID();
  const at = iso(ctx.clock());
  const dryRun = opts.dryRun ?? false;

  let source: CsvSource;
  let plan: ColumnPlan;
  let delimiter: string;
  try {
    const mapping =
      typeof opts.mapping === 'string' ? await loadMapping(opts.mapping) : opts.mapping ? parseMapping(opts.mapping) : undefined;
    const encoding = opts.encoding && opts.encoding !== 'auto' ? opts.encoding : (mapping?.encoding ?? 'auto');
    delimiter = mapping?.delimiter ?? ',';
    source = await openCsvSource(file, { encoding, delimiter, ...(opts.chunkBytes ? { chunkBytes: opts.chunkBytes } : {}) });
    try {
      plan = resolveColumns(source.header, mapping);
    } catch (error) {
      source.close();
      throw error;
    }
  } catch (error) {
    // The attempt is on record even when the file or its header is refused (best effort: the refusal is the news).
    if (!dryRun && error instanceof AppError) {
      await startRun(ctx.db, { id: runId, orgId: org.id, file, actor: opts.actor, at, status: 'failed' }).catch(() => {});
    }
    throw error;
  }

  let report: RejectionReport | null;
  try {
    report = opts.report === null ? null : new RejectionReport(opts.report ?? defaultReportPath(file));
  } catch (error) {
    source.close();
    throw error;
  }
  const cpus = availableParallelism();
  const workers = opts.workers ?? (source.size < SMALL_FILE || cpus < 2 ? 0 : Math.min(4, cpus));
  const transformPlan = { encoding: source.encoding, delimiter, fields: plan.fields, names: plan.names, constants: plan.constants };
  const pool = new TransformPool(transformPlan, ctx.keys, workers);
  const job = new ImportJob(ctx, {
    orgId: org.id,
    runId,
    at,
    actor: opts.actor,
    provided: plan.provided,
    dryRun,
    strict: opts.strict ?? false,
    report,
    keep: opts.keepRejections ?? 100,
    bulkIndexRows: opts.bulkIndexRows ?? BULK_ROWS,
    knownCodesLimit: opts.knownCodesLimit ?? KNOWN_CODES_LIMIT,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  let status: ImportSummary['status'] = dryRun ? 'dry_run' : 'completed';
  let journal: ImportJournal = null;
  let indexMs = 0;
  let commitStarted = 0;
  let commitMs = 0;
  try {
    if (dryRun) {
      await job.run(source, pool, null);
      await job.recordMyNumberRefusals();
    } else {
      await startRun(ctx.db, { id: runId, orgId: org.id, file, actor: opts.actor, at });
      try {
        await withImportSettings(ctx, { large: source.size >= SMALL_FILE }, (used) =>
          transactionWithCopy(ctx.db, async (tx) => {
            journal = used;
            await job.run(source, pool, tx);
            // The rows' COPYs still on their way to the server (PostgreSQL, pg-copy.ts): their errors surface here.
            await settleCopies(tx);
            if (job.strictFailed) throw new StrictRollback();
            if (job.created + job.updated > 0) {
              await appendAuditBatch(
                tx,
                opts.actor,
                [{ action: 'import.run', outcome: 'ok', orgId: org.id, detail: runDetail(runId, file, source, job.counts) }],
                ctx.clock,
              );
            }
            // After the run's entry: the rebuild writes many pages, and SQLite then need not write the audit
            // chain's pages again at commit (see migration 0007).
            const rebuild = performance.now();
            await job.restoreIndexes();
            indexMs = performance.now() - rebuild;
            const done = iso(ctx.clock());
            await finishRun(tx, runId, { status: 'completed', at: done, sha256: source.sha256(), counts: job.counts });
            commitStarted = performance.now();
          }),
        );
        commitMs = performance.now() - commitStarted;
        // PostgreSQL plans member searches from its statistics (search-members.ts picks the narrowest walk by
        // the planner's estimate): refresh them after a bulk load rather than wait for autovacuum.
        if (!ctx.sqlite && dialectOf(ctx.db) === 'postgres' && job.created + job.updated >= (opts.analyzeRows ?? ANALYZE_AFTER)) {
          await sql`analyze members`.execute(ctx.db).catch(() => {});
        }
      } catch (error) {
        if (!(error instanceof StrictRollback)) {
          await ctx.db
            .transaction()
            .execute((tx) => finishRun(tx, runId, { status: 'failed', at: iso(ctx.clock()), sha256: source.sha256(), counts: job.counts }))
            .catch(() => {});
          throw error;
        }
        status = 'failed';
        await ctx.db.transaction().execute(async (tx) => {
          await finishRun(tx, runId, { status: 'failed', at: iso(ctx.clock()), sha256: source.sha256(), counts: job.counts });
          await job.recordMyNumberRefusals(tx);
        });
      }
    }
    await report?.commit();
  } catch (error) {
    await report?.discard();
    throw busy(error) ?? error;
  } finally {
    await pool.close();
    source.close();
  }
  return {
    runId,
    status,
    committed: status === 'completed',
    file,
    sha256: source.sha256(),
    encoding: source.encoding,
    rows: job.rows,
    created: job.created,
    updated: job.updated,
    unchanged: job.unchanged,
    rejected: job.rejected,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    rejections: job.sample,
    reportFile: report?.path ?? null,
    interruptedRuns: job.interrupted,
    journal,
    indexesRebuilt: job.indexesRebuilt,
    timings: {
      lookup: seconds(job.time.lookup),
      members: seconds(job.time.members),
      audit: seconds(job.time.audit),
      indexes: seconds(indexMs),
      commit: seconds(commitMs),
    },
  };
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;

/** SQLite's "database is locked" after its busy timeout: another process holds the write lock. */
function busy(error: unknown): AppError | undefined {
  return (error as { code?: string })?.code === 'SQLITE_BUSY' ? new AppError('import_busy') : undefined;
}

function runDetail(runId: string, file: string, source: CsvSource, c: RunCounts): Record<string, string | number> {
  return {
    run: runId,
    file: basename(file),
    sha256: source.sha256(),
    encoding: source.encoding,
    rows: c.rows_total,
    created: c.rows_created,
    updated: c.rows_updated,
    unchanged: c.rows_unchanged,
    rejected: c.rows_rejected,
  };
}

export type { ImportProgress };
