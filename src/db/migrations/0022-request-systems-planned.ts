import type { Kysely } from 'kysely';

/**
 * When a request was last planned across the connected systems (system-tasks/plan-request.ts). A system that
 * holds nothing for the person gets no task, so "no task" alone cannot tell "planned: nothing to do" from "never
 * planned"; a request whose kind reaches the systems is not answered while this is empty and the policy in
 * effect maps systems. Empty for the requests before this migration: they are planned when next needed.
 */
export const requestSystemsPlanned = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema.alterTable('subject_requests').addColumn('systems_planned_at', 'text').execute();
  },
};
