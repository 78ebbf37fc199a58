import type { Kysely } from 'kysely';

/**
 * An assignee per request (担当者): the staff user who handles it, set and changed on the request page. Empty
 * for the requests before this migration (nobody is assigned until someone is). Indexed with the organization
 * and the state, for the list's "assigned to me" and the home page's counts.
 */
export const requestAssignee = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema.alterTable('subject_requests').addColumn('assignee_id', 'text').execute();
    await db.schema.createIndex('subject_requests_assignee').on('subject_requests').columns(['org_id', 'assignee_id', 'state']).execute();
  },
};
