import type { Kysely } from 'kysely';

/** The last TOTP time step accepted per user: a code is accepted once (no replay within its window). */
export const totpReplay = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
  },
};
