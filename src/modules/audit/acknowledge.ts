/**
 * Acknowledging alerts (issue 12 §4): the privacy officer closes one alert or several at once, optionally with a
 * note of what was found. Each acknowledged alert gets its own audit entry (in the same transaction), so the
 * trail says who closed which alert and why; an alert someone else closed meanwhile is reported, not closed twice.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { iso } from '../../db/time.ts';
import { appendAuditBatch } from './append.ts';

/** At most this many alerts in one acknowledgement (the alerts list shows up to 200). */
export const MAX_ACKNOWLEDGE = 500;

export interface AcknowledgeResult {
  /** The alerts this call closed. */
  acknowledged: string[];
  /** Alerts already closed (by someone else meanwhile) or not of this organization: left untouched. */
  skipped: string[];
}

export async function acknowledgeAlerts(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: StaffActor,
  ids: readonly string[],
  note?: string,
): Promise<AcknowledgeResult> {
  const unique = [...new Set(ids)];
  const text = note?.trim() || null;
  const at = iso(ctx.clock());
  return ctx.db.transaction().execute(async (tx) => {
    const closed = await tx
      .updateTable('alerts')
      .set({ status: 'acknowledged', acknowledged_by: actor.id, acknowledged_at: at, acknowledged_note: text })
      .where('id', 'in', unique)
      .where('org_id', '=', actor.orgId)
      .where('status', '=', 'open')
      .returning('id')
      .execute();
    const done = new Set(closed.map((r) => r.id));
    const acknowledged = unique.filter((id) => done.has(id));
    if (acknowledged.length === 0) throw new AppError('alert_not_found');
    await appendAuditBatch(
      tx,
      actor,
      acknowledged.map((id) => ({
        action: 'alert.acknowledge' as const,
        outcome: 'ok' as const,
        orgId: actor.orgId,
        detail: text === null ? { alert_id: id } : { alert_id: id, note: text },
      })),
      ctx.clock,
    );
    return { acknowledged, skipped: unique.filter((id) => !done.has(id)) };
  });
}
