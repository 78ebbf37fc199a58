/**
 * The release's keyed hash of the member id (HMAC-SHA-256 with a key drawn for the release): the same member gets
 * the same pseudonym within a release, an unrelated one in another release (another key), and without the key
 * nobody can compute it from an id or link two releases.
 *
 * Why SHA-256 is written out here rather than taken from node:crypto: a release hashes a million ids, and
 * `createHmac` per id costs ~1.6 µs, most of it object set-up and the two key-pad blocks it hashes again every
 * time. Here the key's two pad blocks are hashed once (HMAC's inner and outer midstates) and each id costs two
 * compression rounds, about three times faster. The result is the standard HMAC-SHA-256 (RFC 2104, FIPS 180-4):
 * pseudonym.test.ts checks it against node:crypto on thousands of ids, keys and lengths.
 */
import { createHash } from 'node:crypto';
import { AnonymizeError } from './errors.ts';
import type { Cell } from './types.ts';

/** Hex characters kept of the HMAC: 32 = 128 bits, enough that two members never collide in practice. */
export const PSEUDONYM_HEX_LENGTH = 32;
/** The shortest key accepted (bytes). */
export const PSEUDONYM_MIN_KEY_BYTES = 16;

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const W = new Int32Array(64);

/** One SHA-256 compression of the 64 bytes at `block[offset…]` into `state`. */
function compress(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const i = offset + t * 4;
    W[t] = (block[i]! << 24) | (block[i + 1]! << 16) | (block[i + 2]! << 8) | block[i + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();

/**
 * HMAC-SHA-256 under one key, with the key's inner and outer pad blocks hashed once. `hex(message)` returns the
 * first `hexLength` hex characters of the MAC.
 */
export function hmacSha256(key: Uint8Array): (message: string, hexLength?: number) => string {
  const k = key.length > 64 ? new Uint8Array(createHash('sha256').update(key).digest()) : key;
  const pad = new Uint8Array(64);
  const inner = Int32Array.from(H0);
  const outer = Int32Array.from(H0);
  for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ 0x36;
  compress(inner, pad, 0);
  for (let i = 0; i < 64; i++) pad[i] = (k[i] ?? 0) ^ 0x5c;
  compress(outer, pad, 0);

  let buffer = new Uint8Array(256);
  const state = new Int32Array(8);
  const last = new Uint8Array(64);
  return (message, hexLength = 64) => {
    // The message, UTF-8, then SHA-256 padding (0x80, zeros, the bit length counting the 64-byte pad block).
    if (buffer.length < message.length * 3 + 72) buffer = new Uint8Array(message.length * 3 + 72);
    const length = encoder.encodeInto(message, buffer).written;
    const padded = Math.ceil((length + 9) / 64) * 64;
    buffer.fill(0, length, padded);
    buffer[length] = 0x80;
    const bits = (length + 64) * 8;
    buffer[padded - 4] = bits >>> 24;
    buffer[padded - 3] = bits >>> 16;
    buffer[padded - 2] = bits >>> 8;
    buffer[padded - 1] = bits;
    buffer[padded - 5] = Math.floor(bits / 2 ** 32);
    state.set(inner);
    for (let at = 0; at < padded; at += 64) compress(state, buffer, at);
    // Outer hash: the 32-byte inner digest and its padding, one block.
    for (let i = 0; i < 8; i++) {
      const w = state[i]!;
      last[i * 4] = w >>> 24;
      last[i * 4 + 1] = w >>> 16;
      last[i * 4 + 2] = w >>> 8;
      last[i * 4 + 3] = w;
    }
    last.fill(0, 32, 64);
    last[32] = 0x80;
    last[62] = 0x03; // (64 + 32) × 8 = 768 bits
    last[63] = 0x00;
    state.set(outer);
    compress(state, last, 0);
    let hex = '';
    for (let i = 0; i < 8 && hex.length < hexLength; i++) {
      const w = state[i]!;
      hex += HEX[(w >>> 24) & 255]! + HEX[(w >>> 16) & 255]! + HEX[(w >>> 8) & 255]! + HEX[w & 255]!;
    }
    return hex.length > hexLength ? hex.slice(0, hexLength) : hex;
  };
}

/** Returns the keyed-hash function of one release. Missing values stay missing. */
export function pseudonymizer(key: Uint8Array | undefined, column: string): (value: Cell) => string | null {
  if (!key || key.length < PSEUDONYM_MIN_KEY_BYTES)
    throw new AnonymizeError('spec_invalid', `column "${column}": a pseudonym needs a key of at least ${PSEUDONYM_MIN_KEY_BYTES} bytes`);
  const mac = hmacSha256(key);
  return (value) => (value === null ? null : mac(String(value), PSEUDONYM_HEX_LENGTH));
}
