/**
 * Reads the schema of a SQLite database file and a sample of each column's values, read-only, for discovery
 * (detect.ts). The file is opened with `readonly` and `fileMustExist`: discovery never writes to a connected
 * system. The sample stays in memory for the proposals and is dropped with them.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { ColumnSample } from './detect.ts';

/** Values read per column: enough for a share to mean something, few enough for wide tables. */
export const SAMPLE_SIZE = 200;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function sampleSqliteFile(file: string, sampleSize = SAMPLE_SIZE): ColumnSample[] {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
      .pluck()
      .all() as string[];
    const out: ColumnSample[] = [];
    for (const table of tables) {
      const columns = db.prepare(`select name, type from pragma_table_info(?) order by cid`).all(table) as { name: string; type: string }[];
      for (const c of columns) {
        const values = db
          .prepare(`select ${quote(c.name)} from ${quote(table)} where ${quote(c.name)} is not null limit ?`)
          .pluck()
          .all(sampleSize);
        out.push({ table, column: c.name, type: c.type, values });
      }
    }
    return out;
  } finally {
    db.close();
  }
}
