/**
 * Alerts for unusual access, raised in the same transaction as the read that triggers them:
 * - bulk_reads: one actor reads more than `readsPerHour` member records within one clock hour (once per hour);
 * - off_hours: an actor reads member data outside working hours (once per actor and hour);
 * - withdrawn_member: someone reads the record of a member who has left the co-op (every time).
 *
 * On PostgreSQL the hour's read count of one actor is spread over COUNTER_SHARDS rows (a read adds to one of
 * them at random and sums them all), so that concurrent reads of one user, on any instance, do not queue on one
 * row lock until their commits; that an hour's alert is raised once is kept by a marker row inserted with
 * ON CONFLICT DO NOTHING (the first reader over the limit raises it), not by seeing the count cross the limit,
 * which concurrent readers cannot all see. On SQLite (one writer at a time) one row per actor and hour.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { isOffHours, type OrgSettings } from '../../base/settings.ts';
import { type Db, type DbOrTx, dialectOf, SqliteTx, type Tx } from '../../db/database.ts';
import type { AlertTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import type { AppendedEntry } from './append.ts';
import { canonicalJson } from './canonical.ts';
import { drainAuditQueue } from './sequencer.ts';

/** Rows per actor and hour that the read count is spread over on PostgreSQL. */
const COUNTER_SHARDS = 16;

export interface ReadContext {
  orgId: string;
  actorId: string;
  memberId: string;
  memberStatus: string;
  /** The read's own audit entry (on PostgreSQL still queued: the alert names it until it is sequenced). */
  audit: AppendedEntry;
  at: Date;
  settings: OrgSettings;
  /** How many member records this access read (a search result counts each member). */
  count?: number;
}

async function bump(tx: Tx | SqliteTx, actorId: string, hour: string, by: number): Promise<number> {
  if (tx instanceof SqliteTx) {
    const count = tx
      .prepare(
        'insert into access_counters (actor_id, hour, count) values (?, ?, ?) on conflict (actor_id, hour) do update set count = count + excluded.count returning count',
      )
      .pluck()
      .get(actorId, hour, by);
    return Number(count);
  }
  const row = await tx
    .insertInto('access_counters')
    .values({ actor_id: actorId, hour, count: by })
    .onConflict((oc) => oc.columns(['actor_id', 'hour']).doUpdateSet((eb) => ({ count: eb('access_counters.count', '+', by) })))
    .returning('count')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

async function raise(tx: Tx | SqliteTx, ctx: ReadContext, kind: AlertTable['kind'], detail: Record<string, unknown>) {
  const alert: AlertTable = {
    id: randomUUID(),
    org_id: ctx.orgId,
    kind,
    actor_id: ctx.actorId,
    member_id: kind === 'bulk_reads' ? null : ctx.memberId,
    audit_seq: ctx.audit.seq,
    audit_entry: ctx.audit.entryId,
    created_at: iso(ctx.at),
    detail: canonicalJson(detail),
    status: 'open',
    acknowledged_by: null,
    acknowledged_at: null,
  };
  if (tx instanceof SqliteTx) {
    tx.prepare(
      'insert into alerts (id, org_id, kind, actor_id, member_id, audit_seq, audit_entry, created_at, detail, status, acknowledged_by, acknowledged_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      alert.id,
      alert.org_id,
      alert.kind,
      alert.actor_id,
      alert.member_id,
      alert.audit_seq,
      alert.audit_entry,
      alert.created_at,
      alert.detail,
      alert.status,
      alert.acknowledged_by,
      alert.acknowledged_at,
    );
    return;
  }
  await tx.insertInto('alerts').values(alert).execute();
}

/** Counts the read and raises any alert it triggers. */
export async function checkReadAlerts(tx: Tx | SqliteTx, ctx: ReadContext): Promise<void> {
  if (!(tx instanceof SqliteTx) && dialectOf(tx) === 'postgres') return checkReadAlertsSharded(tx, ctx);
  const hour = iso(ctx.at).slice(0, 13);
  const count = ctx.count ?? 1;
  const total = await bump(tx, ctx.actorId, hour, count);
  const limit = ctx.settings.alerts.readsPerHour;
  if (total > limit && total - count <= limit) {
    await raise(tx, ctx, 'bulk_reads', { hour, reads: total, limit });
  }
  if (isOffHours(ctx.at, ctx.settings)) {
    const offCount = await bump(tx, ctx.actorId, `off:${hour}`, 1);
    if (offCount === 1)
      await raise(tx, ctx, 'off_hours', { hour, work_start: ctx.settings.alerts.workStart, work_end: ctx.settings.alerts.workEnd });
  }
  if (ctx.memberStatus === 'withdrawn') await raise(tx, ctx, 'withdrawn_member', {});
}

/**
 * PostgreSQL: the count in a random one of the hour's shard rows (`hour#n`), the total summed over them; each
 * alert of the hour once, through a marker row (`hour!bulk`, `off:hour!`) that only the first inserter gets.
 * Counter keys keep the hour as their prefix, so pruning by hour removes shards and markers alike.
 */
async function checkReadAlertsSharded(tx: Tx, ctx: ReadContext): Promise<void> {
  const hour = iso(ctx.at).slice(0, 13);
  const count = ctx.count ?? 1;
  const shard = `${hour}#${Math.floor(Math.random() * COUNTER_SHARDS)}`;
  // One statement: add to the shard and sum the hour (the outer query sees the other shards as of before the
  // statement, its own shard through the insert's RETURNING).
  const { rows } = await sql<{ total: number }>`with up as (
      insert into access_counters (actor_id, hour, count) values (${ctx.actorId}, ${shard}, ${count})
      on conflict (actor_id, hour) do update set count = access_counters.count + excluded.count
      returning count)
    select (select count from up) + coalesce((select sum(count) from access_counters
      where actor_id = ${ctx.actorId} and hour = any(${shardKeys(hour)}::text[]) and hour <> ${shard}), 0) as total`.execute(tx);
  const total = Number(rows[0]!.total);
  const limit = ctx.settings.alerts.readsPerHour;
  if (total > limit && (await firstMarker(tx, ctx.actorId, `${hour}!bulk`))) {
    await raise(tx, ctx, 'bulk_reads', { hour, reads: total, limit });
  }
  if (isOffHours(ctx.at, ctx.settings) && (await firstMarker(tx, ctx.actorId, `off:${hour}!`))) {
    await raise(tx, ctx, 'off_hours', { hour, work_start: ctx.settings.alerts.workStart, work_end: ctx.settings.alerts.workEnd });
  }
  if (ctx.memberStatus === 'withdrawn') await raise(tx, ctx, 'withdrawn_member', {});
}

/**
 * Markers another transaction has committed (seen as a conflict): they stay, so this process skips them from
 * then on (per actor and hour; the set is emptied when it grows large). A marker this transaction inserted is not
 * remembered: its transaction might still roll back.
 */
const committedMarkers = new Set<string>();

/** Inserts a marker row; true only for the transaction that inserted it first. */
async function firstMarker(tx: Tx, actorId: string, key: string): Promise<boolean> {
  const memo = `${actorId}\n${key}`;
  if (committedMarkers.has(memo)) return false;
  const row = await tx
    .insertInto('access_counters')
    .values({ actor_id: actorId, hour: key, count: 1 })
    .onConflict((oc) => oc.columns(['actor_id', 'hour']).doNothing())
    .returning('count')
    .executeTakeFirst();
  if (row !== undefined) return true;
  if (committedMarkers.size > 10_000) committedMarkers.clear();
  committedMarkers.add(memo);
  return false;
}

const shardKeys = (hour: string) => Array.from({ length: COUNTER_SHARDS }, (_, n) => `${hour}#${n}`);

export async function listAlerts(db: DbOrTx, orgId: string, status?: 'open' | 'acknowledged', limit = 200) {
  // PostgreSQL: alerts name their read's audit entry by sequence number once it is chained; chain what waits.
  if (!db.isTransaction) await drainAuditQueue(db as Db);
  let q = db
    .selectFrom('alerts')
    .leftJoin('users', 'users.id', 'alerts.actor_id')
    .leftJoin('members', 'members.id', 'alerts.member_id')
    .select([
      'alerts.id',
      'alerts.kind',
      'alerts.actor_id',
      'users.login as actor_login',
      'users.display_name as actor_name',
      'alerts.member_id',
      'members.member_code',
      'alerts.audit_seq',
      'alerts.created_at',
      'alerts.detail',
      'alerts.status',
      'alerts.acknowledged_by',
      'alerts.acknowledged_at',
    ])
    .where('alerts.org_id', '=', orgId);
  if (status) q = q.where('alerts.status', '=', status);
  const rows = await q.orderBy('alerts.created_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

/** Removes counters older than two days (they only matter within the hour). */
export async function pruneAccessCounters(db: DbOrTx, now: Date): Promise<void> {
  const cutoff = iso(new Date(now.getTime() - 48 * 3600_000)).slice(0, 13);
  await db.deleteFrom('access_counters').where('hour', '<', cutoff).where('hour', 'not like', 'off:%').execute();
  await db.deleteFrom('access_counters').where('hour', '<', `off:${cutoff}`).where('hour', 'like', 'off:%').execute();
}
