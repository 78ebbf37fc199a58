import type { Kysely } from 'kysely';

/**
 * Anonymized releases (匿名加工情報, issue 14 §3–§4): a release is a saved definition — the spec (source, columns
 * with roles and hierarchies, k, l, suppression, output, schedule) as JSON — with its legal duties on record: when
 * its items were published on the notice, the method of provision and when it was published. The release's
 * pseudonym key (32 random bytes) is sealed with the key ring (`key_enc`, re-encrypted by `mamori keys rotate`).
 * `last_period` is the last scheduled period (YYYY-MM) claimed by the delivery job, so that each is delivered
 * once. `release_versions` keeps every version of the definition (its spec, items and what changed), so that a run's
 * `release_version` names the spec it ran with. `release_runs` keeps every preview and delivery with the engine's
 * report (counts and levels, never a value).
 */
export const releases = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('releases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('purpose_code', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('key_enc', 'text', (c) => c.notNull())
      .addColumn('items_published_at', 'text')
      .addColumn('method_of_provision', 'text')
      .addColumn('method_published_at', 'text')
      .addColumn('last_period', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('releases_org_code', ['org_id', 'code'])
      .execute();
    await db.schema
      .createTable('release_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('release_version', 'integer', (c) => c.notNull())
      .addColumn('report', 'text')
      .addColumn('excluded', 'text')
      .addColumn('error_code', 'text')
      .addColumn('error_detail', 'text')
      .addColumn('target_code', 'text')
      .addColumn('delivery_id', 'text')
      .addColumn('file_name', 'text')
      .addColumn('sha256', 'text')
      .addColumn('rows', 'integer')
      .addColumn('period', 'text')
      .addColumn('started_by', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .execute();
    await db.schema
      .createTable('release_versions')
      .addColumn('release_id', 'text', (c) => c.notNull().references('releases.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('changed', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('release_versions_pk', ['release_id', 'version'])
      .execute();
    await db.schema.createIndex('release_runs_release').on('release_runs').columns(['release_id', 'started_at']).execute();
  },
};
