/**
 * Reads the schema of a connected PostgreSQL database (one schema, `public` by default) and a sample of each
 * column's values for discovery (detect.ts), in a READ ONLY transaction: discovery never writes to a connected
 * system. Values are read as text (dates as `YYYY-MM-DD`), at most `sampleSize` non-null ones per column.
 */
import pg from 'pg';
import type { ColumnSample } from './detect.ts';
import { SAMPLE_SIZE } from './sqlite-sample.ts';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function samplePostgres(url: string, opts: { schema?: string; sampleSize?: number } = {}): Promise<ColumnSample[]> {
  const schema = opts.schema ?? 'public';
  const size = opts.sampleSize ?? SAMPLE_SIZE;
  const client = new pg.Client({ connectionString: url, statement_timeout: 30_000 });
  await client.connect();
  try {
    await client.query('begin transaction read only');
    const { rows: columns } = await client.query<{ table_name: string; column_name: string; data_type: string }>(
      `select c.table_name, c.column_name, c.data_type from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
       where c.table_schema = $1 and t.table_type = 'BASE TABLE' order by c.table_name, c.ordinal_position`,
      [schema],
    );
    const out: ColumnSample[] = [];
    for (const c of columns) {
      const col = quote(c.column_name);
      const { rows } = await client.query<{ v: string }>(
        `select ${col}::text as v from ${quote(schema)}.${quote(c.table_name)} where ${col} is not null limit $1`,
        [size],
      );
      out.push({ table: c.table_name, column: c.column_name, type: c.data_type, values: rows.map((r) => r.v) });
    }
    await client.query('commit');
    return out;
  } finally {
    await client.end();
  }
}
