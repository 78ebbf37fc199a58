/**
 * What the demo needs for anonymized releases (issue 14): a delivery target — a folder standing in for the
 * partners' shared server — beside the demo's connected systems, so that a release over members × the demo
 * ordering system can be defined (the releases screen starts from the template spec), previewed, published and
 * delivered out of the box. The folder is `<data dir>/deliveries/partners`, inside the folders a target may use.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { registerTarget } from '../deliveries/register-target.ts';
import { findStaffActor } from '../members/actor.ts';

export const DEMO_TARGET = 'partners';

/** Registers the demo's folder target next to the systems' folder; nothing when that folder may not be used. */
export async function seedDemoDeliveryTarget(ctx: AppContext, systemsDir: string): Promise<void> {
  const directory = resolve(dirname(systemsDir), 'deliveries', DEMO_TARGET);
  mkdirSync(directory, { recursive: true });
  try {
    await registerTarget(ctx, {
      actor: await findStaffActor(ctx.db, 'officer'),
      input: { code: DEMO_TARGET, name: '取引先共有フォルダ（デモ）', kind: 'folder', recipient: '一部の取引先', settings: { directory } },
      via: 'demo',
    });
  } catch (error) {
    // A data folder outside MAMORI_DELIVERY_DIRS: the demo goes without a target rather than failing to start.
    if (!(error instanceof AppError && error.code === 'delivery_dir_not_allowed')) throw error;
  }
}
