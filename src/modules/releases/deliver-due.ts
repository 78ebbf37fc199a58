/**
 * The `deliver_releases` job: every monthly release whose day (Japan time) has come this month and whose method
 * of provision is published is delivered once for the month. Each release's month is claimed with a conditional
 * update (`last_period` below this month → this month) before delivering, so that two instances, or a run taken
 * over after a crash, deliver it once; a failed delivery (recorded and audited as a failed run) gives the claim
 * back, and the job fails so that the runner tries again after its back-off.
 */
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { japanDate } from '../../db/time.ts';
import { deliverRelease } from './run-release.ts';
import type { ReleaseSpec } from './schemas.ts';

export async function deliverDueReleases(ctx: AppContext): Promise<{ delivered: number; failed: number }> {
  const today = japanDate(ctx.clock());
  const period = today.slice(0, 7);
  const day = Number(today.slice(8, 10));
  const rows = await ctx.db
    .selectFrom('releases')
    .select(['id', 'org_id', 'code', 'spec', 'last_period'])
    .where('status', '=', 'active')
    .where('method_published_at', 'is not', null)
    .where((eb) => eb.or([eb('last_period', 'is', null), eb('last_period', '<', period)]))
    .orderBy('id')
    .execute();
  let delivered = 0;
  let failed = 0;
  for (const row of rows) {
    const spec = JSON.parse(row.spec) as ReleaseSpec;
    if (spec.schedule.kind !== 'monthly' || spec.schedule.day > day || !spec.target) continue;
    const claimed = await ctx.db
      .updateTable('releases')
      .set({ last_period: period })
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_period', 'is', null), eb('last_period', '<', period)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    try {
      await deliverRelease(ctx, {
        actor: { type: 'system', orgId: row.org_id, label: 'job:deliver_releases' },
        releaseId: row.id,
        target: spec.target,
        period,
        via: 'job',
      });
      delivered++;
    } catch (error) {
      failed++;
      await ctx.db
        .updateTable('releases')
        .set({ last_period: row.last_period })
        .where('id', '=', row.id)
        .where('last_period', '=', period)
        .execute();
      if (!(error instanceof AppError)) throw error;
    }
  }
  if (failed > 0) throw new AppError('release_delivery_failed', undefined, `${failed} scheduled release(s) could not be delivered.`);
  return { delivered, failed };
}
