/**
 * The keyed pseudonyms of a data set: HMAC-SHA-256 with the set's own key of 32 random bytes, so that a member's
 * pseudonym is the same in every production of one set (an analysis can follow a person over time) and unrelated
 * across sets (two sets cannot be joined on it). The key is sealed with the key ring exactly as a connected
 * system's settings are (systems/settings.ts), re-encrypted by `mamori keys rotate`, and never leaves the server:
 * without it a pseudonym cannot be recomputed from a member, and no table holds the correspondence.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { DbOrTx } from '../../db/database.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { openSealedKey, reencryptSealedColumn } from '../crypto/sealed.ts';

/** The length of a pseudonym in hex digits (128 bits of the HMAC: collisions are out of reach for any co-op). */
const PSEUDONYM_HEX = 32;

/** The set's key, opened from `key_enc`. */
export function openKey(keys: KeyRing, keyEnc: string): KeyObject {
  return createSecretKey(openSealedKey(keys, keyEnc));
}

/**
 * The pseudonym of a value in a scope (`member` for the row's own pseudonym, a field code for a replaced column):
 * the scope is part of the message, so the same text in two columns does not give the same pseudonym.
 */
export function pseudonym(key: KeyObject, scope: string, value: string): string {
  return createHmac('sha256', key).update(scope).update('\0').update(value).digest('hex').slice(0, PSEUDONYM_HEX);
}

/** Key rotation's part (`mamori keys rotate`): every set's key not under the ring's primary key, encrypted again. */
export function reencryptPseudonymKeys(db: DbOrTx, ring: KeyRing): Promise<number> {
  return reencryptSealedColumn(db, ring, 'pseudonymized_sets', 'key_enc');
}
