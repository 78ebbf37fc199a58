import type { Kysely } from 'kysely';

/**
 * Deliveries (issue 14 §5): where released data may be sent (`delivery_targets`: a folder on this machine or the
 * partners' SFTP server, its settings encrypted with the key ring like the systems register's, the shown part
 * beside them) and every file sent (`deliveries`: what it came from, where it went, its size and SHA-256, who or
 * which job sent it, and whether it arrived). See modules/deliveries.
 */
export const deliveries = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('delivery_targets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('settings_enc', 'text', (c) => c.notNull())
      .addColumn('settings_public', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('has_secret', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('unchecked'))
      .addColumn('last_checked_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('delivery_targets_org_code', ['org_id', 'code'])
      .execute();
    await db.schema
      .createTable('deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('origin_kind', 'text', (c) => c.notNull())
      .addColumn('origin_id', 'text', (c) => c.notNull())
      .addColumn('origin_name', 'text', (c) => c.notNull())
      // The target's id and code as they were: a removed target's deliveries stay on record.
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('target_code', 'text', (c) => c.notNull())
      .addColumn('target_kind', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('charset', 'text')
      .addColumn('rows', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('bytes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sha256', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('actor_user_id', 'text', (c) => c.references('users.id'))
      .addColumn('actor_label', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('deliveries_org_origin')
      .on('deliveries')
      .columns(['org_id', 'origin_kind', 'origin_id', 'started_at'])
      .execute();
    await db.schema.createIndex('deliveries_org_target').on('deliveries').columns(['org_id', 'target_id', 'started_at']).execute();
  },
};
