import { type Kysely, sql } from 'kysely';

/**
 * Versioned policies: every organization's policy document as a draft and as published versions with
 * notice and effective dates. The registers the access engine reads are materialised from the version in
 * effect; joint uses and items get the stable codes the documents use.
 */
export const policyVersions = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('policy_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      // Null for the draft; 1, 2, … for published versions.
      .addColumn('number', 'integer')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      // Optimistic versioning of the draft: every save must name the revision it was based on.
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('summary', 'text')
      .addColumn('changes', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('notice_on', 'text')
      .addColumn('effective_on', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addColumn('published_at', 'text')
      .addColumn('published_by', 'text')
      .addColumn('activated_at', 'text')
      .addUniqueConstraint('policy_versions_org_number', ['org_id', 'number'])
      .execute();
    // One draft per organization.
    await db.schema
      .createIndex('policy_versions_one_draft')
      .on('policy_versions')
      .column('org_id')
      .unique()
      .where(sql.ref('status'), '=', 'draft')
      .execute();
    await db.schema.createIndex('policy_versions_org_status').on('policy_versions').columns(['org_id', 'status']).execute();
    await db.schema.alterTable('joint_use_groups').addColumn('code', 'text').execute();
    await db.schema
      .alterTable('data_items')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .execute();
  },
};
