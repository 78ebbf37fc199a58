/**
 * The keyed pseudonyms of a data set: HMAC-SHA-256 with the set's own key of 32 random bytes, so that a member's
 * pseudonym is the same in every production of one set (an analysis can follow a person over time) and unrelated
 * across sets (two sets cannot be joined on it). The key is sealed with the key ring exactly as a connected
 * system's settings are (systems/settings.ts), re-encrypted by `mamori keys rotate`, and never leaves the server:
 * without it a pseudonym cannot be recomputed from a member, and no table holds the correspondence.
 */
import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import type { DbOrTx } from '../../db/database.ts';
import { KeyRing } from '../crypto/data-keys.ts';

/** The length of a pseudonym in hex digits (128 bits of the HMAC: collisions are out of reach for any co-op). */
const PSEUDONYM_HEX = 32;

/** A new set's key, sealed for the `key_enc` column. */
export function newSealedKey(keys: KeyRing): string {
  return keys.encrypt(randomBytes(32).toString('base64'));
}

/** The set's key, opened from `key_enc`. */
export function openKey(keys: KeyRing, keyEnc: string): KeyObject {
  const key = Buffer.from(keys.decrypt(keyEnc), 'base64');
  if (key.length !== 32) throw new Error('A pseudonymized data set’s key is not 256 bits');
  return createSecretKey(key);
}

/**
 * The pseudonym of a value in a scope (`member` for the row's own pseudonym, a field code for a replaced column):
 * the scope is part of the message, so the same text in two columns does not give the same pseudonym.
 */
export function pseudonym(key: KeyObject, scope: string, value: string): string {
  return createHmac('sha256', key).update(scope).update('\0').update(value).digest('hex').slice(0, PSEUDONYM_HEX);
}

/** Key rotation's part (`mamori keys rotate`): every set's key not under the ring's primary key, encrypted again. */
export async function reencryptPseudonymKeys(db: DbOrTx, ring: KeyRing): Promise<number> {
  const rows = await db.selectFrom('pseudonymized_sets').select(['id', 'key_enc']).execute();
  let count = 0;
  for (const r of rows) {
    if (KeyRing.keyIdOf(r.key_enc) === ring.primaryId) continue;
    await db
      .updateTable('pseudonymized_sets')
      .set({ key_enc: ring.encrypt(ring.decrypt(r.key_enc)) })
      .where('id', '=', r.id)
      .where('key_enc', '=', r.key_enc)
      .execute();
    count++;
  }
  return count;
}
