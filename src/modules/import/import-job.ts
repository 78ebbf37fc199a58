/**
 * One import's state and its per-chunk work: the member codes seen, the counters, and what each chunk writes.
 * Chunks arrive in file order (see import-members.ts); each is applied with one lookup of the known members,
 * its inserts and updates, and their audit entries, inside the import's transaction.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../base/context.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import { ownBackendPids, SqliteTx, type Tx } from '../../db/database.ts';
import type { MemberTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { appendAuditBatch } from '../audit/append.ts';
import type { Actor, AuditEvent } from '../audit/events.ts';
import type { MemberValues } from '../members/fields.ts';
import { toRow } from '../members/fields.ts';
import type { TransformPool } from './pool.ts';
import type { RejectedRow, RejectionReport } from './report.ts';
import { markInterruptedRuns, type RunCounts } from './runs.ts';
import type { CsvSource } from './source.ts';
import {
  KyselyMemberStore,
  lockOrganizationImports,
  type MemberStore,
  type NewMembers,
  PgMemberStore,
  SqliteMemberStore,
} from './store.ts';
import { type ChunkResult, cellIndex, cellsFromCopyText, type RefusedRow, type RowColumn, rowColumns } from './transform.ts';

/** Audit entries per `appendAuditBatch` call: one call's garbage then dies young instead of growing the heap. */
const AUDIT_SLICE = 500;
/**
 * Most members an organization may hold for its import to take rows as COPY text: a chunk that holds one of them
 * has all its cells made again from the text, which costs more than sending them would have.
 */
const COPY_TEXT_KNOWN_LIMIT = 1000;

export interface ImportProgress {
  bytesDone: number;
  bytesTotal: number;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/**
 * Time-ordered UUIDs (version 7 layout: milliseconds since the epoch, then random bits). Imported members
 * get these so that a bulk load appends to the primary-key index and the audit trail's member index instead
 * of inserting at random places (measured: about half the cost of random v4 ids for a million rows). The
 * time part is formatted once per millisecond.
 */
export class TimeOrderedIds {
  #ms = -1;
  #prefix = '';

  next(now = Date.now()): string {
    if (now !== this.#ms) {
      const t = now.toString(16).padStart(12, '0');
      this.#ms = now;
      this.#prefix = `${t.slice(0, 8)}-${t.slice(8, 12)}-7`;
    }
    return this.#prefix + randomUUID().slice(15);
  }
}

export interface JobOptions {
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
  /** See `ImportMembersOptions.knownCodesLimit`. */
  knownCodesLimit: number;
  onProgress?: (progress: ImportProgress) => void;
}

type Pending = { id: string; version: number; set: Partial<MemberTable> };

/** The state of one import: counters, the member codes seen, and what goes to the database per chunk. */
export class ImportJob {
  readonly #ctx: AppContext;
  readonly #o: JobOptions;
  rows = 0;
  created = 0;
  updated = 0;
  unchanged = 0;
  rejected = 0;
  interrupted = 0;
  readonly sample: RejectedRow[] = [];
  /**
   * Milliseconds the writing thread waited on each kind of database work (see `ImportTimings`): where a
   * large import's time goes, without a profiler.
   */
  readonly time = { lookup: 0, members: 0, audit: 0 };
  /** Member code → the line that first used it in this file (numeric codes as numbers: a million fit in ~30 MB). */
  readonly #claimed = new Map<string | number, number>();
  /** My Number refusals waiting for the outcome (dry run, strict mode). */
  readonly #refusals: AuditEvent[] = [];
  #writing: boolean;
  #lookup = true;
  /** The organization's member codes when it had few at the start (`knownCodesLimit`); else null. */
  #known: Set<string | number> | null = null;
  #bulkDecided = false;
  #restore: (() => Promise<void>) | undefined;
  #bytesDone = 0;
  readonly #ids = new TimeOrderedIds();
  /** One detail object for every created member's entry: the audit append encodes it once per batch. */
  readonly #createdDetail: { run: string; change: 'created' };

  constructor(ctx: AppContext, o: JobOptions) {
    this.#ctx = ctx;
    this.#o = o;
    this.#writing = !o.dryRun;
    this.#createdDetail = { run: o.runId, change: 'created' };
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
    } else if (tx && this.#ctx.dialect === 'postgres') {
      store = new PgMemberStore(tx, orgId, { ownPids: ownBackendPids(this.#ctx.db) });
    } else {
      store = new KyselyMemberStore(tx ?? this.#ctx.db, orgId, { lock: false });
    }
    if (tx) {
      if (this.#ctx.dialect === 'postgres') await lockOrganizationImports(tx, orgId);
      this.interrupted = await markInterruptedRuns(tx, orgId, this.#o.runId, iso(this.#ctx.clock()));
    }
    const counts = await store.count();
    this.#lookup = counts.org > 0;
    if (this.#lookup && counts.org <= this.#o.knownCodesLimit) this.#known = new Set((await store.codes()).map(claimKey));
    // Rows as COPY text from the transform (transform.ts) when the store takes them and (almost) nobody will be
    // looked up: a chunk that holds a known member has its cells made again from the text (`#apply`).
    const asCopyText =
      tx !== null &&
      this.#writing &&
      store.takesCopyText === true &&
      (!this.#lookup || (this.#known !== null && this.#known.size <= COPY_TEXT_KNOWN_LIMIT));
    // Results wait in memory until their turn (a few MB): four per worker keep the workers busy while the
    // chunk the writer needs next is still in a worker that runs less often (at a lower priority, see
    // transform-worker.ts).
    const limit = pool.size * 4 + 1;
    const inflight: Promise<ChunkResult>[] = [];
    this.#bytesDone = source.dataStart;
    const next = async () => this.#apply(await inflight.shift()!, store, tx, { ...counts, size: source.size });
    for await (const chunk of source.chunks()) {
      if (asCopyText) chunk.asCopyText = true;
      const result = pool.run(chunk);
      result.catch(() => {}); // awaited in order below; an early failure must not count as unhandled
      inflight.push(result);
      if (inflight.length >= limit) await next();
    }
    while (inflight.length) await next();
    // The workers' memory is not needed for the index rebuild and the commit that follow.
    await pool.close();
  }

  /** Whether this load dropped the ledger's secondary indexes and built them again (`restoreIndexes`). */
  indexesRebuilt = false;

  async restoreIndexes(): Promise<void> {
    if (this.#restore) this.indexesRebuilt = true;
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
        this.#restore = (await store.deferIndexes({ lookups: this.#lookup })) ?? undefined;
    }
    const { lines, refused, codes: sentCodes } = result;
    const codeAt = sentCodes
      ? (row: number) => sentCodes[row]!
      : (row: number) => result.cells[row * ROW_WIDTH + cellIndex.member_code] as string;
    let existing = new Map<string, MemberTable>();
    if (this.#lookup) {
      const codes: string[] = [];
      for (let row = 0; row < lines.length; row++) {
        const key = claimKey(codeAt(row));
        if (!this.#claimed.has(key) && (this.#known === null || this.#known.has(key))) codes.push(codeAt(row));
      }
      if (codes.length) {
        const t = performance.now();
        existing = await store.find(codes);
        this.time.lookup += performance.now() - t;
      }
    }
    if (result.copy && existing.size > 0) Object.assign(result, cellsFromCopyText(result.copy, this.#ctx.keys));
    const { cells } = result;
    const inserts: NewMembers = { cells, rows: [], ids: [], ...(result.copy ? { copy: result.copy } : {}) };
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
    // Passed and refused rows come in two lists, each in file order; they are taken in order of their lines,
    // because the first row with a member code claims it, refused or not.
    let next = 0;
    for (let row = 0; row <= lines.length; row++) {
      const line = row < lines.length ? lines[row]! : Number.POSITIVE_INFINITY;
      for (; next < refused.length && refused[next]!.line < line; next++) this.#refuse(refused[next]!, reject, events);
      if (row === lines.length) break;
      const code = codeAt(row);
      const key = claimKey(code);
      const first = this.#claimed.get(key);
      if (first !== undefined) {
        reject(line, code, [duplicateIssue(code, first)]);
        continue;
      }
      this.#claimed.set(key, line);
      const current = existing.get(code);
      if (!current) {
        this.created++;
        if (!this.#writing) continue;
        const id = this.#ids.next();
        inserts.rows.push(row);
        inserts.ids.push(id);
        events.push({ action: 'member.import', outcome: 'ok', orgId, memberId: id, detail: this.#createdDetail });
        continue;
      }
      const changed = this.#changedFields(current, result, row);
      if (changed.length === 0) {
        this.unchanged++;
        continue;
      }
      const values: Partial<Record<MemberField, unknown>> = {};
      for (const f of changed) values[f] = f === 'bank_account' ? result.banks[row] : cells[row * ROW_WIDTH + cellIndex[f as RowColumn]];
      const set = toRow(this.#ctx, values as Partial<MemberValues>);
      const issue = mergedIssue({ ...current, ...set });
      if (issue) {
        reject(line, code, [issue]);
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
      const t0 = performance.now();
      await store.insert(inserts, at);
      for (const u of updates) await store.update(u.id, u.version, u.set);
      const t1 = performance.now();
      // On SQLite the entries go through the raw handle of the connection the transaction runs on.
      const auditTx = this.#ctx.sqlite ? new SqliteTx(this.#ctx.sqlite) : tx;
      for (let i = 0; i < events.length; i += AUDIT_SLICE) {
        await appendAuditBatch(auditTx, this.#o.actor, events.slice(i, i + AUDIT_SLICE), this.#ctx.clock);
      }
      this.time.members += t1 - t0;
      this.time.audit += performance.now() - t1;
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

  /** A row the transform refused: it claims its code, and a My Number refusal is audited (names only). */
  #refuse(item: RefusedRow, reject: (line: number, code: string, issues: readonly FieldIssue[]) => void, events: AuditEvent[]) {
    reject(item.line, item.shownCode, item.issues);
    if (item.code !== null && !this.#claimed.has(claimKey(item.code))) this.#claimed.set(claimKey(item.code), item.line);
    if (item.myNumberFields.length) {
      const refusal: AuditEvent = {
        action: 'input.my_number_rejected',
        outcome: 'refused',
        orgId: this.#o.orgId,
        detail: { path: 'import:members', run: this.#o.runId, line: item.line, fields: item.myNumberFields },
      };
      (this.#o.strict || this.#o.dryRun ? this.#refusals : events).push(refusal);
    }
  }

  /** The fields the file provides whose value differs from the stored member. */
  #changedFields(current: MemberTable, result: ChunkResult, row: number): MemberField[] {
    const changed: MemberField[] = [];
    for (const f of this.#o.provided) {
      if (f === 'member_code') continue;
      if (f === 'bank_account') {
        const stored = current.bank_account_enc === null ? null : this.#ctx.keys.decrypt(current.bank_account_enc);
        if (stored !== result.banks[row]) changed.push(f);
      } else if ((current[f] ?? null) !== result.cells[row * ROW_WIDTH + cellIndex[f as RowColumn]]) {
        changed.push(f);
      }
    }
    return changed;
  }
}

const ROW_WIDTH = rowColumns.length;

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
