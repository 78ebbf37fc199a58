import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { lintPolicy } from '../policy/lint.ts';
import { readConnection } from '../systems/read-connection.ts';
import { demoSystemFiles } from './demo-systems.ts';
import { syntheticMember } from './synthetic.ts';

describe('the demo co-op’s connected systems (npm start)', () => {
  let f: Fixture;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-demo-systems-'));
    f = await demoFixture('sqlite', { members: 40, systemsDir: dir });
  });
  afterAll(async () => {
    await f?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes an ordering system with three years of orders and a 共済 system, for the demo members', () => {
    const files = demoSystemFiles(dir);
    const ordering = new BetterSqlite3(files.ordering, { readonly: true });
    const kyosai = new BetterSqlite3(files.kyosai, { readonly: true });
    try {
      expect(ordering.prepare('select count(*) from customers').pluck().get()).toBe(40);
      const first = syntheticMember(1);
      const customer = ordering.prepare('select * from customers where member_code = ?').get(first.member_code) as Record<string, string>;
      expect(customer.shimei).toBe(first.name);
      // Its own dialect: the phone without hyphens.
      expect(customer.tel).toBe(first.phone!.replaceAll('-', ''));
      const orders = ordering.prepare('select count(*) from orders where customer_id = ?').pluck().get(customer.id) as number;
      expect(orders).toBeGreaterThan(60);
      const span = ordering.prepare('select min(ordered_on) as a, max(ordered_on) as b from orders').get() as { a: string; b: string };
      expect(Number(span.b.slice(0, 4)) - Number(span.a.slice(0, 4))).toBeGreaterThanOrEqual(2);
      expect(ordering.prepare('select count(*) from order_lines').pluck().get()).toBeGreaterThan(orders);
      expect(kyosai.prepare('select count(*) from keiyaku where kumiaiin_cd = ?').pluck().get(first.member_code)).toBe(1);
    } finally {
      ordering.close();
      kyosai.close();
    }
  });

  it('maps them in the published policy without a gap, and registers how to open them', async () => {
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    const policy = await policyInEffect(f.ctx.db, org.id);
    expect(policy?.document.systems.map((s) => s.code)).toEqual(['ordering', 'kyosai']);
    const gaps = lintPolicy(policy!.document, { today: '2026-12-04' }).filter((g) => g.path.startsWith('systems'));
    expect(gaps).toEqual([]);
    const connection = await readConnection(f.ctx.db, f.ctx.keys, org.id, 'ordering');
    expect(connection.kind).toBe('sqlite');
    expect(connection.settings.file).toBe(demoSystemFiles(dir).ordering);
    const stored = await f.ctx.db
      .selectFrom('connected_systems')
      .select('settings_enc')
      .where('code', '=', 'ordering')
      .executeTakeFirstOrThrow();
    expect(stored.settings_enc).not.toContain('ordering.db');
    // The other organizations have no systems.
    const other = await f.ctx.db
      .selectFrom('connected_systems')
      .innerJoin('organizations', 'organizations.id', 'connected_systems.org_id')
      .select('organizations.code')
      .where('organizations.code', '!=', 'demo-coop')
      .execute();
    expect(other).toEqual([]);
  });
});
