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
import type { AppContext } from '../../app/context.ts';
import { AppError, type FieldIssue } from '../../app/errors.ts';
import type { Tx } from '../../db/database.ts';
import type { MemberTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { appendAuditBatch } from '../audit/append.ts';
import type { Actor, AuditEvent } from '../audit/events.ts';
import type { MemberField, MemberValues } from '../members/fields.ts';
import { toRow } from '../members/write-member.ts';
import { type ColumnPlan, type ImportEncoding, type ImportMapping, loadMapping, parseMapping, resolveColumns } from './columns.ts';
import { TransformPool } from './pool.ts';
import { defaultReportPath, type RejectedRow, RejectionReport } from './report.ts';
import { finishRun, markInterruptedRuns, type RunCounts, startRun } from './runs.ts';
import { type CsvSource, type FileEncoding, openCsvSource } from './source.ts';
import { KyselyMemberStore, lockOrganizationImports, type MemberCells, type MemberStore, SqliteMemberStore } from './store.ts';
import { type ChunkItem, type ChunkResult, cellIndex, type RowColumn } from './transform.ts';

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
   * SQLite: a load expected to insert at least this many members, and at least as many as the ledger holds,
   * drops the ledger's secondary indexes and builds them again at the end (in the same transaction). Default 100,000.
   */
  bulkIndexRows?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportProgress {
  bytesDone: number;
  bytesTotal: number;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
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
}

const SMALL_FILE = 2 << 20;
/** A bulk load inserting at least this many members rebuilds the secondary indexes instead (SQLite). */
const BULK_ROWS = 100_000;
const AUDIT_SLICE = 500;

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
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  let status: ImportSummary['status'] = dryRun ? 'dry_run' : 'completed';
  try {
    if (dryRun) {
      await job.run(source, pool, null);
      await job.recordMyNumberRefusals();
    } else {
      await startRun(ctx.db, { id: runId, orgId: org.id, file, actor: opts.actor, at });
      try {
        await ctx.db.transaction().execute(async (tx) => {
          try {
            await job.run(source, pool, tx);
            if (job.strictFailed) throw new StrictRollback();
            await job.restoreIndexes();
            const done = iso(ctx.clock());
            await finishRun(tx, runId, { status: 'completed', at: done, sha256: source.sha256(), counts: job.counts });
            if (job.created + job.updated > 0) {
              await appendAuditBatch(
                tx,
                opts.actor,
                [{ action: 'import.run', outcome: 'ok', orgId: org.id, detail: runDetail(runId, file, source, job.counts) }],
                ctx.clock,
              );
            }
          } finally {
            job.release();
          }
        });
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
  };
}

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

/**
 * A time-ordered UUID (version 7 layout: milliseconds since the epoch, then random bits). Imported members
 * get these so that a bulk load appends to the primary-key index and the audit trail's member index instead
 * of inserting at random places (measured: about half the cost of random v4 ids for a million rows).
 */
export function timeOrderedUuid(now = Date.now()): string {
  const random = randomUUID();
  const t = now.toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${random.slice(15)}`;
}

interface JobOptions {
  orgId: string;
  runId: string;
  at: string;
  actor: Actor;
  provided: MemberField[];
  dryRun: boolean;
  strict: boolean;
  report: RejectionReport | null;
  keep: number;
  bulkIndexRows: number;
  onProgress?: (progress: ImportProgress) => void;
}

type Pending = { id: string; version: number; set: Partial<MemberTable> };

/** The state of one import: counters, the member codes seen, and what goes to the database per chunk. */
class ImportJob {
  readonly #ctx: AppContext;
  readonly #o: JobOptions;
  rows = 0;
  created = 0;
  updated = 0;
  unchanged = 0;
  rejected = 0;
  interrupted = 0;
  readonly sample: RejectedRow[] = [];
  /** Member code → the line that first used it in this file (numeric codes as numbers: a million fit in ~30 MB). */
  readonly #claimed = new Map<string | number, number>();
  /** My Number refusals waiting for the outcome (dry run, strict mode). */
  readonly #refusals: AuditEvent[] = [];
  #writing: boolean;
  #lookup = true;
  #bulkDecided = false;
  #restore: (() => Promise<void>) | undefined;
  #bytesDone = 0;
  #store: MemberStore | undefined;

  constructor(ctx: AppContext, o: JobOptions) {
    this.#ctx = ctx;
    this.#o = o;
    this.#writing = !o.dryRun;
  }

  get counts(): RunCounts {
    return {
      rows_total: this.rows,
      rows_created: this.created,
      rows_updated: this.updated,
      rows_unchanged: this.unchanged,
      rows_rejected: this.rejected,
    };
  }

  get strictFailed(): boolean {
    return this.#o.strict && this.rejected > 0;
  }

  /** Reads the whole file; inside `tx` unless this is a dry run. */
  async run(source: CsvSource, pool: TransformPool, tx: Tx | null): Promise<void> {
    const { orgId } = this.#o;
    let store: MemberStore;
    if (tx && this.#ctx.dialect === 'sqlite' && this.#ctx.sqlite) {
      // Raw statements are atomic with the rest only inside the transaction Kysely opened (which also holds
      // Kysely's one connection, so nothing else of this process uses the handle meanwhile).
      if (!this.#ctx.sqlite.inTransaction) throw new Error('import: the SQLite handle is not in the transaction');
      store = new SqliteMemberStore(this.#ctx.sqlite, orgId);
    } else {
      store = new KyselyMemberStore(tx ?? this.#ctx.db, orgId, { lock: tx !== null && this.#ctx.dialect === 'postgres' });
    }
    this.#store = store;
    if (tx) {
      if (this.#ctx.dialect === 'postgres') await lockOrganizationImports(tx, orgId);
      this.interrupted = await markInterruptedRuns(tx, orgId, this.#o.runId, iso(this.#ctx.clock()));
    }
    const counts = await store.count();
    this.#lookup = counts.org > 0;
    // Results wait in memory until their turn: one per worker plus one keeps every thread busy.
    const limit = pool.size + 1;
    const inflight: Promise<ChunkResult>[] = [];
    this.#bytesDone = source.dataStart;
    const next = async () => this.#apply(await inflight.shift()!, store, tx, { ...counts, size: source.size });
    for await (const chunk of source.chunks()) {
      const result = pool.run(chunk);
      result.catch(() => {}); // awaited in order below; an early failure must not count as unhandled
      inflight.push(result);
      if (inflight.length >= limit) await next();
    }
    while (inflight.length) await next();
    // The workers' memory is not needed for the index rebuild and the commit that follow.
    await pool.close();
  }

  /** Gives back the store's changes to the connection. */
  release(): void {
    this.#store?.release?.();
    this.#store = undefined;
  }

  async restoreIndexes(): Promise<void> {
    await this.#restore?.();
    this.#restore = undefined;
  }

  /** Appends the buffered My Number refusals (in `tx`, or in a transaction of their own). */
  async recordMyNumberRefusals(tx?: Tx): Promise<void> {
    if (this.#refusals.length === 0) return;
    if (tx) await appendAuditBatch(tx, this.#o.actor, this.#refusals, this.#ctx.clock);
    else await this.#ctx.db.transaction().execute((t) => appendAuditBatch(t, this.#o.actor, this.#refusals, this.#ctx.clock));
  }

  async #apply(result: ChunkResult, store: MemberStore, tx: Tx | null, table: { org: number; all: number; size: number }) {
    const { orgId, runId, at } = this.#o;
    if (!this.#bulkDecided && result.rows > 0) {
      this.#bulkDecided = true;
      const newRows = Math.round((table.size * result.rows) / result.bytes) - table.org;
      if (tx && this.#writing && store.deferIndexes && newRows >= this.#o.bulkIndexRows && newRows >= table.all)
        this.#restore = store.deferIndexes();
    }
    let existing = new Map<string, MemberTable>();
    if (this.#lookup) {
      const codes = result.items.flatMap((i) => (i.ok && !this.#claimed.has(claimKey(codeOf(i))) ? [codeOf(i)] : []));
      if (codes.length) existing = await store.find(codes);
    }
    const inserts: MemberCells[] = [];
    const updates: Pending[] = [];
    const events: AuditEvent[] = [];
    const rejected: RejectedRow[] = [];
    const reject = (line: number, memberCode: string, issues: readonly FieldIssue[]) => {
      this.rejected++;
      for (const i of issues) {
        const r = { line, memberCode, field: i.field, code: i.code, message_ja: i.message_ja, message_en: i.message_en };
        rejected.push(r);
        if (this.sample.length < this.#o.keep) this.sample.push(r);
      }
    };
    for (const item of result.items) {
      if (!item.ok) {
        reject(item.line, item.shownCode, item.issues);
        if (item.code !== null && !this.#claimed.has(claimKey(item.code))) this.#claimed.set(claimKey(item.code), item.line);
        if (item.myNumberFields.length) {
          const refusal: AuditEvent = {
            action: 'input.my_number_rejected',
            outcome: 'refused',
            orgId,
            detail: { path: 'import:members', run: runId, line: item.line, fields: item.myNumberFields },
          };
          (this.#o.strict || this.#o.dryRun ? this.#refusals : events).push(refusal);
        }
        continue;
      }
      const code = codeOf(item);
      const key = claimKey(code);
      const first = this.#claimed.get(key);
      if (first !== undefined) {
        reject(item.line, code, [duplicateIssue(code, first)]);
        continue;
      }
      this.#claimed.set(key, item.line);
      const current = existing.get(code);
      if (!current) {
        this.created++;
        if (!this.#writing) continue;
        const id = timeOrderedUuid();
        inserts.push([id, orgId, ...item.cells, 1, at, at]);
        events.push({ action: 'member.import', outcome: 'ok', orgId, memberId: id, detail: { run: runId, change: 'created' } });
        continue;
      }
      const changed = this.#changedFields(current, item);
      if (changed.length === 0) {
        this.unchanged++;
        continue;
      }
      const values: Partial<Record<MemberField, unknown>> = {};
      for (const f of changed) values[f] = f === 'bank_account' ? item.bank : item.cells[cellIndex[f]];
      const set = toRow(this.#ctx, values as Partial<MemberValues>);
      const issue = mergedIssue({ ...current, ...set });
      if (issue) {
        reject(item.line, code, [issue]);
        continue;
      }
      this.updated++;
      if (!this.#writing) continue;
      updates.push({ id: current.id, version: current.version, set: { ...set, version: current.version + 1, updated_at: at } });
      events.push({
        action: 'member.import',
        outcome: 'ok',
        orgId,
        memberId: current.id,
        detail: { run: runId, change: 'updated', fields: changed },
      });
    }
    this.rows += result.rows;
    // Strict mode: after the first rejected row nothing more is written; the transaction will be rolled back.
    if (this.strictFailed) this.#writing = false;
    if (tx && this.#writing) {
      await store.insert(inserts);
      for (const u of updates) await store.update(u.id, u.version, u.set);
      // In slices: one call's garbage (row objects, query nodes) then dies young instead of growing the heap.
      for (let i = 0; i < events.length; i += AUDIT_SLICE) {
        await appendAuditBatch(tx, this.#o.actor, events.slice(i, i + AUDIT_SLICE), this.#ctx.clock);
      }
    }
    await this.#o.report?.add(rejected);
    this.#bytesDone += result.bytes;
    this.#o.onProgress?.({
      bytesDone: this.#bytesDone,
      bytesTotal: table.size,
      rows: this.rows,
      created: this.created,
      updated: this.updated,
      unchanged: this.unchanged,
      rejected: this.rejected,
    });
  }

  /** The fields the file provides whose value differs from the stored member. */
  #changedFields(current: MemberTable, item: Extract<ChunkItem, { ok: true }>): MemberField[] {
    const changed: MemberField[] = [];
    for (const f of this.#o.provided) {
      if (f === 'member_code') continue;
      if (f === 'bank_account') {
        const stored = current.bank_account_enc === null ? null : this.#ctx.keys.decrypt(current.bank_account_enc);
        if (stored !== item.bank) changed.push(f);
      } else if ((current[f] ?? null) !== item.cells[cellIndex[f as RowColumn]]) {
        changed.push(f);
      }
    }
    return changed;
  }
}

const codeOf = (item: Extract<ChunkItem, { ok: true }>) => item.cells[cellIndex.member_code] as string;

/** Numeric codes without a leading zero (most co-ops' codes) as small integers, which a Map stores inline. */
const claimKey = (code: string): string | number => (/^[1-9]\d{0,8}$/.test(code) ? Number(code) : code);

function duplicateIssue(code: string, firstLine: number): FieldIssue {
  return {
    field: 'member_code',
    code: 'duplicate_in_file',
    message_ja: `組合員コード ${code} はこのファイルの${firstLine}行目にもあります。最初の行だけを扱い、この行は取り込みません。`,
    message_en: `Member code ${code} already appears on line ${firstLine} of this file; only the first row counts, this one is not imported.`,
  };
}

/** The ledger's cross-field rules, on the stored member with the file's changes applied. */
function mergedIssue(m: MemberTable): FieldIssue | null {
  if (m.leave_date && m.leave_date < m.join_date) {
    return {
      field: 'leave_date',
      code: 'before_join_date',
      message_ja: '脱退日が加入日より前です。',
      message_en: 'Leave date is before the join date.',
    };
  }
  if (m.status === 'withdrawn' && !m.leave_date) {
    return {
      field: 'leave_date',
      code: 'required',
      message_ja: '脱退した組合員には脱退日が必要です。',
      message_en: 'A withdrawn member needs a leave date.',
    };
  }
  return null;
}
