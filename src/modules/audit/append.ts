/**
 * Appending to the audit chain. Always inside the caller's transaction, so an entry exists exactly when the
 * change it records does. The chain head row (`audit_head`) is updated first: on PostgreSQL its row lock
 * orders concurrent appenders, on SQLite the transaction already holds the write lock.
 */

import type { Tx } from '../../db/database.ts';
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
export async function appendAudit(tx: Tx, actor: Actor, event: AuditEvent, clock: Clock = systemClock): Promise<AppendedEntry> {
  const [entry] = await appendAuditBatch(tx, actor, [event], clock);
  return entry!;
}

/** Appends several events with one head update (bulk paths: import). */
export async function appendAuditBatch(
  tx: Tx,
  actor: Actor,
  events: readonly AuditEvent[],
  clock: Clock = systemClock,
): Promise<AppendedEntry[]> {
  if (events.length === 0) return [];
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
