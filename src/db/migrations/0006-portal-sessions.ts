import type { Kysely } from 'kysely';

/**
 * The member page's sign-in: whose page a session has open (a guardian acting for a ward), and the failure
 * counter for sign-ins under a member code that has no password account, so that such a code locks exactly
 * like a real account does and the lockout never tells whether a member code exists.
 */
export const portalSessions = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('member_sessions')
      .addColumn('subject_member_id', 'text', (c) => c.references('members.id'))
      .execute();

    await db.schema
      .createTable('member_sign_in_throttle')
      .addColumn('key_hash', 'text', (c) => c.primaryKey())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
