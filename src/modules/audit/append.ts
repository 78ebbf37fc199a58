/**
 * Appending to the audit chain. Always inside the caller's transaction, so an entry exists exactly when the
 * change it records does. The chain head row (`audit_head`) is updated first: on PostgreSQL its row lock
 * orders concurrent appenders, on SQLite the transaction already holds the write lock.
 *
 * Inside a raw SQLite transaction (`SqliteTx`, the hot read path) the same rows are written with prepared
 * statements: read the head, insert the entry, move the head; safe because BEGIN IMMEDIATE holds the lock.
 */

import { SqliteTx, type Tx } from '../../db/database.ts';
import type { AuditLogTable } from '../../db/schema.ts';
import { type Clock, iso, systemClock } from '../../db/time.ts';
import { canonicalJson, entryHash } from './canonical.ts';
import type { Actor, AuditEvent } from './events.ts';

export interface AppendedEntry {
  seq: number;
  hash: string;
  ts: string;
}

type Row = Omit<AuditLogTable, 'seq'> & { seq: number };

function toRow(actor: Actor, event: AuditEvent, seq: number, ts: string, prevHash: string): Row {
  const fields = {
    seq,
    ts,
    org_id: event.orgId ?? actor.orgId ?? null,
    actor_type: actor.type,
    actor_id: actor.id,
    action: event.action,
    outcome: event.outcome,
    purpose_code: event.purpose ?? null,
    member_id: event.memberId ?? null,
    error_code: event.errorCode ?? null,
    detail: canonicalJson({ ...event.detail, ...(actor.type !== 'user' && 'label' in actor ? { actor: actor.label } : {}) }),
  };
  return { ...fields, prev_hash: prevHash, hash: entryHash(prevHash, fields) };
}

/** Appends one event. */
export async function appendAudit(tx: Tx | SqliteTx, actor: Actor, event: AuditEvent, clock: Clock = systemClock): Promise<AppendedEntry> {
  if (tx instanceof SqliteTx) return appendAuditSqlite(tx, actor, event, clock);
  const [entry] = await appendAuditBatch(tx, actor, [event], clock);
  return entry!;
}

const insertSql = `insert into audit_log (seq, ts, org_id, actor_type, actor_id, action, outcome, purpose_code, member_id, error_code, detail, prev_hash, hash)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Appends one event inside an open raw SQLite transaction, synchronously. */
export function appendAuditSqlite(tx: SqliteTx, actor: Actor, event: AuditEvent, clock: Clock = systemClock): AppendedEntry {
  if (!tx.raw.inTransaction) throw new Error('appendAuditSqlite needs an open transaction');
  const head = tx.prepare('select seq, hash from audit_head where id = 1').get() as { seq: number; hash: string };
  const row = toRow(actor, event, Number(head.seq) + 1, iso(clock()), head.hash);
  tx.prepare(insertSql).run(
    row.seq,
    row.ts,
    row.org_id,
    row.actor_type,
    row.actor_id,
    row.action,
    row.outcome,
    row.purpose_code,
    row.member_id,
    row.error_code,
    row.detail,
    row.prev_hash,
    row.hash,
  );
  tx.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(row.seq, row.hash);
  return { seq: row.seq, hash: row.hash, ts: row.ts };
}

/** Appends several events with one head read and one head update, inside an open raw SQLite transaction. */
function appendAuditBatchSqlite(tx: SqliteTx, actor: Actor, events: readonly AuditEvent[], clock: Clock): AppendedEntry[] {
  if (!tx.raw.inTransaction) throw new Error('appendAuditBatch needs an open transaction');
  const head = tx.prepare('select seq, hash from audit_head where id = 1').get() as { seq: number; hash: string };
  const insert = tx.prepare(insertSql);
  const ts = iso(clock());
  let seq = Number(head.seq);
  let prev = head.hash;
  const out: AppendedEntry[] = [];
  for (const event of events) {
    seq += 1;
    const r = toRow(actor, event, seq, ts, prev);
    insert.run(
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
    );
    prev = r.hash;
    out.push({ seq, hash: r.hash, ts });
  }
  tx.prepare('update audit_head set seq = ?, hash = ? where id = 1').run(seq, prev);
  return out;
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
  for (const event of events) {
    seq += 1;
    const row = toRow(actor, event, seq, ts, prev);
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
  return rows.map((r) => ({ seq: r.seq, hash: r.hash, ts }));
}
