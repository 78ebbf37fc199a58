/**
 * What a database holds, read from its own catalogue (not from a fixed list): the tables, the encrypted
 * columns (named `…_enc`) and the data keys their values were made with. Backup records the key ids; restore
 * checks that the key ring has every one of them and that each actually decrypts.
 */
import { sql } from 'kysely';
import type { Db, DialectName } from '../../db/database.ts';
import type { KeyRing } from '../crypto/data-keys.ts';

/** The tables of mamori's schema (SQLite: the file; PostgreSQL: the current schema), in name order. */
export async function listTables(db: Db, dialect: DialectName): Promise<string[]> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(
          db,
        )
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
  return rows.map((r) => r.name);
}

/** Every column that holds ciphertexts of the key ring (`…_enc`), as [table, column]. */
export async function encryptedColumns(db: Db, dialect: DialectName): Promise<[string, string][]> {
  if (dialect === 'postgres') {
    const { rows } = await sql<{ t: string; c: string }>`select table_name as t, column_name as c from information_schema.columns
      where table_schema = current_schema() and column_name like '%\\_enc' order by table_name, column_name`.execute(db);
    return rows.map((r) => [r.t, r.c]);
  }
  const out: [string, string][] = [];
  for (const table of await listTables(db, dialect)) {
    const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
    for (const r of rows) if (r.name.endsWith('_enc')) out.push([table, r.name]);
  }
  return out;
}

/** One stored ciphertext per key id (a sample to try decrypting), over every encrypted column. */
async function samplesByKey(db: Db, dialect: DialectName): Promise<Map<string, string>> {
  const samples = new Map<string, string>();
  for (const [table, column] of await encryptedColumns(db, dialect)) {
    const keyId =
      dialect === 'postgres'
        ? sql`split_part(${sql.ref(column)}, '.', 2)`
        : sql`substr(${sql.ref(column)}, 4, instr(substr(${sql.ref(column)}, 4), '.') - 1)`;
    const { rows } = await sql<{ key_id: string; sample: string }>`select ${keyId} as key_id, min(${sql.ref(column)}) as sample
      from ${sql.table(table)} where ${sql.ref(column)} is not null group by 1`.execute(db);
    for (const r of rows) if (!samples.has(r.key_id)) samples.set(r.key_id, r.sample);
  }
  return samples;
}

/** The ids of the data keys the stored ciphertexts were made with. */
export async function keyIdsInUse(db: Db, dialect: DialectName): Promise<string[]> {
  return [...(await samplesByKey(db, dialect)).keys()].sort();
}

export interface KeyCheck {
  /** Key ids the data needs. */
  used: string[];
  /** Needed but not in the ring (or no ring at all). */
  missing: string[];
  /** In the ring under that id, but a value made with it does not decrypt (a different key of the same name). */
  wrong: string[];
}

/** Whether `keys` can decrypt what the database holds: one value per key id is decrypted. */
export async function checkKeys(db: Db, dialect: DialectName, keys: KeyRing | null): Promise<KeyCheck> {
  const samples = await samplesByKey(db, dialect);
  const present = new Set(keys?.file.keys.map((k) => k.id) ?? []);
  const check: KeyCheck = { used: [...samples.keys()].sort(), missing: [], wrong: [] };
  for (const id of check.used) {
    if (!present.has(id)) check.missing.push(id);
    else {
      try {
        keys!.decrypt(samples.get(id)!);
      } catch {
        check.wrong.push(id);
      }
    }
  }
  return check;
}
