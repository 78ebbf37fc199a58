/**
 * Test builders: a migrated database on the dialect under test, with the demo co-op seeded (a few members),
 * and actors for its demo users.
 */
import { createContext } from '../../src/app/context.ts';
import type { StaffActor } from '../../src/base/actors.ts';
import type { AppContext } from '../../src/base/context.ts';
import type { DialectName } from '../../src/db/database.ts';
import type { Clock } from '../../src/db/time.ts';
import { KeyRing } from '../../src/modules/crypto/data-keys.ts';
import { seedDemo } from '../../src/modules/demo/seed.ts';
import { findStaffActor } from '../../src/modules/members/actor.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface Fixture {
  ctx: AppContext;
  database: TestDatabase;
  actor(login: string): Promise<StaffActor>;
  memberId(code: string): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * `systemsDir`: the demo co-op also gets its connected systems (ordering and 共済, SQLite files made there,
 * mapped in its policy and registered), as `npm start` does.
 */
export async function demoFixture(
  dialect: DialectName,
  opts: { members?: number; clock?: Clock; url?: string; systemsDir?: string } = {},
): Promise<Fixture> {
  const database = await createTestDatabase(dialect, opts.url ? { url: opts.url } : {});
  const ctx = createContext({
    db: database.db,
    dialect,
    ...(database.sqlite ? { sqlite: database.sqlite } : {}),
    keys: KeyRing.generate(),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  await seedDemo(ctx, opts.members ?? 30, opts.systemsDir ? { systemsDir: opts.systemsDir } : {});
  return {
    ctx,
    database,
    actor: (login) => findStaffActor(ctx.db, login),
    async memberId(code) {
      const org = code.startsWith('6') ? 'demo-other-coop' : 'demo-coop';
      const row = await ctx.db
        .selectFrom('members')
        .innerJoin('organizations', 'organizations.id', 'members.org_id')
        .select('members.id')
        .where('members.member_code', '=', code)
        .where('organizations.code', '=', org)
        .executeTakeFirstOrThrow();
      return row.id;
    },
    dispose: () => database.dispose(),
  };
}
