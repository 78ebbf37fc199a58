/**
 * Values sealed with the key ring outside the member ledger: connection settings, delivery targets' secrets,
 * what disclosure tasks found, and the 32-byte keys of keyed pseudonyms (pseudonymized data sets, anonymized
 * releases). One way to make such a key and open it, and one way for `mamori keys rotate` to re-encrypt a column
 * of them, so that every sealed column rotates the same way.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { KeyRing } from './data-keys.ts';

/** A new key of 32 random bytes, sealed for its column. */
export function newSealedKey(keys: KeyRing): string {
  return keys.encrypt(randomBytes(32).toString('base64'));
}

/** A sealed key's 32 bytes; anything else is a damaged column, never a shorter key. */
export function openSealedKey(keys: KeyRing, sealed: string): Buffer {
  const key = Buffer.from(keys.decrypt(sealed), 'base64');
  if (key.length !== 32) throw new Error('A sealed pseudonym key is not 256 bits');
  return key;
}

/**
 * Re-encrypts, in the caller's transaction, the values of `table.column` not under `ring`'s primary key; returns
 * how many. Read in pages by id, so that a column of large values (identity documents of up to 5 MB) is never held
 * whole. A value changed meanwhile by someone else is left to the next rotation (the update names the old value).
 */
export async function reencryptSealedColumn(db: DbOrTx, ring: KeyRing, table: keyof Database, column: string): Promise<number> {
  let count = 0;
  let after = '';
  for (;;) {
    const { rows } = await sql<{ id: string; sealed: string }>`
      select id, ${sql.ref(column)} as sealed from ${sql.table(table)}
       where ${sql.ref(column)} is not null and id > ${after} order by id limit ${PAGE}`.execute(db);
    for (const r of rows) {
      if (KeyRing.keyIdOf(r.sealed) === ring.primaryId) continue;
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${ring.encrypt(ring.decrypt(r.sealed))}
                 where id = ${r.id} and ${sql.ref(column)} = ${r.sealed}`.execute(db);
      count++;
    }
    if (rows.length < PAGE) return count;
    after = rows.at(-1)!.id;
  }
}

/** Rows read at a time when re-encrypting a column. */
const PAGE = 50;
