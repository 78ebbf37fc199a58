import type { Kysely } from 'kysely';

/**
 * Discovery (issue 13 §6): each scan of a connected system (`discovery_runs`) and what it proposed, column by
 * column (`discovery_proposals`), with the person's decision. Only names, kinds, confidences and the reasons in
 * words are kept — never a sampled value (a My Number found in a system is never copied into mamori).
 */
export const discovery = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('discovery_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('system_code', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('started_by', 'text', (c) => c.references('users.id'))
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('tables', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('columns', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('proposals', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('my_numbers', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error_code', 'text')
      .execute();
    await db.schema
      .createIndex('discovery_runs_org_system')
      .on('discovery_runs')
      .columns(['org_id', 'system_code', 'started_at'])
      .execute();
    await db.schema
      .createTable('discovery_proposals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().references('discovery_runs.id'))
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('column_name', 'text', (c) => c.notNull())
      .addColumn('table_key', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('item_code', 'text', (c) => c.notNull())
      .addColumn('confidence', 'integer', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('decided_by', 'text', (c) => c.references('users.id'))
      .addColumn('decided_at', 'text')
      .addUniqueConstraint('discovery_proposals_run_column', ['run_id', 'table_name', 'column_name'])
      .execute();
    await db.schema.createIndex('discovery_proposals_org').on('discovery_proposals').columns(['org_id', 'decision']).execute();
  },
};
