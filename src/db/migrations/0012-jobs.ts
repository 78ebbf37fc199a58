import type { Kysely } from 'kysely';

/**
 * Scheduled jobs leased across instances (issue 11): one row per run of a job, unique by (job, due time) so
 * that every instance may make sure the next run exists and only one row results. A run is claimed by
 * setting its lease (owner and expiry) in one statement (`FOR UPDATE SKIP LOCKED` on PostgreSQL); a lease
 * that expires (a crashed instance) lets another instance take the run again. See modules/jobs.
 */
export const jobs = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('job_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('job', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      // When the run may next be claimed: its due time, then each retry's back-off.
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('result', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('job_runs_job_due', ['job', 'due_at'])
      .execute();
    // The runner's claim: runs waiting or failed whose time has come, and running ones whose lease expired.
    await db.schema.createIndex('job_runs_claim').on('job_runs').columns(['state', 'next_attempt_at']).execute();
    // The admin list, newest first.
    await db.schema.createIndex('job_runs_due').on('job_runs').columns(['due_at']).execute();
  },
};
