/**
 * Key rotation's part in the delivery targets (`mamori keys rotate`): every target's settings still encrypted
 * with an older key are encrypted again with the ring's primary key, so that the old key can be retired.
 */
import type { DbOrTx } from '../../db/database.ts';
import { KeyRing } from '../crypto/data-keys.ts';

/** Re-encrypts, in the caller's transaction, the settings not under `ring`'s primary key; returns how many. */
export async function reencryptTargetSettings(db: DbOrTx, ring: KeyRing): Promise<number> {
  const rows = await db.selectFrom('delivery_targets').select(['id', 'settings_enc']).execute();
  let count = 0;
  for (const r of rows) {
    if (KeyRing.keyIdOf(r.settings_enc) === ring.primaryId) continue;
    await db
      .updateTable('delivery_targets')
      .set({ settings_enc: ring.encrypt(ring.decrypt(r.settings_enc)) })
      .where('id', '=', r.id)
      .where('settings_enc', '=', r.settings_enc)
      .execute();
    count++;
  }
  return count;
}
