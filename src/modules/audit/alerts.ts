/**
 * Alerts for unusual access, raised in the same transaction as the read that triggers them:
 * - bulk_reads: one actor opens more than `readsPerHour` member records within one clock hour (once per hour);
 * - bulk_listing: one actor is shown more than `listedRowsPerHour` members in result lists within one clock hour
 *   (once per hour): a list is counted apart from opened records, with its own threshold, since a search shows
 *   many rows where opening a record shows one person in full;
 * - off_hours: an actor reads member data outside working hours (once per actor and hour);
 * - withdrawn_member: someone reads the record of a member who has left the co-op (every time), or sees such a
 *   member in a result list (once per user, member and day: a list shown again is not a new access).
 *
 * On PostgreSQL the hour's read count of one actor is spread over COUNTER_SHARDS rows (a read adds to one of
 * them at random and sums them all), so that concurrent reads of one user, on any instance, do not queue on one
 * row lock until their commits; that an hour's alert is raised once is kept by a marker row inserted with
 * ON CONFLICT DO NOTHING (the first reader over the limit raises it), not by seeing the count cross the limit,
 * which concurrent readers cannot all see. On SQLite (one writer at a time) one row per actor and hour.
 */
import { randomUUID } from 'node:crypto';
import { type Insertable, type RawBuilder, sql } from 'kysely';
import { isOffHours, type OrgSettings } from '../../base/settings.ts';
import { type Db, type DbOrTx, dialectOf, executePrepared, SqliteTx, type Tx } from '../../db/database.ts';
import type { AlertTable } from '../../db/schema.ts';
import { iso, japanDate } from '../../db/time.ts';
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
  /**
   * A result list (a search): how many members it showed. Listed rows count towards `listedRowsPerHour`; an
   * access without it opened one record and counts towards `readsPerHour`.
   */
  listed?: number;
  /**
   * Withdrawn members shown in a result list (a search): each raises its withdrawn_member alert once per user
   * and day, not at every listing; `memberStatus` then describes no single record.
   */
  listedWithdrawn?: readonly string[];
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

function alertRow(ctx: ReadContext, kind: AlertTable['kind'], detail: Record<string, unknown>): Insertable<AlertTable> {
  return {
    id: randomUUID(),
    org_id: ctx.orgId,
    kind,
    actor_id: ctx.actorId,
    member_id: kind === 'bulk_reads' || kind === 'bulk_listing' ? null : ctx.memberId,
    audit_seq: ctx.audit.seq,
    audit_entry: ctx.audit.entryId,
    created_at: iso(ctx.at),
    detail: canonicalJson(detail),
    status: 'open',
    acknowledged_by: null,
    acknowledged_at: null,
    acknowledged_note: null,
  };
}

async function raise(tx: Tx | SqliteTx, ctx: ReadContext, kind: AlertTable['kind'], detail: Record<string, unknown>) {
  const alert = alertRow(ctx, kind, detail);
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
  const bulk = bulkRule(ctx, hour);
  const total = await bump(tx, ctx.actorId, bulk.counter, bulk.count);
  if (total > bulk.limit && total - bulk.count <= bulk.limit) {
    await raise(tx, ctx, bulk.kind, { hour, reads: total, limit: bulk.limit });
  }
  if (isOffHours(ctx.at, ctx.settings)) {
    const offCount = await bump(tx, ctx.actorId, `off:${hour}`, 1);
    if (offCount === 1)
      await raise(tx, ctx, 'off_hours', { hour, work_start: ctx.settings.alerts.workStart, work_end: ctx.settings.alerts.workEnd });
  }
  if (ctx.memberStatus === 'withdrawn') await raise(tx, ctx, 'withdrawn_member', {});
  await raiseListedWithdrawn(tx, ctx, async (key) => (await bump(tx, ctx.actorId, key, 1)) === 1);
}

/**
 * Which count an access adds to: opened records under the hour (`2026-12-04T01`), listed rows under `L:` and the
 * hour, each with its own threshold and alert kind.
 */
function bulkRule(ctx: ReadContext, hour: string) {
  return ctx.listed === undefined
    ? { counter: hour, count: 1, limit: ctx.settings.alerts.readsPerHour, kind: 'bulk_reads' as const }
    : { counter: `L:${hour}`, count: ctx.listed, limit: ctx.settings.alerts.listedRowsPerHour, kind: 'bulk_listing' as const };
}

/** The marker of a withdrawn member listed to a user on a day (Japan): `wd:YYYY-MM-DD:<member id>`. */
const listedKey = (at: Date, memberId: string) => `wd:${japanDate(at)}:${memberId}`;

/** Each withdrawn member of a listing whose day marker `first` takes for the first time raises its alert. */
async function raiseListedWithdrawn(tx: Tx | SqliteTx, ctx: ReadContext, first: (key: string) => Promise<boolean>): Promise<void> {
  for (const memberId of ctx.listedWithdrawn ?? []) {
    if (await first(listedKey(ctx.at, memberId))) await raise(tx, { ...ctx, memberId }, 'withdrawn_member', { listed: true });
  }
}

/**
 * PostgreSQL: the count in a random one of the hour's shard rows (`hour#n`), the total summed over them; each
 * alert of the hour once, through a marker row (`hour!bulk`, `off:hour!`) that only the first inserter gets.
 * Counter keys keep the hour as their prefix, so pruning by hour removes shards and markers alike.
 */
async function checkReadAlertsSharded(tx: Tx, ctx: ReadContext): Promise<void> {
  const hour = iso(ctx.at).slice(0, 13);
  const bulk = bulkRule(ctx, hour);
  const shard = `${bulk.counter}#${Math.floor(Math.random() * COUNTER_SHARDS)}`;
  // One statement: add to the shard and sum the hour (the outer query sees the other shards as of before the
  // statement, its own shard through the insert's RETURNING).
  const { rows } = await sql<{ total: number }>`with up as (
      insert into access_counters (actor_id, hour, count) values (${ctx.actorId}, ${shard}, ${bulk.count})
      on conflict (actor_id, hour) do update set count = access_counters.count + excluded.count
      returning count)
    select (select count from up) + coalesce((select sum(count) from access_counters
      where actor_id = ${ctx.actorId} and hour = any(${shardKeys(bulk.counter)}::text[]) and hour <> ${shard}), 0) as total`.execute(tx);
  const total = Number(rows[0]!.total);
  if (total > bulk.limit && (await firstMarker(tx, ctx.actorId, `${bulk.counter}!bulk`))) {
    await raise(tx, ctx, bulk.kind, { hour, reads: total, limit: bulk.limit });
  }
  if (isOffHours(ctx.at, ctx.settings) && (await firstMarker(tx, ctx.actorId, `off:${hour}!`))) {
    await raise(tx, ctx, 'off_hours', { hour, work_start: ctx.settings.alerts.workStart, work_end: ctx.settings.alerts.workEnd });
  }
  if (ctx.memberStatus === 'withdrawn') await raise(tx, ctx, 'withdrawn_member', {});
  await raiseListedWithdrawn(tx, ctx, (key) => firstMarker(tx, ctx.actorId, key));
}

/**
 * Records a group of reads on PostgreSQL in one statement, which commits on its own (members/read-group.ts):
 * the reads' queued entries (`queued`, from append.ts), their counts, and every alert they trigger, as
 * `checkReadAlerts` would for each read in turn. One statement is one transaction: the entries, counts and
 * alerts are durable together or not at all.
 *
 * - counts: each actor's reads of the group are added to one random shard of its hour (one row per actor and
 *   hour: a row may not be updated twice by one statement; in key order, so that concurrent groups take the
 *   shards' row locks in one order), and the hour is summed;
 * - bulk_reads: where an hour's sum passes the limit, its marker is inserted (ON CONFLICT DO NOTHING, so once per
 *   actor and hour) and the alert names the read of the group that crossed the limit;
 * - off_hours: the marker of the actor's hour, and the alert where the marker is new;
 * - withdrawn_member: an alert for every read of a withdrawn member's record.
 *
 * Returns nothing; markers found already there are remembered (they are committed: a conflicting insert waits
 * for the other transaction) so that later groups skip them.
 */
export async function recordReadGroup(db: Db, queued: RawBuilder<unknown>, reads: readonly ReadContext[]): Promise<void> {
  const groups = new Map<string, { actorId: string; hour: string; reads: ReadContext[]; limit: number }>();
  const offHours = new Map<string, ReadContext>();
  const withdrawn: Insertable<AlertTable>[] = [];
  for (const r of reads) {
    const hour = iso(r.at).slice(0, 13);
    const key = `${r.actorId}\n${hour}`;
    const g = groups.get(key);
    if (g) {
      g.reads.push(r);
      g.limit = Math.min(g.limit, r.settings.alerts.readsPerHour);
    } else groups.set(key, { actorId: r.actorId, hour, reads: [r], limit: r.settings.alerts.readsPerHour });
    const off = `${r.actorId}\noff:${hour}!`;
    if (isOffHours(r.at, r.settings) && !offHours.has(off) && !committedMarkers.has(off)) offHours.set(off, r);
    if (r.memberStatus === 'withdrawn') withdrawn.push(alertRow(r, 'withdrawn_member', {}));
  }
  const counted = [...groups.keys()].sort().map((k) => groups.get(k)!);
  const offs = [...offHours.values()].map((r) => ({
    marker: `off:${iso(r.at).slice(0, 13)}!`,
    alert: alertRow(r, 'off_hours', {
      hour: iso(r.at).slice(0, 13),
      work_start: r.settings.alerts.workStart,
      work_end: r.settings.alerts.workEnd,
    }),
  }));
  const alertArrays = (rows: readonly Insertable<AlertTable>[]) =>
    sql.join(
      (['id', 'org_id', 'kind', 'actor_id', 'member_id', 'audit_entry', 'created_at', 'detail'] as const).map(
        (c) => sql`${rows.map((a) => a[c])}::text[]`,
      ),
    );
  const { rows } = await executePrepared(
    db,
    sql<{ actor_id: string; hour: string }>`with q as (${queued}),
    up as (
      insert into access_counters (actor_id, hour, count)
      select * from unnest(${counted.map((g) => g.actorId)}::text[],
        ${counted.map((g) => `${g.hour}#${Math.floor(Math.random() * COUNTER_SHARDS)}`)}::text[],
        ${counted.map((g) => g.reads.length)}::int[])
      on conflict (actor_id, hour) do update set count = access_counters.count + excluded.count
      returning actor_id, hour, count),
    t as (
      select up.actor_id, split_part(up.hour, '#', 1) as hour, up.count + coalesce((select sum(c.count) from access_counters c
        where c.actor_id = up.actor_id and c.hour <> up.hour
          and c.hour in (select split_part(up.hour, '#', 1) || '#' || n from generate_series(0, ${COUNTER_SHARDS - 1}::int) n)), 0) as total
      from up),
    g as (
      select * from unnest(${counted.map((g) => g.actorId)}::text[], ${counted.map((g) => g.hour)}::text[],
        ${counted.map((g) => g.reads.length)}::int[], ${counted.map((g) => g.limit)}::int[], ${counted.map(() => randomUUID())}::text[],
        ${counted.map((g) => JSON.stringify(g.reads.map((r) => r.audit.entryId)))}::text[],
        ${counted.map((g) => JSON.stringify(g.reads.map((r) => r.orgId)))}::text[],
        ${counted.map((g) => JSON.stringify(g.reads.map((r) => iso(r.at))))}::text[])
        as g(actor_id, hour, n, lim, alert_id, entries, orgs, times)),
    over as (
      select g.*, t.total, greatest(0, least(g.n - 1, g.lim - (t.total - g.n)))::int as i
      from g join t on t.actor_id = g.actor_id and t.hour = g.hour
      where t.total > g.lim),
    m as (
      insert into access_counters (actor_id, hour, count)
      select actor_id, marker, 1 from (
        select actor_id, hour || '!bulk' as marker from over
        union all
        select * from unnest(${offs.map((o) => o.alert.actor_id)}::text[], ${offs.map((o) => o.marker)}::text[])) x
      order by 1, 2
      on conflict (actor_id, hour) do nothing
      returning actor_id, hour),
    a as (
      insert into alerts (id, org_id, kind, actor_id, member_id, audit_entry, created_at, detail, status)
      select o.alert_id, o.orgs::json ->> o.i, 'bulk_reads', o.actor_id, null, o.entries::json ->> o.i, o.times::json ->> o.i,
        format('{"hour":%s,"limit":%s,"reads":%s}', to_json(o.hour)::text, o.lim, o.total - o.n + o.i + 1), 'open'
      from over o where exists (select 1 from m where m.actor_id = o.actor_id and m.hour = o.hour || '!bulk')
      union all
      select f.*, 'open' from unnest(${alertArrays(offs.map((o) => o.alert))}) as f(id, org_id, kind, actor_id, member_id, audit_entry, created_at, detail)
      where exists (select 1 from m where m.actor_id = f.actor_id and m.hour = 'off:' || left(f.created_at, 13) || '!')
      union all
      select w.*, 'open' from unnest(${alertArrays(withdrawn)}) as w(id, org_id, kind, actor_id, member_id, audit_entry, created_at, detail))
    select actor_id, hour from m`,
  );
  // Markers due that this statement did not insert were there already, committed by another transaction.
  const won = new Set(rows.map((r) => `${r.actor_id}\n${r.hour}`));
  for (const key of offHours.keys()) if (!won.has(key)) rememberMarker(key);
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
  rememberMarker(memo);
  return false;
}

function rememberMarker(memo: string): void {
  if (committedMarkers.size > 10_000) committedMarkers.clear();
  committedMarkers.add(memo);
}

const shardKeys = (counter: string) => Array.from({ length: COUNTER_SHARDS }, (_, n) => `${counter}#${n}`);

/**
 * Raises an alert that no read counts towards (a My Number column found in a connected system by discovery): in
 * the transaction of the audit entry that records what was found, naming that entry.
 */
export async function raiseAlert(
  tx: Tx,
  alert: {
    orgId: string;
    kind: 'my_number_found';
    actorId: string | null;
    audit: AppendedEntry;
    at: Date;
    detail: Record<string, unknown>;
  },
): Promise<string> {
  const id = randomUUID();
  await tx
    .insertInto('alerts')
    .values({
      id,
      org_id: alert.orgId,
      kind: alert.kind,
      actor_id: alert.actorId,
      member_id: null,
      audit_seq: alert.audit.seq,
      audit_entry: alert.audit.entryId,
      created_at: iso(alert.at),
      detail: canonicalJson(alert.detail),
      status: 'open',
      acknowledged_by: null,
      acknowledged_at: null,
      acknowledged_note: null,
    })
    .execute();
  return id;
}

/** The most alerts one list shows (newest first); the answer says when there are more (`more`). */
export const ALERT_LIST_LIMIT = 200;

export async function listAlerts(db: DbOrTx, orgId: string, status?: 'open' | 'acknowledged', limit = ALERT_LIST_LIMIT) {
  // PostgreSQL: alerts name their read's audit entry by sequence number once it is chained; chain what waits.
  if (!db.isTransaction) await drainAuditQueue(db as Db);
  let q = db
    .selectFrom('alerts')
    .leftJoin('users', 'users.id', 'alerts.actor_id')
    .leftJoin('members', 'members.id', 'alerts.member_id')
    .leftJoin('users as ackBy', 'ackBy.id', 'alerts.acknowledged_by')
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
      'alerts.acknowledged_note',
      'ackBy.display_name as acknowledged_by_name',
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
  await db.deleteFrom('access_counters').where('hour', '<', `L:${cutoff}`).where('hour', 'like', 'L:%').execute();
  // Listed withdrawn members' day markers: kept two days, as the rest.
  await db
    .deleteFrom('access_counters')
    .where('hour', '<', `wd:${japanDate(new Date(now.getTime() - 48 * 3600_000))}`)
    .where('hour', 'like', 'wd:%')
    .execute();
}
