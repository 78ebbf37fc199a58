import type { Kysely } from 'kysely';

/**
 * Transfers to joint users (issue 14 §2), each on record beside its audit entry: which joint use, for which
 * purpose, which items, how many people, who was left out and why (counts), the file's charset and SHA-256, who
 * made it and when — so that the office lists what went to the joint users without reading the audit trail. No
 * personal data: codes and counts only.
 */
export const jointUseTransfers = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('joint_use_transfers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('joint_use_code', 'text', (c) => c.notNull())
      .addColumn('purpose_code', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('record_count', 'integer', (c) => c.notNull())
      .addColumn('left_out', 'text', (c) => c.notNull())
      .addColumn('charset', 'text', (c) => c.notNull())
      .addColumn('file_sha256', 'text', (c) => c.notNull())
      .addColumn('made_by', 'text', (c) => c.references('users.id'))
      .addColumn('made_by_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('joint_use_transfers_org_code')
      .on('joint_use_transfers')
      .columns(['org_id', 'joint_use_code', 'created_at'])
      .execute();
  },
};
