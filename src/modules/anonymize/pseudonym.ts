/**
 * The release's keyed hash of the member id (HMAC-SHA-256 with a key drawn for the release): the same member gets
 * the same pseudonym within a release, an unrelated one in another release (another key), and without the key
 * nobody can compute it from an id or link two releases.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { AnonymizeError } from './errors.ts';
import type { Cell } from './types.ts';

/** Hex characters kept of the HMAC: 32 = 128 bits, enough that two members never collide in practice. */
export const PSEUDONYM_HEX_LENGTH = 32;
/** The shortest key accepted (bytes). */
export const PSEUDONYM_MIN_KEY_BYTES = 16;

/** Returns the keyed-hash function of one release. Missing values stay missing. */
export function pseudonymizer(key: Uint8Array | undefined, column: string): (value: Cell) => string | null {
  if (!key || key.length < PSEUDONYM_MIN_KEY_BYTES)
    throw new AnonymizeError('spec_invalid', `column "${column}": a pseudonym needs a key of at least ${PSEUDONYM_MIN_KEY_BYTES} bytes`);
  // A KeyObject: several times faster per call than handing HMAC the raw key each time.
  const k = createSecretKey(Buffer.from(key));
  return (value) => (value === null ? null : createHmac('sha256', k).update(String(value)).digest('hex').slice(0, PSEUDONYM_HEX_LENGTH));
}
