/**
 * 接続確認 of a delivery target: opens the destination (connects over SFTP with the host key checked, or finds the
 * allowed folder), writes a small probe file, checks its size and removes it. The outcome is recorded on the
 * register (status `ok` or `failing`, the error code, the time) and in the audit trail — the code only. A failed
 * check is an answer, not an error of the request. When the server's host key was refused, the answer names the
 * fingerprint it presented, so that the officer can compare it with the one the partner gave.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import { tempName } from './destination.ts';
import { getTarget } from './list-targets.ts';
import { openDestination } from './open-destination.ts';
import { assertMay } from './permissions.ts';
import { type ErrorView, errorView, type TargetView } from './presenter.ts';
import { readTarget } from './read-target.ts';
import { HostKeyRefused } from './sftp-destination.ts';

export interface TargetCheck {
  ok: boolean;
  error?: ErrorView;
  /** When the host key was refused: the fingerprint the server presented (public, not a secret). */
  presented_host_key?: string;
}

async function probe(ctx: AppContext, orgId: string, code: string): Promise<void> {
  const { row, settings } = await readTarget(ctx.db, ctx.keys, orgId, code);
  const dest = await openDestination(row.kind, settings);
  const name = tempName('mamori-probe');
  try {
    const file = await dest.create(name);
    const body = Buffer.from('mamori probe\n');
    file.stream.end(body);
    await file.closed();
    const size = await dest.size(name);
    if (size !== body.length) throw new AppError('delivery_incomplete');
  } finally {
    await dest.remove(name).catch(() => {});
    await dest.close();
  }
}

export async function checkTarget(
  ctx: AppContext,
  opts: { actor: StaffActor; code: string; via?: string },
): Promise<{ target: TargetView; check: TargetCheck }> {
  assertMay(opts.actor, 'manage');
  const { actor } = opts;
  const row = await ctx.db
    .selectFrom('delivery_targets')
    .select(['id', 'code', 'kind', 'version'])
    .where('org_id', '=', actor.orgId)
    .where('code', '=', opts.code)
    .executeTakeFirst();
  if (!row) throw new AppError('delivery_target_unknown');
  let errorCode: string | null = null;
  let presented: string | undefined;
  try {
    await probe(ctx, actor.orgId, row.code);
  } catch (error) {
    errorCode = error instanceof AppError ? error.code : 'delivery_failed';
    if (error instanceof HostKeyRefused) presented = error.presented;
  }
  const now = iso(ctx.clock());
  const target = await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('delivery_targets')
      .set({ status: errorCode ? 'failing' : 'ok', last_error: errorCode, last_checked_at: now })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .execute();
    await appendAudit(
      tx,
      actor,
      {
        action: 'delivery_target.check',
        outcome: errorCode ? 'failed' : 'ok',
        orgId: actor.orgId,
        detail: {
          target_id: row.id,
          target: row.code,
          target_kind: row.kind,
          ...(errorCode ? { error_code: errorCode } : {}),
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return getTarget(tx, { actor, code: row.code });
  });
  const check: TargetCheck = errorCode
    ? { ok: false, error: errorView(errorCode)!, ...(presented ? { presented_host_key: presented } : {}) }
    : { ok: true };
  return { target, check };
}
