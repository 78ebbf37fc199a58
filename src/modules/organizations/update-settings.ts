/**
 * The organization's alert settings (thresholds and working hours), changed by the privacy officer or the admin:
 * validated as a whole, written with its audit entry in one transaction, and announced to every instance.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { type OrgSettings, orgSettingsSchema, parseOrgSettings } from '../../base/settings.ts';
import { appendAudit } from '../audit/append.ts';

export type AlertSettingsPatch = Partial<OrgSettings['alerts']>;

export async function updateAlertSettings(ctx: AppContext, actor: StaffActor, patch: AlertSettingsPatch): Promise<OrgSettings> {
  return ctx.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('organizations').select('settings').where('id', '=', actor.orgId).executeTakeFirstOrThrow();
    const current = parseOrgSettings(row.settings);
    const next = orgSettingsSchema.parse({ ...current, alerts: { ...current.alerts, ...patch } });
    // Working hours end after they start (an end at or before the start would make every read off hours).
    if (next.alerts.workEnd <= next.alerts.workStart) {
      throw new AppError('validation_failed', [
        {
          field: 'alerts.workEnd',
          code: 'time_order',
          message_ja: '勤務終了は勤務開始より後の時刻にしてください。',
          message_en: 'The end of working hours must be after the start.',
        },
      ]);
    }
    await tx
      .updateTable('organizations')
      .set({ settings: JSON.stringify(next) })
      .where('id', '=', actor.orgId)
      .execute();
    await appendAudit(
      tx,
      actor,
      { action: 'policy.change', outcome: 'ok', orgId: actor.orgId, detail: { settings: next.alerts } },
      ctx.clock,
    );
    // Every instance reads the settings anew once this commits.
    await ctx.events.publish(tx, 'settings.changed', { orgId: actor.orgId });
    return next;
  });
}
