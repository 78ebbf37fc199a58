/**
 * Appending to the audit trail. Always inside the caller's transaction, so an entry exists exactly when the
 * change it records does.
 *
 * - SQLite: the transaction already holds the database's write lock (BEGIN IMMEDIATE, group commit), so the
 *   entry is chained at once: read the head, insert the entry, move the head.
 * - PostgreSQL: the entry is queued (`audit_queue`) with a random entry id and a keyed MAC (mac.ts), which takes
 *   no shared lock; the sequencer (sequencer.ts) chains queued entries in batches after their transactions
 *   commit. The returned entry has no sequence number or hash yet (`seq: null`), only its `entryId`.
 *
 * Inside a raw SQLite transaction (`SqliteTx`, the hot read path) the same rows are written with prepared
 * statements: read the head, insert the entry, move the head; safe because BEGIN IMMEDIATE holds the lock.
 */

import { type RawBuilder, sql } from 'kysely';
import { type Db, type DbOrTx, dialectOf, SqliteTx, type Tx } from '../../db/database.ts';
import { copyClientOf, copyInLater, copyText } from '../../db/pg-copy.ts';
import type { AuditLogTable, AuditQueueTable } from '../../db/schema.ts';
import { type Clock, iso, systemClock } from '../../db/time.ts';
import { canonicalJson, contentColumns, entryHash } from './canonical.ts';
import type { Actor, AuditEvent } from './events.ts';
import { auditMacReady, entryMac, macOfEncoding, newEntryId } from './mac.ts';
import { drainAuditQueue } from './sequencer.ts';

/** An appended entry: chained at once on SQLite; on PostgreSQL queued, its place given later by the sequencer. */
export type AppendedEntry =
  | { seq: number; hash: string; ts: string; entryId: null }
  | { seq: null; hash: null; ts: string; entryId: string };

type Row = Omit<AuditLogTable, 'seq' | 'entry_id' | 'mac'> & { seq: number };

/**
 * The stored detail of events in one batch. Bulk callers pass the same detail object for many events (an
 * import's `{run, change: "created"}`); its canonical JSON is made once. Details are plain data that nobody
 * changes while the batch is appended (the append is synchronous from here on).
 */
class DetailCache {
  /** Who acted, for actors that are not users (the CLI, jobs): recorded in the detail. */
  readonly #label: { actor: string } | undefined;
  #last: AuditEvent['detail'] | undefined;
  #json = '';

  constructor(actor: Actor) {
    this.#label = actor.type !== 'user' && 'label' in actor ? { actor: actor.label } : undefined;
  }

  json(detail: AuditEvent['detail']): string {
    if (detail !== this.#last) {
      this.#last = detail;
      this.#json = canonicalJson({ ...detail, ...this.#label });
    }
    return this.#json;
  }
}

/** The fields an entry is written with, chained or queued: who, what, about whom, and the detail's JSON. */
function entryFields(actor: Actor, event: AuditEvent, ts: string, details: DetailCache) {
  return {
    ts,
    org_id: event.orgId ?? actor.orgId ?? null,
    actor_type: actor.type,
    actor_id: actor.id,
    action: event.action,
    outcome: event.outcome,
    purpose_code: event.purpose ?? null,
    member_id: event.memberId ?? null,
    error_code: event.errorCode ?? null,
    detail: details.json(event.detail),
  };
}

function toRow(actor: Actor, event: AuditEvent, seq: number, ts: string, prevHash: string, details = new DetailCache(actor)): Row {
  const row: Row = { seq, ...entryFields(actor, event, ts, details), prev_hash: prevHash, hash: '' };
  row.hash = entryHash(prevHash, row); // the encoding reads the chain's fields only
  return row;
}

type QueueRow = Omit<AuditQueueTable, 'id'>;

function toQueueRow(actor: Actor, event: AuditEvent, ts: string, details: DetailCache): QueueRow {
  const row: QueueRow = { entry_id: newEntryId(), ...entryFields(actor, event, ts, details), mac: '' };
  row.mac = entryMac(row);
  return row;
}

/** Queue rows per statement: a multi-row VALUES below this, arrays unnested above it (one plan, 12 parameters). */
const VALUES_UP_TO = 32;
const QUEUE_CHUNK = 10_000;
/** A queued entry's columns: its id, the chain's content columns (without seq and the hashes), its MAC. */
const queueColumns = ['entry_id', ...contentColumns, 'mac'] as const satisfies readonly (keyof QueueRow)[];

/** Queues entries in the writer's transaction (PostgreSQL). */
async function queueAudit(tx: Tx, actor: Actor, events: readonly AuditEvent[], clock: Clock): Promise<AppendedEntry[]> {
  const ts = iso(clock());
  const details = new DetailCache(actor);
  if (events.length > VALUES_UP_TO && copyClientOf(tx)) {
    // A bulk append in a transaction opened for COPY (an import): the rows as COPY's text lines, sent without
    // waiting; the transaction waits for them before it commits (pg-copy.ts).
    const lines = new QueueLines(actor, ts, details);
    const out = events.map((e) => lines.add(e));
    await copyInLater(tx, `copy audit_queue (${queueColumns.join(', ')}) from stdin`, lines.done());
    return out;
  }
  return insertQueueRows(
    tx,
    events.map((e) => toQueueRow(actor, e, ts, details)),
  );
}

/**
 * Queue rows as COPY text lines, for a bulk append. A batch's entries share everything but their entry id and
 * member (an import's "created" entries: one time, actor, action and detail): the shared fields' COPY text and
 * their part of the MAC's encoding are made once per run of entries that share them, not per entry. The MAC is
 * the one `entryMac` gives (the encoding is `JSON.stringify` of the same array, written in three parts).
 */
class QueueLines {
  readonly #actor: Actor;
  readonly #ts: string;
  readonly #details: DetailCache;
  readonly #lines: string[] = [];
  #key: unknown[] = [];
  /** COPY text of the columns before the member and after it; JSON of the same, for the MAC's encoding. */
  #copyBefore = '';
  #copyAfter = '';
  #jsonBefore = '';
  #jsonAfter = '';

  constructor(actor: Actor, ts: string, details: DetailCache) {
    this.#actor = actor;
    this.#ts = ts;
    this.#details = details;
  }

  add(event: AuditEvent): AppendedEntry {
    const f = entryFields(this.#actor, event, this.#ts, this.#details);
    const key = [f.org_id, f.actor_type, f.actor_id, f.action, f.outcome, f.purpose_code, f.error_code, f.detail];
    if (key.some((v, i) => v !== this.#key[i])) {
      this.#key = key;
      const before = [f.ts, f.org_id, f.actor_type, f.actor_id, f.action, f.outcome, f.purpose_code];
      const after = [f.error_code, f.detail];
      this.#copyBefore = before.map(copyText).join('\t');
      this.#copyAfter = after.map(copyText).join('\t');
      this.#jsonBefore = JSON.stringify(before).slice(1, -1);
      this.#jsonAfter = JSON.stringify(after).slice(1, -1);
    }
    const entryId = newEntryId();
    const mac = macOfEncoding(`[${JSON.stringify(entryId)},${this.#jsonBefore},${JSON.stringify(f.member_id)},${this.#jsonAfter}]`);
    this.#lines.push(`${entryId}\t${this.#copyBefore}\t${copyText(f.member_id)}\t${this.#copyAfter}\t${copyText(mac)}\n`);
    return { seq: null, hash: null, ts: this.#ts, entryId };
  }

  done(): string[] {
    return this.#lines;
  }
}

async function insertQueueRows(tx: Tx, rows: QueueRow[]): Promise<AppendedEntry[]> {
  if (rows.length <= VALUES_UP_TO) {
    await tx.insertInto('audit_queue').values(rows).execute();
  } else {
    for (let i = 0; i < rows.length; i += QUEUE_CHUNK) await unnestInsert(rows.slice(i, i + QUEUE_CHUNK)).execute(tx);
  }
  return rows.map((r) => ({ seq: null, hash: null, ts: r.ts, entryId: r.entry_id }));
}

/** One INSERT of the rows as arrays unnested: one plan and 12 parameters whatever their number. */
function unnestInsert(rows: readonly QueueRow[]): RawBuilder<unknown> {
  const arrays = queueColumns.map((c) => sql`${rows.map((r) => r[c])}::text[]`);
  return sql`insert into audit_queue (${sql.join(queueColumns.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`;
}

/**
 * The entries of several actors as one `insert into audit_queue` for a statement the caller builds around it
 * (a group of reads recorded by one statement on PostgreSQL, members/read-group.ts), with the entries it will
 * have queued, in order. Null where entries are not queued (SQLite, or no key ring to sign them with).
 */
export function queueInsertFor(
  db: DbOrTx,
  entries: readonly { actor: Actor; event: AuditEvent }[],
  clock: Clock = systemClock,
): { insert: RawBuilder<unknown>; entries: AppendedEntry[] } | null {
  if (dialectOf(db) !== 'postgres' || !auditMacReady()) return null;
  const ts = iso(clock());
  const rows = entries.map(({ actor, event }) => toQueueRow(actor, event, ts, new DetailCache(actor)));
  return {
    insert: unnestInsert(rows),
    entries: rows.map((r) => ({ seq: null, hash: null, ts, entryId: r.entry_id })),
  };
}

/** Appends one event. */
export async function appendAudit(tx: Tx | SqliteTx, actor: Actor, event: AuditEvent, clock: Clock = systemClock): Promise<AppendedEntry> {
  if (tx instanceof SqliteTx) return appendAuditSqlite(tx, actor, event, clock);
  const [entry] = await appendAuditBatch(tx, actor, [event], clock);
  return entry!;
}

/**
 * Appends one event in a transaction of its own: for what is recorded apart from any change (a refusal, a
 * sign-in step, a search, a backup), where there is no other write to share the transaction with.
 */
export function appendAuditAlone(db: Db, actor: Actor, event: AuditEvent, clock: Clock = systemClock): Promise<AppendedEntry> {
  return db.transaction().execute((tx) => appendAudit(tx, actor, event, clock));
}

/**
 * Appends one event in a transaction of its own and waits until it has its place in the chain (on PostgreSQL,
 * drains the queue): for a record that must name its sequence number at once (a backup's own entry).
 */
export async function appendAuditSequenced(
  db: Db,
  actor: Actor,
  event: AuditEvent,
  clock: Clock = systemClock,
): Promise<{ seq: number; hash: string; ts: string }> {
  const entry = await appendAuditAlone(db, actor, event, clock);
  if (entry.seq !== null) return entry;
  await drainAuditQueue(db);
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash', 'ts'])
    .where('entry_id', '=', entry.entryId)
    .executeTakeFirstOrThrow();
  return { seq: Number(row.seq), hash: row.hash, ts: row.ts };
}

const insertSql = `insert into audit_log (seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, prev_hash, hash)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Appends one event inside an open raw SQLite transaction, synchronously. */
export function appendAuditSqlite(tx: SqliteTx, actor: Actor, event: AuditEvent, clock: Clock = systemClock): AppendedEntry {
  if (!tx.raw.inTransaction) throw new Error('appendAuditSqlite needs an open transaction');
  const head = tx.prepare('select seq, hash from audit_head where id = 1').get() as { seq: number; hash: string };
  const row = toRow(actor, event, Number(head.seq) + 1, iso(clock()), head.hash);
  tx.prepare(insertSql).run(rowParams(row));
  tx.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(row.seq, row.hash);
  return { seq: row.seq, hash: row.hash, ts: row.ts, entryId: null };
}

/**
 * Entries per INSERT statement in a bulk append on SQLite: one call into SQLite for 64 entries took about a
 * third less CPU time per entry than a statement each (a million entries); 64 × 13 parameters are far below
 * SQLite's limit.
 */
const ENTRIES_PER_INSERT = 64;
const insertManySql = `insert into audit_log (seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, prev_hash, hash)
  values ${Array(ENTRIES_PER_INSERT).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
const COLUMNS = 13;

/**
 * 64 entries that differ only in sequence number, member and hashes (an import's "created" entries, which share
 * the time, actor, action, organization and detail): the shared values are bound once, four per entry. Binding
 * a value is most of what an insert costs on this path; measured on 64,000 entries: 203 ms instead of 318 ms
 * (median of 12).
 */
const insertUniformSql = `insert into audit_log (seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, prev_hash, hash)
  select v.column1, s.column1, s.column2, s.column3, s.column4, s.column5, s.column6, s.column7, v.column2, s.column8, s.column9, v.column3, v.column4
  from (values (?, ?, ?, ?, ?, ?, ?, ?, ?)) as s, (values ${Array(ENTRIES_PER_INSERT).fill('(?, ?, ?, ?)').join(', ')}) as v`;
const SHARED = 9;
const OWN = 4;

/** Whether the rows share everything but seq, member and hashes (`ts` and the actor are shared by a batch). */
function uniform(rows: readonly Row[]): boolean {
  const f = rows[0]!;
  for (const r of rows) {
    if (
      r.org_id !== f.org_id ||
      r.action !== f.action ||
      r.outcome !== f.outcome ||
      r.purpose_code !== f.purpose_code ||
      r.error_code !== f.error_code ||
      r.detail !== f.detail
    )
      return false;
  }
  return true;
}

/** Appends several events with one head read and one head update, inside an open raw SQLite transaction. */
function appendAuditBatchSqlite(tx: SqliteTx, actor: Actor, events: readonly AuditEvent[], clock: Clock): AppendedEntry[] {
  if (!tx.raw.inTransaction) throw new Error('appendAuditBatch needs an open transaction');
  const head = tx.prepare('select seq, hash from audit_head where id = 1').get() as { seq: number; hash: string };
  const insertOne = tx.prepare(insertSql);
  const insertMany = tx.prepare(insertManySql);
  const insertUniform = tx.prepare(insertUniformSql);
  const ts = iso(clock());
  let seq = Number(head.seq);
  let prev = head.hash;
  const out: AppendedEntry[] = [];
  const params: unknown[] = new Array(COLUMNS * ENTRIES_PER_INSERT);
  const shared: unknown[] = new Array(SHARED + OWN * ENTRIES_PER_INSERT);
  const details = new DetailCache(actor);
  const block: Row[] = [];
  const flush = () => {
    if (block.length < ENTRIES_PER_INSERT) {
      for (const r of block) insertOne.run(rowParams(r));
    } else if (uniform(block)) {
      const f = block[0]!;
      let p = 0;
      shared[p++] = f.ts;
      shared[p++] = f.org_id;
      shared[p++] = f.actor_type;
      shared[p++] = f.actor_id;
      shared[p++] = f.action;
      shared[p++] = f.outcome;
      shared[p++] = f.purpose_code;
      shared[p++] = f.error_code;
      shared[p++] = f.detail;
      for (const r of block) {
        shared[p++] = r.seq;
        shared[p++] = r.member_id;
        shared[p++] = r.prev_hash;
        shared[p++] = r.hash;
      }
      insertUniform.run(shared);
    } else {
      let p = 0;
      for (const r of block) for (const v of rowParams(r)) params[p++] = v;
      insertMany.run(params);
    }
    block.length = 0;
  };
  for (const event of events) {
    seq += 1;
    const r = toRow(actor, event, seq, ts, prev, details);
    block.push(r);
    if (block.length === ENTRIES_PER_INSERT) flush();
    prev = r.hash;
    out.push({ seq, hash: r.hash, ts, entryId: null });
  }
  flush();
  tx.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(seq, prev);
  return out;
}

/** An entry's values in the column order of `insertSql`. */
function rowParams(r: Row): unknown[] {
  return [
    r.seq,
    r.ts,
    r.org_id,
    r.actor_type,
    r.actor_id,
    r.action,
    r.outcome,
    r.purpose_code,
    r.member_id,
    r.error_code,
    r.detail,
    r.prev_hash,
    r.hash,
  ];
}

/**
 * Appends several events with one head update (bulk paths: import, demo seed). On SQLite, pass a `SqliteTx`
 * over the raw handle of the connection the caller's transaction runs on: a prepared single-row insert per
 * entry is much cheaper than compiling thousand-row Kysely inserts.
 */
export async function appendAuditBatch(
  tx: Tx | SqliteTx,
  actor: Actor,
  events: readonly AuditEvent[],
  clock: Clock = systemClock,
): Promise<AppendedEntry[]> {
  if (events.length === 0) return [];
  if (tx instanceof SqliteTx) return appendAuditBatchSqlite(tx, actor, events, clock);
  // A process without the key ring (a backup or restore run without MAMORI_KEY_FILE) cannot sign a queued entry:
  // it chains its entries directly under the head's row lock, as before the queue (no MAC).
  if (dialectOf(tx) === 'postgres' && auditMacReady()) return queueAudit(tx, actor, events, clock);
  const head = await tx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', events.length) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const ts = iso(clock());
  let seq = Number(head.seq) - events.length;
  let prev = head.hash;
  const rows: Row[] = [];
  const details = new DetailCache(actor);
  for (const event of events) {
    seq += 1;
    const row = toRow(actor, event, seq, ts, prev, details);
    rows.push(row);
    prev = row.hash;
  }
  // Parameters per statement stay under SQLite's limit (32,766) at 13 columns × 1,000 rows.
  for (let i = 0; i < rows.length; i += 1000) {
    await tx
      .insertInto('audit_log')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  await tx.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
  return rows.map((r) => ({ seq: r.seq, hash: r.hash, ts, entryId: null }));
}
