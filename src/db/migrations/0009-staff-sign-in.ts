import type { Kysely } from 'kysely';

/**
 * Staff sign-in hardening: a TOTP secret being re-bound waits in `totp_pending_enc` (the old one stays in force
 * until the new one is activated with a valid code), and failed sign-ins under a login that is not a staff user
 * are counted in `staff_sign_in_throttle`, so that such a login locks like a real one and the lockout never
 * tells whether a login exists.
 */
export const staffSignIn = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('totp_pending_enc', 'text').execute();

    await db.schema
      .createTable('staff_sign_in_throttle')
      .addColumn('key_hash', 'text', (c) => c.primaryKey())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
