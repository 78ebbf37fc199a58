import type { Kysely } from 'kysely';

/**
 * What the privacy officer found when acknowledging an alert (issue 12 §4): a short note kept on the alert and in
 * the acknowledgement's audit entry, so that the acknowledged list says why each alert was closed.
 */
export const alertNotes = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema.alterTable('alerts').addColumn('acknowledged_note', 'text').execute();
  },
};
