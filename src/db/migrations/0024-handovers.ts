import type { Kysely } from 'kysely';

/**
 * Joint use and contractors (issue 14 §2): the inspections of contractors recorded in mamori (委託先の監督), which
 * supersede the register's `inspection.last_on`, and the log of hand-overs to contractors against their contract
 * (what, how many, when, by whom, how it was sent). Contractors are named by their code in the policy's register;
 * a contractor the policy drops keeps its history. No personal data: item codes and counts only.
 */
export const handovers = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('contractor_inspections')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('contractor_code', 'text', (c) => c.notNull())
      .addColumn('inspected_on', 'text', (c) => c.notNull())
      .addColumn('inspector', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('findings', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('next_due_on', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('contractor_inspections_org_code')
      .on('contractor_inspections')
      .columns(['org_id', 'contractor_code', 'inspected_on'])
      .execute();
    await db.schema
      .createTable('contractor_handovers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('contractor_code', 'text', (c) => c.notNull())
      .addColumn('handed_over_on', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('record_count', 'integer', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('purpose_code', 'text')
      .addColumn('file_sha256', 'text')
      .addColumn('recorded_by', 'text', (c) => c.references('users.id'))
      .addColumn('recorded_by_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('contractor_handovers_org_code')
      .on('contractor_handovers')
      .columns(['org_id', 'contractor_code', 'handed_over_on'])
      .execute();
  },
};
