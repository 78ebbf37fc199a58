import type { Kysely } from 'kysely';

/**
 * The systems register (issue 13): how mamori connects to each connected system of an organization, under the
 * code its dataset map uses in the policy (`systems[].code`). The connection settings (address, account, secret)
 * are one JSON value encrypted with the key ring (`settings_enc`, re-encrypted by `mamori keys rotate`); what may
 * be shown (kind, host, port, file, folder — never a password) is kept beside it in `settings_public`.
 */
export const connectedSystems = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('connected_systems')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('settings_enc', 'text', (c) => c.notNull())
      .addColumn('settings_public', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('has_secret', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('unchecked'))
      .addColumn('last_checked_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('connected_systems_org_code', ['org_id', 'code'])
      .execute();
  },
};
