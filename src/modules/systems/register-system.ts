/**
 * Registering a connected system: how mamori reaches it, under the code its dataset map uses. The settings are
 * stored encrypted with the key ring (a password inside a URL becomes the secret), the shown part beside them;
 * the row and its audit entry (never the secret) commit together.
 */
import { randomUUID } from 'node:crypto';
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { iso } from '../../db/time.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { appendAudit } from '../audit/append.ts';
import { getSystem } from './list-systems.ts';
import { assertMayManage } from './permissions.ts';
import type { SystemView } from './presenter.ts';
import type { RegisterSystemInput } from './schemas.ts';
import { normaliseSettings, sealSettings } from './settings.ts';

/** A unique-constraint failure from either dialect (two registrations of one code at once). */
export async function registerSystem(
  ctx: AppContext,
  opts: { actor: StaffActor; input: RegisterSystemInput; via?: string },
): Promise<SystemView> {
  assertMayManage(opts.actor);
  const { input, actor } = opts;
  const { settings, urlPassword } = normaliseSettings(input.kind, input.settings);
  const secret = input.secret ?? urlPassword;
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (tx) => {
    const taken = await tx
      .selectFrom('connected_systems')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('code', '=', input.code)
      .executeTakeFirst();
    if (taken) throw new AppError('system_exists');
    const id = randomUUID();
    try {
      await tx
        .insertInto('connected_systems')
        .values({
          id,
          org_id: actor.orgId,
          code: input.code,
          name: input.name,
          kind: input.kind,
          ...sealSettings(ctx.keys, settings, secret),
          status: 'unchecked',
          last_checked_at: null,
          last_error: null,
          version: 1,
          created_at: iso(now),
          updated_at: iso(now),
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('system_exists');
      throw error;
    }
    await appendAudit(
      tx,
      actor,
      {
        action: 'system.register',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: {
          system_id: id,
          code: input.code,
          system_kind: input.kind,
          version: 1,
          secret: secret === undefined ? 'none' : 'set',
          ...(opts.via ? { via: opts.via } : {}),
        },
      },
      ctx.clock,
    );
    return getSystem(tx, { actor, code: input.code });
  });
}
