import type { Kysely } from 'kysely';

/**
 * The person's side: member sign-in (accounts, sessions, one-time codes), guardians of child members,
 * consents with their history, requests from the person (開示・訂正・削除・利用停止 …) with their events and
 * identity documents, and third-party provision records (APPI Art. 29/30), which the person may see.
 */
export const memberRequests = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema.alterTable('members').addColumn('erased_at', 'text').execute();
    await db.schema
      .alterTable('purposes')
      .addColumn('consent_mode', 'text', (c) => c.notNull().defaultTo('none'))
      .execute();

    await db.schema
      .createTable('member_accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('member_id', 'text', (c) => c.notNull().unique().references('members.id'))
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('password_hash', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addColumn('last_sign_in_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('member_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('member_accounts.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('member_sessions_account').on('member_sessions').column('account_id').execute();

    await db.schema
      .createTable('member_one_time_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('member_accounts.id'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('member_one_time_codes_account')
      .on('member_one_time_codes')
      .columns(['account_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('guardian_links')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('child_member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('guardian_member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('relationship', 'text', (c) => c.notNull())
      .addColumn('proof', 'text', (c) => c.notNull())
      .addColumn('verified_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .execute();
    await db.schema.createIndex('guardian_links_child').on('guardian_links').column('child_member_id').execute();
    await db.schema.createIndex('guardian_links_guardian').on('guardian_links').column('guardian_member_id').execute();

    await db.schema
      .createTable('consent_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('subject_kind', 'text', (c) => c.notNull())
      .addColumn('subject_code', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('guardian_member_id', 'text')
      .addColumn('guardian_name', 'text')
      .addColumn('policy_version', 'integer')
      .addColumn('request_id', 'text')
      .addColumn('note', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('consent_events_member').on('consent_events').columns(['member_id', 'created_at']).execute();

    await db.schema
      .createTable('member_consents')
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('subject_kind', 'text', (c) => c.notNull())
      .addColumn('subject_code', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('member_consents_pk', ['member_id', 'subject_kind', 'subject_code'])
      .execute();

    await db.schema
      .createTable('subject_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('requester', 'text', (c) => c.notNull())
      .addColumn('agent_name', 'text')
      .addColumn('agent_relationship', 'text')
      .addColumn('agent_proof', 'text')
      .addColumn('identity_method', 'text')
      .addColumn('identity_note', 'text')
      .addColumn('verified_at', 'text')
      .addColumn('verified_by', 'text')
      .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('delivery_form', 'text', (c) => c.notNull().defaultTo('pdf'))
      .addColumn('fee_yen', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('fee_paid_at', 'text')
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('due_on', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('answer', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('reminded_on', 'text')
      .addColumn('filed_by_type', 'text', (c) => c.notNull())
      .addColumn('filed_by_id', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('subject_requests_org_reference', ['org_id', 'reference'])
      .execute();
    await db.schema.createIndex('subject_requests_member').on('subject_requests').columns(['member_id', 'received_at']).execute();
    await db.schema.createIndex('subject_requests_open').on('subject_requests').columns(['org_id', 'state', 'due_on']).execute();

    await db.schema
      .createTable('request_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull().references('subject_requests.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('request_events_request').on('request_events').columns(['request_id', 'at']).execute();

    await db.schema
      .createTable('request_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull().references('subject_requests.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('content_enc', 'text', (c) => c.notNull())
      .addColumn('uploaded_at', 'text', (c) => c.notNull())
      .addColumn('uploaded_by_type', 'text', (c) => c.notNull())
      .addColumn('uploaded_by_id', 'text')
      .execute();
    await db.schema.createIndex('request_documents_request').on('request_documents').column('request_id').execute();

    await db.schema
      .createTable('provision_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('third_party_code', 'text')
      .addColumn('counterparty_name', 'text', (c) => c.notNull())
      .addColumn('counterparty_address', 'text')
      .addColumn('counterparty_representative', 'text')
      .addColumn('items', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('consent_event_id', 'text')
      .addColumn('acquisition', 'text')
      .addColumn('occurred_on', 'text', (c) => c.notNull())
      .addColumn('keep_until', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .execute();
    await db.schema.createIndex('provision_records_member').on('provision_records').columns(['member_id', 'occurred_on']).execute();
  },
};
