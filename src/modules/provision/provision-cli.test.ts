/** `mamori provision dispose` and `mamori provision runs` as an operator runs them: a real process on a SQLite file. */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../app/context.ts';
import { openDatabase } from '../../db/database.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { loadKeyRing } from '../crypto/data-keys.ts';
import { seedDemo } from '../demo/seed.ts';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;
let env: NodeJS.ProcessEnv;

function mamori(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-provision-cli-'));
  env = { ...process.env, MAMORI_DATA_DIR: dir, DATABASE_URL: `sqlite:${join(dir, 'mamori.db')}`, MAMORI_KEY_FILE: join(dir, 'keys.json') };
  delete env.MAMORI_DATA_KEYS;
  const opened = openDatabase(env.DATABASE_URL!);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', keys: loadKeyRing(env.MAMORI_KEY_FILE!, {}) });
  await seedDemo(ctx, 5);
  const org = await ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
  const members = await ctx.db.selectFrom('members').select('id').where('org_id', '=', org.id).limit(3).execute();
  // Two records long past their keeping date and one still kept.
  const record = (memberId: string, occurred: string, keep: string) => ({
    id: randomUUID(),
    org_id: org.id,
    member_id: memberId,
    direction: 'received' as const,
    third_party_code: null,
    counterparty_name: '架空共済連',
    counterparty_address: null,
    counterparty_representative: null,
    items: '["name"]',
    legal_basis: 'receipt',
    consent_event_id: null,
    acquisition: '申込書',
    occurred_on: occurred,
    keep_until: keep,
    note: null,
    created_at: new Date().toISOString(),
    created_by: null,
  });
  await ctx.db
    .insertInto('provision_records')
    .values([
      record(members[0]!.id, '2020-04-01', '2023-04-01'),
      record(members[1]!.id, '2021-06-30', '2024-06-30'),
      record(members[2]!.id, '2099-01-01', '2102-01-01'),
    ])
    .execute();
  await opened.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mamori provision', () => {
  it('disposes of the records past their keeping date, once, and leaves the disposal on record', () => {
    const first = mamori(['provision', 'dispose']);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('本人ごとの記録 2 件');
    const again = mamori(['provision', 'dispose']);
    expect(again.out).toContain('本人ごとの記録 0 件');
    const trail = mamori(['audit', 'search', '--org', 'demo-coop', '--action', 'provision.dispose']);
    expect(trail.out).toContain('第三者提供記録の廃棄');
  });

  it('lists the runs, and names an unknown organization', () => {
    const runs = mamori(['provision', 'runs', '--org', 'demo-coop']);
    expect(runs.code, runs.err).toBe(0);
    expect(runs.out).toContain('0 件 / runs');
    const unknown = mamori(['provision', 'runs', '--org', 'no-such-coop']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('organization_unknown');
  });
});
