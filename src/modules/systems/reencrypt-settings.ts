/**
 * Key rotation's part in the register (`mamori keys rotate`): every system's settings still encrypted with an
 * older key are encrypted again with the ring's primary key, so that the old key can be retired.
 */
import type { DbOrTx } from '../../db/database.ts';
import { KeyRing } from '../crypto/data-keys.ts';

/** Re-encrypts, in the caller's transaction, the settings not under `ring`'s primary key; returns how many. */
export async function reencryptSystemSettings(db: DbOrTx, ring: KeyRing): Promise<number> {
  const rows = await db.selectFrom('connected_systems').select(['id', 'settings_enc']).execute();
  let count = 0;
  for (const r of rows) {
    if (KeyRing.keyIdOf(r.settings_enc) === ring.primaryId) continue;
    await db
      .updateTable('connected_systems')
      .set({ settings_enc: ring.encrypt(ring.decrypt(r.settings_enc)) })
      .where('id', '=', r.id)
      .where('settings_enc', '=', r.settings_enc)
      .execute();
    count++;
  }
  return count;
}
