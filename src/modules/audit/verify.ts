/**
 * `mamori audit verify`: walks the whole chain and reports the first entry that does not hold. An altered
 * row fails its own hash; a deleted row leaves a gap in the sequence and a broken link; an inserted or
 * reordered row breaks the link of the entry after it; a truncated tail no longer matches the chain head.
 */
import type { Db } from '../../db/database.ts';
import type { AuditLogTable } from '../../db/schema.ts';
import { type ChainFields, entryHash, GENESIS_HASH } from './canonical.ts';

export type ChainProblem = 'hash_mismatch' | 'broken_link' | 'sequence_gap' | 'head_mismatch';

export interface VerifyResult {
  ok: boolean;
  entries: number;
  lastSeq: number;
  firstBad?: { seq: number; problem: ChainProblem; message_ja: string; message_en: string };
}

type StoredRow = ChainFields & { prev_hash: string; hash: string };

const messages: Record<ChainProblem, (seq: number) => [string, string]> = {
  hash_mismatch: (s) => [
    `監査記録 #${s} の内容が改ざんされています（ハッシュ不一致）。`,
    `Audit entry #${s} was altered (its hash does not match its content).`,
  ],
  broken_link: (s) => [
    `監査記録 #${s} の直前の記録が削除・挿入・改ざんされています（連鎖不一致）。`,
    `The entry before audit entry #${s} was deleted, inserted or altered (the chain link does not match).`,
  ],
  sequence_gap: (s) => [`監査記録 #${s} の前に欠番があります（記録の削除）。`, `Audit entries before #${s} are missing (deleted).`],
  head_mismatch: (s) => [
    `監査記録 #${s} 以降が削除されているか、末尾が改ざんされています。`,
    `Audit entries after #${s} were deleted, or the chain tail was altered.`,
  ],
};

/** Checks rows pushed in sequence order. Reusable by every source (SQLite, PostgreSQL, workers). */
export class ChainVerifier {
  #expectedSeq: number;
  #prevHash: string;
  entries = 0;
  firstBad: VerifyResult['firstBad'];

  constructor(startSeq = 1, prevHash = GENESIS_HASH) {
    this.#expectedSeq = startSeq;
    this.#prevHash = prevHash;
  }

  get lastSeq(): number {
    return this.#expectedSeq - 1;
  }

  /** Returns false once a problem is found (the caller may stop reading). */
  push(row: StoredRow): boolean {
    if (this.firstBad) return false;
    const seq = Number(row.seq);
    this.entries++;
    if (seq !== this.#expectedSeq) return this.#fail(seq, 'sequence_gap');
    if (row.prev_hash !== this.#prevHash) return this.#fail(seq, 'broken_link');
    if (entryHash(row.prev_hash, { ...row, seq }) !== row.hash) return this.#fail(seq, 'hash_mismatch');
    this.#prevHash = row.hash;
    this.#expectedSeq = seq + 1;
    return true;
  }

  /** Compares the end of the chain with the head row. */
  finish(head: { seq: number; hash: string }): VerifyResult {
    if (!this.firstBad && (Number(head.seq) !== this.lastSeq || head.hash !== this.#prevHash)) {
      this.#fail(this.lastSeq, 'head_mismatch');
    }
    return { ok: !this.firstBad, entries: this.entries, lastSeq: this.lastSeq, ...(this.firstBad ? { firstBad: this.firstBad } : {}) };
  }

  #fail(seq: number, problem: ChainProblem): false {
    const [ja, en] = messages[problem](seq);
    this.firstBad = { seq, problem, message_ja: ja, message_en: en };
    return false;
  }
}

const columns = [
  'seq',
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
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof AuditLogTable)[];

/** Verifies the whole chain through Kysely in keyset-paginated batches (both dialects). */
export async function verifyAuditChain(
  db: Db,
  options: { batchSize?: number; onProgress?: (seq: number) => void } = {},
): Promise<VerifyResult> {
  const batchSize = options.batchSize ?? 20_000;
  const verifier = new ChainVerifier();
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_log').select(columns).where('seq', '>', after).orderBy('seq').limit(batchSize).execute();
    for (const row of rows) if (!verifier.push(row as StoredRow)) break;
    if (verifier.firstBad || rows.length < batchSize) break;
    after = Number(rows[rows.length - 1]!.seq);
    options.onProgress?.(after);
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return verifier.finish(head);
}
