import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * The member search's filters by address prefix and birth year (members/search-members.ts) walk an index of
 * their own, `(org_id, address)` and `(org_id, birth_date)`, as the term searches walk theirs: a filter alone
 * (「宮城県仙台市青葉区」, 「1970-1979」) or the narrowest of several then reads a bounded range instead of every
 * member of the co-op. On PostgreSQL the address compares byte-wise (`collate "C"`, as the other search keys
 * since 0001) so that a prefix range uses the index whatever the database's collation; changing only the
 * collation of a text column does not rewrite the table.
 */
export function memberSearchIndexes(dialect: DialectName) {
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
    async up(db: Kysely<any>) {
      if (dialect === 'postgres') await sql`alter table members alter column address type text collate "C"`.execute(db);
      await db.schema.createIndex('members_address').on('members').columns(['org_id', 'address']).execute();
      await db.schema.createIndex('members_birth').on('members').columns(['org_id', 'birth_date']).execute();
    },
  };
}
