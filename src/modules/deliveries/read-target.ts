/** The one way a delivery gets at a target's settings: decrypted here, never logged, never returned by the API. */
import { AppError } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { DeliveryTargetTable } from '../../db/schema.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { type DeliverySettings, openDeliverySettings } from './settings.ts';

export interface TargetConnection {
  row: Omit<DeliveryTargetTable, 'settings_enc'>;
  settings: DeliverySettings;
}

export async function readTarget(db: DbOrTx, keys: KeyRing, orgId: string, code: string): Promise<TargetConnection> {
  const row = await db.selectFrom('delivery_targets').selectAll().where('org_id', '=', orgId).where('code', '=', code).executeTakeFirst();
  if (!row) throw new AppError('delivery_target_unknown');
  const { settings_enc, ...rest } = row;
  return { row: rest, settings: openDeliverySettings(keys, settings_enc) };
}
