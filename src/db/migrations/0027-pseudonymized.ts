import type { Kysely } from 'kysely';

/**
 * Pseudonymized data sets (仮名加工情報, issue 14 §6): saved definitions — the purposes a set is bound to, the
 * ledger columns and what becomes of each — with the set's own pseudonym key (32 random bytes) encrypted with the
 * key ring (`key_enc`, re-encrypted by `mamori keys rotate`). No table holds the correspondence of a pseudonym to
 * a member, nor a produced file: a set is produced on demand, streamed to the person who asked.
 */
export const pseudonymized = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('pseudonymized_sets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('purposes', 'text', (c) => c.notNull())
      .addColumn('columns', 'text', (c) => c.notNull())
      .addColumn('key_enc', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addUniqueConstraint('pseudonymized_sets_org_code', ['org_id', 'code'])
      .execute();
  },
};
