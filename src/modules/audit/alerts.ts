/**
 * Alerts for unusual access, raised in the same transaction as the read that triggers them:
 * - bulk_reads: one actor reads more than `readsPerHour` member records within one clock hour (once per hour);
 * - off_hours: an actor reads member data outside working hours (once per actor and hour);
 * - withdrawn_member: someone reads the record of a member who has left the co-op (every time).
 */
import { randomUUID } from 'node:crypto';
import { isOffHours, type OrgSettings } from '../../base/settings.ts';
import { type DbOrTx, SqliteTx, type Tx } from '../../db/database.ts';
import type { AlertTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { canonicalJson } from './canonical.ts';

export interface ReadContext {
  orgId: string;
  actorId: string;
  memberId: string;
  memberStatus: string;
  auditSeq: number;
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
    audit_seq: ctx.auditSeq,
    created_at: iso(ctx.at),
    detail: canonicalJson(detail),
    status: 'open',
    acknowledged_by: null,
    acknowledged_at: null,
  };
  if (tx instanceof SqliteTx) {
    tx.prepare(
      'insert into alerts (id, org_id, kind, actor_id, member_id, audit_seq, created_at, detail, status, acknowledged_by, acknowledged_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      alert.id,
      alert.org_id,
      alert.kind,
      alert.actor_id,
      alert.member_id,
      alert.audit_seq,
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

export async function listAlerts(db: DbOrTx, orgId: string, status?: 'open' | 'acknowledged', limit = 200) {
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
