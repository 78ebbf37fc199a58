import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresUrl, testSchemaName } from '../../test/support/db.ts';
import { openDatabase } from './database.ts';
import { isOtherSchemaGone, latestMigration, migrateToLatest } from './migrate.ts';

describe('a migration beside another schema that is renamed or dropped', () => {
  const gone = (name: string) => Object.assign(new Error(`schema "${name}" does not exist`), { code: '3F000' });

  it('tries again only when the missing schema is another one', () => {
    expect(isOtherSchemaGone(gone('t_other'), 't_mine')).toBe(true);
    expect(isOtherSchemaGone(gone('t_mine'), 't_mine')).toBe(false);
    expect(isOtherSchemaGone(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' }), 't_mine')).toBe(false);
    expect(isOtherSchemaGone(undefined, 't_mine')).toBe(false);
  });

  // PostgreSQL only: the race is in its catalogue (Kysely lists every schema's tables to find its own).
  it.runIf(postgresUrl())('migrates while another client renames and drops schemas of the same database', async () => {
    const url = postgresUrl()!;
    const churn = new pg.Client({ connectionString: url });
    await churn.connect();
    const scratch = testSchemaName();
    let running = true;
    const renaming = (async () => {
      let n = 0;
      while (running) {
        const name = `${scratch}_${n++}`;
        await churn.query(`create schema ${name}; create table ${name}.t (id serial primary key)`);
        await churn.query(`alter schema ${name} rename to ${name}_aside`);
        await churn.query(`drop schema ${name}_aside cascade`);
      }
    })();
    const schema = testSchemaName();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const opened = openDatabase(url, { schema, poolSize: 2 });
    try {
      const result = await migrateToLatest(opened.db, 'postgres', { schema });
      expect(result.error).toBeUndefined();
      const applied = await opened.db
        .withSchema(schema)
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(applied.map((r) => (r as { name: string }).name)).toContain(latestMigration());
    } finally {
      running = false;
      await renaming;
      await churn.end();
      await opened.close();
    }
  });
});
