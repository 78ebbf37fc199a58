/**
 * Recording a review of an asset (見直し, at least yearly under JIS Q 15001): who reviewed it, when, the
 * result and notes. The review restarts the asset's clock from the latest review date; a review entered late
 * for an earlier date is kept in the history without moving the clock back.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { assertMayWrite } from './permissions.ts';
import type { PresentedAsset } from './presenter.ts';
import { getAsset } from './read-assets.ts';
import { japanDate, nextReviewOn } from './schedule.ts';
import type { RecordReviewInput } from './schemas.ts';
import { bumpVersion, loadForChange } from './write-asset.ts';

export async function recordReview(
  ctx: AppContext,
  opts: { actor: StaffActor; assetId: string; input: RecordReviewInput; via?: string },
): Promise<PresentedAsset> {
  assertMayWrite(opts.actor);
  const now = ctx.clock();
  const today = japanDate(now);
  const reviewedOn = opts.input.reviewed_on ?? today;
  if (reviewedOn > today) {
    throw new AppError('validation_failed', [
      {
        field: 'reviewed_on',
        code: 'future_date',
        message_ja: '見直し日に未来の日付は指定できません。',
        message_en: 'The review date cannot be in the future.',
      },
    ]);
  }
  return ctx.db.transaction().execute(async (tx) => {
    const row = await loadForChange(tx, opts.actor, opts.assetId, opts.input.version);
    const reviewer = await tx.selectFrom('users').select('display_name').where('id', '=', opts.actor.id).executeTakeFirst();
    const id = randomUUID();
    await tx
      .insertInto('ledger_reviews')
      .values({
        id,
        asset_id: row.id,
        org_id: row.org_id,
        reviewed_on: reviewedOn,
        result: opts.input.result,
        notes: opts.input.notes ?? '',
        reviewer_id: opts.actor.id,
        reviewer_name: reviewer?.display_name ?? opts.actor.login,
        created_at: iso(now),
      })
      .execute();
    const last = row.last_reviewed_on && row.last_reviewed_on > reviewedOn ? row.last_reviewed_on : reviewedOn;
    const next = nextReviewOn({
      lastReviewedOn: last,
      registeredOn: japanDate(new Date(row.created_at)),
      intervalMonths: Number(row.review_interval_months),
    });
    await bumpVersion(tx, row, { last_reviewed_on: last, next_review_on: next, updated_at: iso(now), updated_by: opts.actor.id });
    await appendAudit(
      tx,
      opts.actor,
      {
        action: 'ledger.review',
        outcome: 'ok',
        orgId: row.org_id,
        detail: {
          asset_id: row.id,
          code: row.code,
          review_id: id,
          result: opts.input.result,
          reviewed_on: reviewedOn,
          next_review_on: next,
        },
      },
      ctx.clock,
    );
    return getAsset(tx, { scope: { orgId: row.org_id }, id: row.id, today, actor: opts.actor });
  });
}
