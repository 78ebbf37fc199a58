/**
 * Key rotation's part in the register (`mamori keys rotate`): every system's settings still encrypted with an
 * older key are encrypted again with the ring's primary key, so that the old key can be retired.
 */
import type { DbOrTx } from '../../db/database.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { reencryptSealedColumn } from '../crypto/sealed.ts';

/** Re-encrypts, in the caller's transaction, the settings not under `ring`'s primary key; returns how many. */
export function reencryptSystemSettings(db: DbOrTx, ring: KeyRing): Promise<number> {
  return reencryptSealedColumn(db, ring, 'connected_systems', 'settings_enc');
}
