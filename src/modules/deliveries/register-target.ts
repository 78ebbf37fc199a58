/**
 * Registering a delivery target (提供先サーバー): where released data may be sent and to whom. The settings are
 * checked for the kind (a folder inside MAMORI_DELIVERY_DIRS; an SFTP server with its host-key fingerprint) and
 * stored encrypted with the key ring, the secret (private key or password) among them; the row and its audit
 * entry (never the secret, only whether one was given) commit together.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { iso } from '../../db/time.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { appendAudit } from '../audit/append.ts';
import { getTarget } from './list-targets.ts';
import { assertMay } from './permissions.ts';
import type { TargetView } from './presenter.ts';
import type { RegisterTargetInput } from './schemas.ts';
import { normaliseDeliverySettings, sealDeliverySettings } from './settings.ts';

export async function registerTarget(
  ctx: AppContext,
  opts: { actor: StaffActor; input: RegisterTargetInput; via?: string },
): Promise<TargetView> {
  assertMay(opts.actor, 'manage');
  const { input, actor } = opts;
  const settings = normaliseDeliverySettings(input.kind, input.settings);
  if (input.kind === 'sftp' && input.secret === undefined)
    throw new AppError('delivery_settings_invalid', [
      {
        field: 'secret',
        code: 'required',
        message_ja: '秘密鍵またはパスワードを入力してください。',
        message_en: 'Enter the private key or password.',
      },
    ]);
  if (input.kind === 'folder' && input.secret !== undefined)
    throw new AppError('delivery_settings_invalid', [
      {
        field: 'secret',
        code: 'not_for_kind',
        message_ja: 'フォルダの提供先には指定しません。',
        message_en: 'A folder target takes no secret.',
      },
    ]);
  const now = iso(ctx.clock());
  return ctx.db.transaction().execute(async (tx) => {
    const taken = await tx
      .selectFrom('delivery_targets')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('code', '=', input.code)
      .executeTakeFirst();
    if (taken) throw new AppError('delivery_target_exists');
    const id = randomUUID();
    try {
      await tx
        .insertInto('delivery_targets')
        .values({
          id,
          org_id: actor.orgId,
          code: input.code,
          name: input.name,
          kind: input.kind,
          recipient: input.recipient,
          ...sealDeliverySettings(ctx.keys, settings, input.secret),
          status: 'unchecked',
          last_checked_at: null,
          last_error: null,
          version: 1,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('delivery_target_exists');
      throw error;
    }
    await appendAudit(
      tx,
      actor,
      {
        action: 'delivery_target.register',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          target_id: id,
          target: input.code,
          target_kind: input.kind,
          version: 1,
          secret: input.secret === undefined ? 'none' : 'set',
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return getTarget(tx, { actor, code: input.code });
  });
}
