/**
 * The keyed MAC of an audit entry queued on PostgreSQL. A writer queues its entry with
 * `keyId.HMAC-SHA256(key, JSON([entry_id, ts, org_id, actor_type, actor_id, action, outcome, purpose_code,
 * member_id, error_code, detail]))`; the sequencer checks it before it chains the entry, and `audit verify`
 * checks it again on every sequenced entry that carries one. The key is derived (HKDF-SHA256) from a data key
 * of the key ring, which is kept outside the database: someone who can write to the database but does not hold
 * the keys can neither alter a queued entry nor forge one, and cannot recompute the chain without the MACs
 * failing. The hash chain itself stays unkeyed (its encoding is unchanged, see canonical.ts).
 *
 * The keys are registered once per process by the assembly (`app/context.ts`) from the key ring; a key ring
 * rotation adds a key and the old ones stay to check older entries.
 */
import { createHmac, createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import type { ChainFields } from './canonical.ts';

/** What the MAC covers: the chain's fields but the sequence number (given later), and the entry id. */
export type MacFields = Omit<ChainFields, 'seq'> & { entry_id: string };

const macKeys = new Map<string, KeyObject>();
const derivedKeys = new Map<string, Buffer>();
let writerKeyId: string | undefined;

/**
 * Registers data keys (id, 32 raw bytes) for the audit MAC; `primaryId` signs new entries. Keys of several rings
 * may be registered in one process (tests build several contexts); ids are random, so they do not collide.
 */
export function registerAuditMacKeys(keys: readonly { id: string; key: Buffer }[], primaryId: string): void {
  for (const k of keys) {
    if (macKeys.has(k.id)) continue;
    const derived = Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'mamori audit entry mac v1', 32));
    macKeys.set(k.id, createSecretKey(derived));
    derivedKeys.set(k.id, derived);
  }
  writerKeyId = primaryId;
}

/** The derived MAC keys, for a verification worker thread (which registers them with `registerDerivedAuditMacKeys`). */
export function derivedAuditMacKeys(): { id: string; key: Uint8Array }[] {
  return [...derivedKeys].map(([id, key]) => ({ id, key: new Uint8Array(key) }));
}

/** In a verification worker: the keys its main thread holds (checking only; the worker writes nothing). */
export function registerDerivedAuditMacKeys(keys: readonly { id: string; key: Uint8Array }[]): void {
  for (const k of keys) {
    macKeys.set(k.id, createSecretKey(Buffer.from(k.key)));
    derivedKeys.set(k.id, Buffer.from(k.key));
  }
  if (keys.length > 0) writerKeyId ??= keys[0]!.id;
}

/**
 * Checks a MAC over an encoding given in two parts: `head` (`["<entry_id>"`, which needs no escaping) and the
 * bytes of `,<ts>,…,<detail>]` exactly as JSON.stringify writes them (the verifier's scratch buffer).
 */
export function checkEntryMacParts(head: string, tail: Uint8Array, mac: string): 'ok' | 'bad' | 'unknown_key' {
  const dot = mac.indexOf('.');
  if (dot <= 0) return 'bad';
  const key = macKeys.get(mac.slice(0, dot));
  if (!key) return 'unknown_key';
  return createHmac('sha256', key).update(head).update(tail).digest('base64url') === mac.slice(dot + 1) ? 'ok' : 'bad';
}

/** Whether keys are registered (the queue needs them; verification without them skips the MAC check). */
export function auditMacReady(): boolean {
  return writerKeyId !== undefined;
}

function encoding(e: MacFields): string {
  return JSON.stringify([
    e.entry_id,
    e.ts,
    e.org_id,
    e.actor_type,
    e.actor_id,
    e.action,
    e.outcome,
    e.purpose_code,
    e.member_id,
    e.error_code,
    e.detail,
  ]);
}

/** The MAC a writer stores with a queued entry. */
export function entryMac(e: MacFields): string {
  return macOfEncoding(encoding(e));
}

/**
 * The MAC of an entry whose encoding (`JSON.stringify` of the fields in `encoding`'s order) the caller built
 * itself: bulk appends encode the fields that a batch's entries share once (audit/append.ts `QueueLines`).
 */
export function macOfEncoding(encoded: string): string {
  if (!writerKeyId) throw new Error('audit MAC keys are not registered (app/context.ts registers them from the key ring)');
  return `${writerKeyId}.${createHmac('sha256', macKeys.get(writerKeyId)!).update(encoded).digest('base64url')}`;
}

/** 'ok', 'bad' (altered or forged), or 'unknown_key' (made with a key this process does not hold). */
export function checkEntryMac(e: MacFields, mac: string): 'ok' | 'bad' | 'unknown_key' {
  const dot = mac.indexOf('.');
  if (dot <= 0) return 'bad';
  const key = macKeys.get(mac.slice(0, dot));
  if (!key) return 'unknown_key';
  return createHmac('sha256', key).update(encoding(e)).digest('base64url') === mac.slice(dot + 1) ? 'ok' : 'bad';
}

// Entry ids: 128 random bits, base64url, drawn from the CSPRNG 1,024 at a time (bulk appends queue millions).
let pool = Buffer.alloc(0);
let offset = 0;
export function newEntryId(): string {
  if (offset + 16 > pool.length) {
    pool = randomBytes(16 * 1024);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + 16);
  offset += 16;
  return id;
}
