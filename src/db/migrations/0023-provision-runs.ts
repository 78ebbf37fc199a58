import type { Kysely } from 'kysely';

/**
 * Third-party provision as an operation (issue 14 §1, modules/provision):
 * - `provision_runs`: one export to a recipient of the third-party register over a chosen population, from its
 *   preview to its confirmation, with the counts of people left out by reason (never their names);
 * - `provision_run_members`: who was included in a confirmed run (the file is made from these rows);
 * - `provision_continuous_records`: 継続的提供の記録, one record per recipient naming the items and the people,
 *   extended by later runs; its people are rows of `provision_records` pointing at it (`continuous_id`), so the
 *   person's page and disclosure package list them as before;
 * - `provision_disposals`: what the disposal job disposed of (kind, how many, oldest and newest dates, when, by
 *   which job run).
 * `provision_records` gains the run it came from, its continuous record, and the retention basis
 * (`record`: 3 years; `contract`: a contract stands in for the record, 1 year after the last provision).
 */
export const provisionRuns = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('provision_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('third_party_code', 'text', (c) => c.notNull())
      .addColumn('recipient_name', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('exception_reason', 'text')
      .addColumn('record_mode', 'text', (c) => c.notNull())
      .addColumn('retention', 'text', (c) => c.notNull())
      .addColumn('population', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('included', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('excluded', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('policy_version', 'integer')
      .addColumn('continuous_id', 'text')
      .addColumn('occurred_on', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('confirmed_at', 'text')
      .addColumn('confirmed_by', 'text', (c) => c.references('users.id'))
      .execute();
    await db.schema.createIndex('provision_runs_org').on('provision_runs').columns(['org_id', 'created_at']).execute();
    await db.schema
      .createTable('provision_run_members')
      .addColumn('run_id', 'text', (c) => c.notNull().references('provision_runs.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('consent_event_id', 'text')
      .addPrimaryKeyConstraint('provision_run_members_pk', ['run_id', 'member_id'])
      .execute();
    await db.schema
      .createTable('provision_continuous_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('third_party_code', 'text', (c) => c.notNull())
      .addColumn('counterparty_name', 'text', (c) => c.notNull())
      .addColumn('counterparty_address', 'text')
      .addColumn('counterparty_representative', 'text')
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('retention', 'text', (c) => c.notNull())
      .addColumn('first_on', 'text', (c) => c.notNull())
      .addColumn('last_on', 'text', (c) => c.notNull())
      .addColumn('keep_until', 'text', (c) => c.notNull())
      .addColumn('people', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('runs', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('provision_continuous_org_party')
      .on('provision_continuous_records')
      .columns(['org_id', 'third_party_code', 'keep_until'])
      .execute();
    await db.schema
      .createTable('provision_disposals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('oldest_on', 'text', (c) => c.notNull())
      .addColumn('newest_on', 'text', (c) => c.notNull())
      .addColumn('disposed_at', 'text', (c) => c.notNull())
      .addColumn('job', 'text')
      .addColumn('job_due_at', 'text')
      .addColumn('job_run_id', 'text')
      .execute();
    await db.schema.createIndex('provision_disposals_org').on('provision_disposals').columns(['org_id', 'disposed_at']).execute();
    await db.schema.alterTable('provision_records').addColumn('run_id', 'text').execute();
    await db.schema.alterTable('provision_records').addColumn('continuous_id', 'text').execute();
    await db.schema
      .alterTable('provision_records')
      .addColumn('retention', 'text', (c) => c.notNull().defaultTo('record'))
      .execute();
    await db.schema.createIndex('provision_records_keep').on('provision_records').columns(['keep_until']).execute();
    await db.schema.createIndex('provision_records_continuous').on('provision_records').columns(['continuous_id']).execute();
  },
};
