import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/** Organizations, people, purposes and items, the member ledger, the audit chain and alerts. */
export function foundation(dialect: DialectName) {
  // Search keys compare byte-wise on both dialects, so prefix ranges use the index on PostgreSQL too.
  const binary = (c: ColumnDefinitionBuilder) => (dialect === 'postgres' ? c.modifyEnd(sql`collate "C"`) : c);
  const bigint = dialect === 'postgres' ? 'bigint' : 'integer';

  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('organizations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('parent_id', 'text', (c) => c.references('organizations.id'))
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('departments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addUniqueConstraint('departments_org_code', ['org_id', 'code'])
        .execute();

      await db.schema
        .createTable('roles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addUniqueConstraint('roles_org_code', ['org_id', 'code'])
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('department_id', 'text', (c) => c.references('departments.id'))
        .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id'))
        .addColumn('login', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('totp_secret_enc', 'text')
        .addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', 'text')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('mfa_pending', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await db.schema
        .createTable('purposes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addUniqueConstraint('purposes_org_code', ['org_id', 'code'])
        .execute();

      await db.schema
        .createTable('data_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_en', 'text', (c) => c.notNull())
        .addColumn('sensitive', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('data_items_org_code', ['org_id', 'code'])
        .execute();

      await db.schema
        .createTable('purpose_items')
        .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id').onDelete('cascade'))
        .addColumn('item_id', 'text', (c) => c.notNull().references('data_items.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('purpose_items_pk', ['purpose_id', 'item_id'])
        .execute();

      await db.schema
        .createTable('role_purposes')
        .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('role_purposes_pk', ['role_id', 'purpose_id'])
        .execute();

      await db.schema
        .createTable('joint_use_groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('owner_org_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('starts_on', 'text', (c) => c.notNull())
        .addColumn('ends_on', 'text')
        .execute();
      for (const [table, column, target] of [
        ['joint_use_members', 'org_id', 'organizations.id'],
        ['joint_use_purposes', 'purpose_id', 'purposes.id'],
        ['joint_use_items', 'item_id', 'data_items.id'],
      ] as const) {
        await db.schema
          .createTable(table)
          .addColumn('group_id', 'text', (c) => c.notNull().references('joint_use_groups.id').onDelete('cascade'))
          .addColumn(column, 'text', (c) => c.notNull().references(target))
          .addPrimaryKeyConstraint(`${table}_pk`, ['group_id', column])
          .execute();
      }

      await db.schema
        .createTable('members')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
        .addColumn('member_code', 'text', (c) => binary(c.notNull()))
        .addColumn('name', 'text', (c) => binary(c.notNull()))
        .addColumn('name_kana', 'text', (c) => c.notNull())
        .addColumn('name_kana_norm', 'text', (c) => binary(c.notNull()))
        .addColumn('gender', 'text', (c) => c.notNull())
        .addColumn('birth_date', 'text')
        .addColumn('postal_code', 'text')
        .addColumn('address', 'text')
        .addColumn('phone', 'text')
        .addColumn('phone_norm', 'text', (c) => binary(c))
        .addColumn('email', 'text')
        .addColumn('bank_account_enc', 'text')
        .addColumn('delivery_type', 'text', (c) => c.notNull())
        .addColumn('join_date', 'text', (c) => c.notNull())
        .addColumn('leave_date', 'text')
        .addColumn('share_capital', bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('members_org_code', ['org_id', 'member_code'])
        .execute();
      await db.schema.createIndex('members_kana').on('members').columns(['org_id', 'name_kana_norm']).execute();
      await db.schema.createIndex('members_name').on('members').columns(['org_id', 'name']).execute();
      await db.schema.createIndex('members_phone').on('members').columns(['org_id', 'phone_norm']).execute();

      await db.schema
        .createTable('member_purpose_blocks')
        .addColumn('member_id', 'text', (c) => c.notNull().references('members.id').onDelete('cascade'))
        .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addPrimaryKeyConstraint('member_purpose_blocks_pk', ['member_id', 'purpose_id', 'kind'])
        .execute();

      // The audit log is append-only: sequence numbers are assigned under the chain head's lock.
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', bigint, (c) => c.primaryKey())
        .addColumn('ts', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text')
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('purpose_code', 'text')
        .addColumn('member_id', 'text')
        .addColumn('error_code', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_member').on('audit_log').columns(['member_id', 'seq']).execute();
      await db.schema.createIndex('audit_actor').on('audit_log').columns(['actor_id', 'seq']).execute();
      await db.schema.createIndex('audit_org_ts').on('audit_log').columns(['org_id', 'ts']).execute();

      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', bigint, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db
        .insertInto('audit_head')
        .values({ id: 1, seq: 0, hash: '0'.repeat(64) })
        .execute();

      await db.schema
        .createTable('alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('member_id', 'text')
        .addColumn('audit_seq', bigint)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
        .addColumn('acknowledged_by', 'text')
        .addColumn('acknowledged_at', 'text')
        .execute();
      await db.schema.createIndex('alerts_org_status').on('alerts').columns(['org_id', 'status', 'created_at']).execute();

      await db.schema
        .createTable('access_counters')
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('hour', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('access_counters_pk', ['actor_id', 'hour'])
        .execute();

      await db.schema
        .createTable('import_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('file_sha256', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('rows_total', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_created', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_updated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_unchanged', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('rows_rejected', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('actor', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
