/**
 * The demo co-op's connected systems through their real connector (opened as the register says, with the map of
 * the published policy): a demo member is found in the ordering and 共済 systems, and an erasure is planned,
 * applied once and read back — what a request will do out of the box (npm start).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { MASK } from '../../contract/connector-vocabulary.ts';
import type { PersonIdentities } from '../connectors/connector.ts';
import type { PolicySystem } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { openSystem } from '../systems/read-connection.ts';
import { syntheticMember } from './synthetic.ts';

describe('the demo systems through their connectors', () => {
  let f: Fixture;
  let dir: string;
  let orgId: string;
  let maps: PolicySystem[];
  const first = syntheticMember(1);
  const person: PersonIdentities = { member_code: first.member_code, phone: first.phone ?? undefined, email: first.email ?? undefined };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-demo-connector-'));
    f = await demoFixture('sqlite', { members: 20, systemsDir: dir });
    orgId = (await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow()).id;
    maps = (await policyInEffect(f.ctx.db, orgId))!.document.systems;
  });
  afterAll(async () => {
    await f?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const mapOf = (code: string) => maps.find((m) => m.code === code)!;

  it('finds a demo member in the ordering system (customer, orders, lines) and the 共済 system', async () => {
    const ordering = await openSystem(f.ctx.db, f.ctx.keys, orgId, 'ordering');
    const kyosai = await openSystem(f.ctx.db, f.ctx.keys, orgId, 'kyosai');
    try {
      const found = await ordering.select(mapOf('ordering'), person);
      const rows = (table: string) => found.find((t) => t.table === table)?.rows ?? [];
      expect(rows('customers')).toHaveLength(1);
      expect(rows('customers')[0]!.shimei).toBe(first.name);
      expect(rows('orders').length).toBeGreaterThan(60);
      expect(rows('order_lines').length).toBeGreaterThan(rows('orders').length);
      const contracts = await kyosai.select(mapOf('kyosai'), person);
      expect(contracts[0]!.rows).toHaveLength(1);
    } finally {
      await ordering.close();
      await kyosai.close();
    }
  });

  it('erases the member in the ordering system once, keeping what the law keeps, and reads it back', async () => {
    const ordering = await openSystem(f.ctx.db, f.ctx.keys, orgId, 'ordering');
    try {
      const map = mapOf('ordering');
      const plan = await ordering.plan(map, person, { kind: 'erase' });
      expect(plan.steps.every((s) => s.action === 'update')).toBe(true);
      expect(plan.steps.find((s) => s.table === 'customers')!.set).toMatchObject({ shimei: MASK, tel: null, mail: null });
      expect(plan.kept.map((k) => `${k.table}.${k.column}`)).toEqual(
        expect.arrayContaining(['customers.member_code', 'order_lines.product']),
      );
      expect(await ordering.apply(plan)).toEqual({ changed: plan.rows });
      expect(await ordering.apply(plan)).toEqual({ changed: 0 });
      expect(await ordering.verify(plan)).toEqual({ ok: true, differences: [] });
      // The next member is untouched.
      const second = syntheticMember(2);
      const theirs = await ordering.select(map, { member_code: second.member_code });
      expect(theirs[0]!.rows[0]!.shimei).toBe(second.name);
    } finally {
      await ordering.close();
    }
  });
});
