/**
 * The audit sequencer (PostgreSQL): gives queued entries their place in the chain. Writers queue entries in
 * their own transactions (append.ts) and take no shared lock; the sequencer, in one short transaction per batch,
 * locks the chain head, reads the queued entries that have committed (oldest queue id first), checks each
 * entry's MAC, assigns sequence numbers and hashes, inserts them into `audit_log`, deletes them from the queue
 * and moves the head. A crash at any point rolls the batch back: the entries stay queued and the next batch
 * (of any instance) takes them, so none is lost or chained twice (the entry id is unique in the log).
 *
 * Every instance runs the loop (`startAuditSequencer`); the head row is taken with SKIP LOCKED, so at any
 * moment one instance sequences and the others find the head busy and wait for their next turn. Reading the
 * trail (search, verify, backup) first drains the queue (`drainAuditQueue`, which waits for the head), so a
 * reader sees every entry committed before it asked.
 *
 * An entry whose MAC does not match (altered or forged while queued) is still chained, as found, and followed by
 * an `audit.queue_tampered` entry naming it; `audit verify` reports it (`mac_mismatch`). An entry whose id is
 * already in the log (a copy) is not chained again; an `audit.queue_tampered` entry records the attempt.
 */
import { sql } from 'kysely';
import { createMonth } from '../../db/audit-partitions.ts';
import { type Db, dialectOf, executePrepared, type Tx } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import { canonicalJson, entryHash } from './canonical.ts';
import { macColumns } from './chain-range.ts';
import type { Actor } from './events.ts';
import { auditMacReady, checkEntryMac, entryMac, type MacFields, newEntryId } from './mac.ts';

/** Entries per batch: one batch is one transaction (about 0.1 s at this size on the reference machine). */
export const SEQUENCER_BATCH = 10_000;
/** Readiness: an instance is not ready when queued entries have waited this long with no batch finished. */
export const SEQUENCER_STALL_SECONDS = 30;

const sequencerActor: Extract<Actor, { type: 'system' }> = { type: 'system', id: null, orgId: null, label: 'audit-sequencer' };

export interface BatchResult {
  /** Entries chained in this batch (tamper records included). */
  sequenced: number;
  /** Queued entries the sequencer could not vouch for. */
  tampered: number;
}

interface QueuedRow extends MacFields {
  id: number;
  mac: string;
}

/** The columns a chained entry is written with (chain-range.ts: the chain's, then entry id and MAC). */
const logColumns = macColumns;
type LogRow = Record<(typeof logColumns)[number], string | number | null>;

/**
 * Sequences one batch. `wait`: wait for the head when another sequencer holds it (a reader draining the queue);
 * otherwise a busy head returns null at once (the background loop).
 */
export async function sequenceAuditBatch(
  db: Db,
  opts: { wait?: boolean; limit?: number; now?: () => Date /** Only entries queued up to this queue id. */; upTo?: number } = {},
): Promise<BatchResult | null> {
  // Without the keys no queued entry can be vouched for: they wait for a process that holds the key ring.
  if (!auditMacReady()) return null;
  try {
    return await sequenceOnce(db, opts, false);
  } catch (error) {
    if (!(error instanceof CopiesQueued)) throw error;
    // A queued copy of a chained entry (tampering): the batch is redone, looking each entry id up first.
    return sequenceOnce(db, opts, true);
  }
}

/** Thrown inside a batch whose insert met entries already in the log: the batch rolls back and is redone. */
class CopiesQueued extends Error {}

/**
 * Entries that can carry an alert raised with them (audit/alerts.ts: reads and searches of members, a My Number
 * column found by discovery); the sequencer gives those alerts their entry's sequence number.
 */
const ALERTING_ACTIONS = new Set(['member.read', 'member.search', 'discovery.my_number_found']);

/**
 * One batch. Copies of chained entries are caught in one of two ways: `lookUp` reads the log for every queued
 * entry id before chaining (and records a copy as tampering); otherwise the entries are inserted with
 * ON CONFLICT DO NOTHING on the log's unique (entry id, time), which costs nothing beyond the insert, and a
 * conflict — only ever a copy — throws `CopiesQueued` so that the batch is redone with `lookUp`.
 */
async function sequenceOnce(
  db: Db,
  opts: { wait?: boolean; limit?: number; now?: () => Date; upTo?: number },
  lookUp: boolean,
): Promise<BatchResult | null> {
  const limit = opts.limit ?? SEQUENCER_BATCH;
  const now = opts.now ?? (() => new Date());
  return db.transaction().execute(async (tx) => {
    const head = (
      await executePrepared(
        tx,
        sql<{
          seq: number;
          hash: string;
        }>`select seq, hash from audit_head where id = 1 for update ${opts.wait ? sql`` : sql`skip locked`}`,
      )
    ).rows[0];
    if (!head) return null;
    const queued = (
      await executePrepared(
        tx,
        sql<QueuedRow>`select * from audit_queue ${opts.upTo === undefined ? sql`` : sql`where id <= ${opts.upTo}`} order by id limit ${limit}`,
      )
    ).rows;
    if (queued.length === 0) return { sequenced: 0, tampered: 0 };

    const chained = new Set<string>();
    if (lookUp) {
      const ids = queued.map((q) => q.entry_id);
      const found = await sql<{ entry_id: string }>`select entry_id from audit_log where entry_id = any(${ids}::text[])`.execute(tx);
      for (const r of found.rows) chained.add(r.entry_id);
    }
    let seq = Number(head.seq);
    let prev = head.hash;
    let tampered = 0;
    const rows: LogRow[] = [];
    const at = iso(now());
    const chain = (e: MacFields & { mac: string }) => {
      seq += 1;
      const fields = { ...e, seq };
      const hash = entryHash(prev, fields);
      rows.push({ ...fields, prev_hash: prev, hash });
      prev = hash;
      return seq;
    };
    const recordTamper = (q: QueuedRow, reason: 'mac_mismatch' | 'mac_key_unknown' | 'duplicate', at_seq?: number) => {
      tampered += 1;
      const entry: MacFields = {
        entry_id: newEntryId(),
        ts: at,
        org_id: null,
        actor_type: sequencerActor.type,
        actor_id: null,
        action: 'audit.queue_tampered',
        outcome: 'failed',
        purpose_code: null,
        member_id: null,
        error_code: null,
        detail: canonicalJson({
          actor: sequencerActor.label,
          reason,
          entry_id: q.entry_id,
          queue_id: Number(q.id),
          ...(at_seq === undefined ? {} : { seq: at_seq }),
        }),
      };
      chain({ ...entry, mac: entryMac(entry) });
    };
    for (const q of queued) {
      if (chained.has(q.entry_id)) {
        recordTamper(q, 'duplicate');
        continue;
      }
      chained.add(q.entry_id);
      const verdict = checkEntryMac(q, q.mac);
      const at_seq = chain(q);
      if (verdict !== 'ok') recordTamper(q, verdict === 'bad' ? 'mac_mismatch' : 'mac_key_unknown', at_seq);
    }
    await ensureMonths(db, tx, rows);
    const inserted = await insertLogRows(tx, rows);
    if (inserted < rows.length) throw new CopiesQueued();
    await executePrepared(tx, sql`delete from audit_queue where id = any(${queued.map((q) => q.id)}::bigint[])`);
    await tx.updateTable('audit_head').set({ seq, hash: prev, sequenced_at: at }).where('id', '=', 1).execute();
    // Alerts raised with a read name its entry until now; give them its sequence number. An alert commits with
    // its read's queued entry, so the alerts to update are those of this batch's entries.
    const alerting = rows.filter((r) => ALERTING_ACTIONS.has(String(r.action)));
    if (alerting.length > 0) {
      await executePrepared(
        tx,
        sql`update alerts set audit_seq = v.seq
          from unnest(${alerting.map((r) => r.entry_id)}::text[], ${alerting.map((r) => r.seq)}::bigint[]) as v(entry_id, seq)
          where alerts.audit_seq is null and alerts.audit_entry = v.entry_id`,
      );
    }
    return { sequenced: rows.length, tampered };
  });
}

/** Months whose partition exists, per database (audit_log is partitioned by month: migration 0013). */
const knownMonths = new WeakMap<Db, Set<string>>();

/**
 * Creates the partitions of the months the batch's entries fall in, once per month and process. A month that
 * cannot get its partition (rows of it already in the default partition) is left to the default partition.
 */
async function ensureMonths(db: Db, tx: Tx, rows: readonly LogRow[]): Promise<void> {
  const known = knownMonths.get(db) ?? new Set<string>();
  knownMonths.set(db, known);
  const months = new Set(rows.map((r) => String(r.ts).slice(0, 7)));
  for (const month of months) {
    if (known.has(month) || !/^\d{4}-\d{2}$/.test(month)) continue;
    await sql`savepoint month_partition`.execute(tx);
    try {
      await createMonth(tx, month);
      await sql`release savepoint month_partition`.execute(tx);
    } catch {
      await sql`rollback to savepoint month_partition`.execute(tx);
    }
    known.add(month);
  }
}

/** Inserts the batch's entries; returns how many were inserted (fewer when an entry id and time was in the log). */
async function insertLogRows(tx: Tx, rows: readonly LogRow[]): Promise<number> {
  const types: Record<(typeof logColumns)[number], string> = {
    seq: 'bigint',
    ts: 'text',
    org_id: 'text',
    actor_type: 'text',
    actor_id: 'text',
    action: 'text',
    outcome: 'text',
    purpose_code: 'text',
    member_id: 'text',
    error_code: 'text',
    detail: 'text',
    prev_hash: 'text',
    hash: 'text',
    entry_id: 'text',
    mac: 'text',
  };
  const arrays = logColumns.map((c) => sql`${rows.map((r) => r[c])}::${sql.raw(types[c])}[]`);
  const { rows: counted } = await executePrepared(
    tx,
    sql<{ n: number }>`with ins as (
      insert into audit_log (${sql.join(logColumns.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})
      on conflict (entry_id, ts) where entry_id is not null do nothing
      returning 1)
    select count(*)::int as n from ins`,
  );
  return Number(counted[0]!.n);
}

/** Drains in progress per database: concurrent readers of one process share one. */
const draining = new WeakMap<Db, { upTo: number; done: Promise<number> }>();

/**
 * Chains everything queued so far — every entry committed before the call — and returns the number of entries
 * chained (0 on SQLite, which has no queue). Waits for a running batch of another sequencer first. Entries queued
 * after the call are left to the sequencer, so a reader never chases a stream of new writes; concurrent calls in
 * one process share a drain that covers them.
 */
export async function drainAuditQueue(db: Db): Promise<number> {
  if (dialectOf(db) !== 'postgres' || !auditMacReady()) return 0;
  const last = (await sql<{ id: number | null }>`select max(id) as id from audit_queue`.execute(db)).rows[0]?.id;
  if (last === null || last === undefined) return 0;
  const running = draining.get(db);
  if (running && running.upTo >= Number(last)) return running.done;
  const upTo = Number(last);
  const done = (async () => {
    if (running) await running.done.catch(() => 0);
    let total = 0;
    for (;;) {
      const r = await sequenceAuditBatch(db, { wait: true, upTo });
      if (!r || r.sequenced === 0) return total;
      total += r.sequenced;
    }
  })();
  draining.set(db, { upTo, done });
  try {
    return await done;
  } finally {
    if (draining.get(db)?.done === done) draining.delete(db);
  }
}

export interface QueueState {
  /** Entries waiting to be chained. */
  depth: number;
  /** Seconds since the oldest waiting entry was written (0 when none waits). */
  oldestSeconds: number;
  /** When the sequencer last finished a batch (null: never). */
  sequencedAt: string | null;
  /** Whether the queue is being worked off: empty, or a batch finished within SEQUENCER_STALL_SECONDS. */
  keepingUp: boolean;
}

/** The queue's state for readiness and metrics (PostgreSQL; SQLite has no queue and is always keeping up). */
export async function auditQueueState(db: Db, now: Date = new Date()): Promise<QueueState> {
  if (dialectOf(db) !== 'postgres') return { depth: 0, oldestSeconds: 0, sequencedAt: null, keepingUp: true };
  const r = (
    await sql<{ depth: number; oldest: string | null; sequenced_at: string | null }>`select
      (select count(*) from audit_queue)::int as depth,
      (select min(ts) from audit_queue) as oldest,
      (select sequenced_at from audit_head where id = 1) as sequenced_at`.execute(db)
  ).rows[0]!;
  const oldestSeconds = r.oldest ? Math.max(0, (now.getTime() - Date.parse(r.oldest)) / 1000) : 0;
  const sinceBatch = r.sequenced_at ? (now.getTime() - Date.parse(r.sequenced_at)) / 1000 : Number.POSITIVE_INFINITY;
  return {
    depth: Number(r.depth),
    oldestSeconds,
    sequencedAt: r.sequenced_at,
    keepingUp: Number(r.depth) === 0 || sinceBatch <= SEQUENCER_STALL_SECONDS || oldestSeconds <= SEQUENCER_STALL_SECONDS,
  };
}

/** Entries chained between two vacuums of the queue by one instance's loop. */
export const QUEUE_VACUUM_ENTRIES = 20_000;

/**
 * Vacuums the queue table. Every entry passes through it (queued, then deleted by the sequencer), so it is all
 * dead rows but for the newest, and autovacuum (which looks at a database about once a minute) leaves tens of
 * thousands of them under a steady load. Every poll and every batch starts at the oldest queue id and walked
 * them all: measured under 4,000 reads/s, `exists (select 1 from audit_queue)` read 207 pages and took 0.5 ms
 * a call, and with the batch's own read 18 % of the database's time. Vacuumed every 20,000 entries it stays at
 * two pages; one vacuum of that many dead rows takes about 15 ms. `skip_locked`: an instance that finds
 * another one vacuuming goes on.
 */
export async function vacuumAuditQueue(db: Db): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  await sql`vacuum (skip_locked) audit_queue`.execute(db);
}

export interface Sequencer {
  stop(): Promise<void>;
}

/**
 * The background loop of one instance (PostgreSQL only; on SQLite a no-op): polls the queue every `idleMs`
 * while it is empty; runs batches back to back while a full batch is waiting, and otherwise lets entries gather
 * for `gatherMs` after each batch. A batch costs about eight round trips and a commit whatever its size: under a
 * steady load of reads, batches of a few dozen entries run back to back took as much of the database's time as
 * the reads themselves; gathering for 50 ms makes them a few hundred. Readers do not wait for it: they drain the
 * queue themselves.
 *
 * After every `vacuumEvery` entries it has chained, the loop vacuums the queue (`vacuumAuditQueue`).
 */
export function startAuditSequencer(
  db: Db,
  opts: {
    idleMs?: number;
    gatherMs?: number;
    vacuumEvery?: number;
    onError?: (error: unknown) => void;
    onBatch?: (r: BatchResult) => void;
  } = {},
): Sequencer {
  if (dialectOf(db) !== 'postgres') return { stop: async () => {} };
  const idleMs = opts.idleMs ?? 10;
  const gatherMs = opts.gatherMs ?? 50;
  const vacuumEvery = opts.vacuumEvery ?? QUEUE_VACUUM_ENTRIES;
  let sinceVacuum = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = (ms: number) => {
    if (!stopped) timer = setTimeout(() => (running = tick()), ms);
  };
  const tick = async () => {
    let next = idleMs;
    try {
      const waiting = (await executePrepared(db, sql<{ any: boolean }>`select exists (select 1 from audit_queue) as any`)).rows[0]?.any;
      if (waiting) {
        const r = await sequenceAuditBatch(db);
        if (r) {
          opts.onBatch?.(r);
          if (r.sequenced >= SEQUENCER_BATCH) next = 0;
          else if (r.sequenced > 0) next = gatherMs;
          sinceVacuum += r.sequenced;
          if (sinceVacuum >= vacuumEvery) {
            sinceVacuum = 0;
            await vacuumAuditQueue(db);
          }
        }
      }
    } catch (error) {
      opts.onError?.(error);
      next = 1000;
    }
    schedule(next);
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
