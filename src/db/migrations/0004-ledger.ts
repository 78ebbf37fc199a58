import type { Kysely } from 'kysely';

/**
 * The ledger of personal information (個人情報管理台帳, JIS Q 15001:2023): information assets with their
 * items, purposes, storage, access, retention and acquisition; a risk assessment per lifecycle stage; and the
 * history of reviews.
 */
export const ledger = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('ledger_assets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('medium', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('data_subjects', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('record_count', 'integer')
      .addColumn('items', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('other_items', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('purposes', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('storage_location', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('storage_method', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('access_scope', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('period_of_use', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('retention', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('disposal_method', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('sensitive', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sensitive_note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('acquisition_method', 'text')
      .addColumn('acquisition_note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('notice_method', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('consent', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('provision', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('joint_use', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('contractors', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('review_interval_months', 'integer', (c) => c.notNull().defaultTo(12))
      .addColumn('last_reviewed_on', 'text')
      .addColumn('next_review_on', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('retired_on', 'text')
      .addColumn('retire_reason', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addUniqueConstraint('ledger_assets_org_code', ['org_id', 'code'])
      .execute();
    await db.schema.createIndex('ledger_assets_department').on('ledger_assets').columns(['org_id', 'department_id']).execute();
    await db.schema.createIndex('ledger_assets_review').on('ledger_assets').columns(['org_id', 'status', 'next_review_on']).execute();

    await db.schema
      .createTable('ledger_risks')
      .addColumn('asset_id', 'text', (c) => c.notNull().references('ledger_assets.id').onDelete('cascade'))
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('applicable', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('threats', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('countermeasures', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('residual_risk', 'text')
      .addPrimaryKeyConstraint('ledger_risks_pk', ['asset_id', 'stage'])
      .execute();

    await db.schema
      .createTable('ledger_reviews')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('asset_id', 'text', (c) => c.notNull().references('ledger_assets.id').onDelete('cascade'))
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('reviewed_on', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('reviewer_id', 'text')
      .addColumn('reviewer_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ledger_reviews_asset').on('ledger_reviews').columns(['asset_id', 'reviewed_on']).execute();
  },
};
