/**
 * The release's pseudonym key (仮IDの鍵): 32 random bytes per release, sealed with the key ring like a connected
 * system's settings, opened only to run the engine, never shown, never logged. A member's keyed hash therefore
 * differs from one release to the next (no linking across releases) and cannot be reversed without the key.
 * `mamori keys rotate` re-encrypts the keys still under an older data key.
 */
import type { DbOrTx } from '../../db/database.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { openSealedKey, reencryptSealedColumn } from '../crypto/sealed.ts';

/** The key's bytes (for the engine only). */
export function openKey(keys: KeyRing, sealed: string): Uint8Array {
  return new Uint8Array(openSealedKey(keys, sealed));
}

/** Re-encrypts, in the caller's transaction, the release keys not under `ring`'s primary key; returns how many. */
export function reencryptReleaseKeys(db: DbOrTx, ring: KeyRing): Promise<number> {
  return reencryptSealedColumn(db, ring, 'releases', 'key_enc');
}
