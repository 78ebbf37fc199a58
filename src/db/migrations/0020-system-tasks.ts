import type { Kysely } from 'kysely';

/**
 * Requests across connected systems (issue 13 §4–§5): each system's part of a request is a durable task — one
 * row per (request, system, action) — planned, approved by the officer, then claimed by one worker under a lease
 * (`FOR UPDATE SKIP LOCKED` on PostgreSQL), applied, recorded and verified. `plan` is the connector's plan (JSON:
 * steps, kept columns, row count; keys, never values of the person's data beyond the planned corrected values,
 * which mamori holds anyway); `result_enc` is what a disclosure found in the system, encrypted with the key ring.
 * See modules/system-tasks.
 */
export const systemTasks = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('system_tasks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('request_id', 'text', (c) => c.notNull().references('subject_requests.id'))
      .addColumn('system_code', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('plan', 'text')
      .addColumn('result_enc', 'text')
      .addColumn('changed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('next_at', 'text')
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('error_code', 'text')
      .addColumn('error_detail', 'text')
      .addColumn('approved_by', 'text')
      .addColumn('approved_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addUniqueConstraint('system_tasks_request_system_action', ['request_id', 'system_code', 'action'])
      .execute();
    // The worker's claim and the watchdog: tasks by state and time.
    await db.schema.createIndex('system_tasks_claim').on('system_tasks').columns(['state', 'next_at']).execute();
    // The attention count and the list of tasks needing a hand, per organization.
    await db.schema.createIndex('system_tasks_org_state').on('system_tasks').columns(['org_id', 'state']).execute();
  },
};
