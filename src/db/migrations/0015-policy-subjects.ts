import type { Kysely } from 'kysely';

/**
 * Registers from issue 12 §2 the access engine enforces:
 * - `purposes.for_members`: whether a purpose concerns people kept in the member ledger (its data subjects
 *   include a ledger group, or it names none); a purpose for staff or business partners only never opens a
 *   member's record, and the member page does not list it;
 * - `joint_use_purpose_items`: narrower item lists per purpose inside a joint use (a partner may use the bank
 *   account for one purpose only).
 */
export const policySubjects = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('purposes')
      .addColumn('for_members', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .createTable('joint_use_purpose_items')
      .addColumn('group_id', 'text', (c) => c.notNull().references('joint_use_groups.id').onDelete('cascade'))
      .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
      .addColumn('item_id', 'text', (c) => c.notNull().references('data_items.id'))
      .addPrimaryKeyConstraint('joint_use_purpose_items_pk', ['group_id', 'purpose_id', 'item_id'])
      .execute();
  },
};
