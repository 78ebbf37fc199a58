/**
 * Encryption at rest for the few fields that warrant it (registered bank account, TOTP secrets):
 * AES-256-GCM with a key ring. Each ciphertext names its key, so keys can be rotated: a new key becomes
 * primary for new writes, `mamori keys rotate` re-encrypts old values, and retired keys are kept until
 * nothing uses them.
 *
 * The ring lives in a JSON file outside the database (`MAMORI_KEY_FILE`, default `./data/keys.json`,
 * mode 0600) or in `MAMORI_DATA_KEYS` (the same JSON) for deployments that inject secrets.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../base/errors.ts';

const ringSchema = z.object({
  primary: z.string().min(1),
  keys: z.array(z.object({ id: z.string().regex(/^[A-Za-z0-9_-]+$/), key: z.string(), created_at: z.string() })).min(1),
});
export type KeyRingFile = z.infer<typeof ringSchema>;

const PREFIX = 'v1';

export class KeyRing {
  // KeyObjects, not Buffers: createCipheriv would otherwise build a key object on every call (~3× slower).
  readonly #keys = new Map<string, KeyObject>();
  readonly primaryId: string;
  readonly file: KeyRingFile;

  constructor(file: KeyRingFile) {
    const parsed = ringSchema.parse(file);
    for (const k of parsed.keys) {
      const key = Buffer.from(k.key, 'base64');
      if (key.length !== 32) throw new Error(`Key ${k.id} is not 256 bits`);
      this.#keys.set(k.id, createSecretKey(key));
    }
    if (!this.#keys.has(parsed.primary)) throw new Error(`Primary key ${parsed.primary} is not in the ring`);
    this.primaryId = parsed.primary;
    this.file = parsed;
  }

  static generate(): KeyRing {
    const id = newKeyId();
    return new KeyRing({ primary: id, keys: [{ id, key: randomBytes(32).toString('base64'), created_at: new Date().toISOString() }] });
  }

  /** A ring with a new primary key; the old keys stay for decryption. */
  rotated(): KeyRing {
    const id = newKeyId();
    return new KeyRing({
      primary: id,
      keys: [...this.file.keys, { id, key: randomBytes(32).toString('base64'), created_at: new Date().toISOString() }],
    });
  }

  // IVs are 96 random bits each, as before, drawn from the CSPRNG 1,024 at a time: one randomBytes call per
  // IV cost more than the encryption itself on bulk paths (import, key rotation).
  #ivPool = Buffer.alloc(0);
  #ivOffset = 0;

  #nextIv(): Buffer {
    if (this.#ivOffset + 12 > this.#ivPool.length) {
      this.#ivPool = randomBytes(12 * 1024);
      this.#ivOffset = 0;
    }
    const iv = this.#ivPool.subarray(this.#ivOffset, this.#ivOffset + 12);
    this.#ivOffset += 12;
    return iv;
  }

  encrypt(plaintext: string): string {
    const iv = this.#nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.#key(this.primaryId), iv);
    // GCM is a stream mode: `update` returns the whole ciphertext and `final` (which computes the tag) nothing,
    // so there is nothing to concatenate (a fifth less time per value on bulk paths).
    const ct = cipher.update(plaintext, 'utf8');
    cipher.final();
    return `${PREFIX}.${this.primaryId}.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${ct.toString('base64url')}`;
  }

  decrypt(value: string): string {
    const [prefix, keyId, iv, tag, ct] = value.split('.');
    if (prefix !== PREFIX || !keyId || !iv || !tag || ct === undefined) throw new Error('Not a mamori ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.#key(keyId), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The key id a ciphertext was made with. */
  static keyIdOf(value: string): string | undefined {
    return value.split('.')[1];
  }

  #key(id: string): KeyObject {
    const key = this.#keys.get(id);
    if (!key) throw new AppError('encryption_key_missing', undefined, `Key ${id} is not in the key ring`);
    return key;
  }
}

function newKeyId(): string {
  return `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}${randomBytes(3).toString('hex')}`;
}

/** Loads the ring from the environment or the file, creating the file with a fresh key on first start. */
export function loadKeyRing(keyFile: string, env: NodeJS.ProcessEnv = process.env): KeyRing {
  if (env.MAMORI_DATA_KEYS) return new KeyRing(JSON.parse(env.MAMORI_DATA_KEYS));
  if (existsSync(keyFile)) return new KeyRing(JSON.parse(readFileSync(keyFile, 'utf8')));
  const ring = KeyRing.generate();
  saveKeyRing(keyFile, ring);
  return ring;
}

/** Writes the ring atomically (temp file + rename) with owner-only permissions. */
export function saveKeyRing(keyFile: string, ring: KeyRing): void {
  mkdirSync(dirname(keyFile), { recursive: true });
  const tmp = `${keyFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(ring.file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, keyFile);
}

/** Every context carries this service (`base/context.ts` knows no module; the module adds its own). */
declare module '../../base/context.ts' {
  interface AppContext {
    /** The data-key ring: AES-256-GCM keys for the encrypted member fields, with rotation. */
    keys: KeyRing;
  }
}
