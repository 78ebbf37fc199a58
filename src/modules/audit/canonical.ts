/**
 * The canonical encoding of an audit entry, and its hash. The hash of entry n is
 * SHA-256(prev_hash ‖ "\n" ‖ JSON array of the entry's columns in a fixed order), hex-encoded; the detail is
 * hashed as the exact text stored. Changing this encoding breaks every existing chain: don't.
 */
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  seq: number;
  ts: string;
  org_id: string | null;
  actor_type: string;
  actor_id: string | null;
  action: string;
  outcome: string;
  purpose_code: string | null;
  member_id: string | null;
  error_code: string | null;
  detail: string;
}

/** An entry's content columns, as encoded after its sequence number (the chain) or its entry id (the MAC). */
export const contentColumns = [
  'ts',
  'org_id',
  'actor_type',
  'actor_id',
  'action',
  'outcome',
  'purpose_code',
  'member_id',
  'error_code',
  'detail',
] as const satisfies readonly (keyof ChainFields)[];

export function canonicalEncoding(e: ChainFields): string {
  return JSON.stringify([
    e.seq,
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

export function entryHash(prevHash: string, e: ChainFields): string {
  // One-shot hashing of the joined text: the same bytes as hashing the three parts, without a Hash object.
  return hash('sha256', `${prevHash}\n${canonicalEncoding(e)}`, 'hex');
}

/** JSON with object keys sorted at every level: the same payload always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
