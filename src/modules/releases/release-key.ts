/**
 * The release's pseudonym key (仮IDの鍵): 32 random bytes per release, sealed with the key ring like a connected
 * system's settings, opened only to run the engine, never shown, never logged. A member's keyed hash therefore
 * differs from one release to the next (no linking across releases) and cannot be reversed without the key.
 * `mamori keys rotate` re-encrypts the keys still under an older data key.
 */
import { randomBytes } from 'node:crypto';
import type { DbOrTx } from '../../db/database.ts';
import { KeyRing } from '../crypto/data-keys.ts';

/** A new key, sealed for the register. */
export function newSealedKey(keys: KeyRing): string {
  return keys.encrypt(randomBytes(32).toString('base64'));
}

/** The key's bytes (for the engine only). */
export function openKey(keys: KeyRing, sealed: string): Uint8Array {
  return new Uint8Array(Buffer.from(keys.decrypt(sealed), 'base64'));
}

/** Re-encrypts, in the caller's transaction, the release keys not under `ring`'s primary key; returns how many. */
export async function reencryptReleaseKeys(db: DbOrTx, ring: KeyRing): Promise<number> {
  const rows = await db.selectFrom('releases').select(['id', 'key_enc']).execute();
  let count = 0;
  for (const r of rows) {
    if (KeyRing.keyIdOf(r.key_enc) === ring.primaryId) continue;
    await db
      .updateTable('releases')
      .set({ key_enc: ring.encrypt(ring.decrypt(r.key_enc)) })
      .where('id', '=', r.id)
      .where('key_enc', '=', r.key_enc)
      .execute();
    count++;
  }
  return count;
}
