/**
 * The bulk-read rule counts opened records and listed rows apart (issue 12 §4): opening a member's record counts
 * towards `readsPerHour` (alert bulk_reads), a search's result list counts its rows towards `listedRowsPerHour`
 * (alert bulk_listing); each alerts once per actor and hour, and neither count feeds the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { readMember } from '../members/read-member.ts';
import { searchMembers } from '../members/search-members.ts';
import { pruneAccessCounters } from './alerts.ts';

describe.each(availableDialects())('opened records and listed rows on %s', (dialect) => {
  let f: Fixture;
  let now = new Date('2026-12-03T02:00:00Z'); // 11:00 in Japan, a Thursday: working hours
  beforeAll(async () => {
    f = await demoFixture(dialect, { clock: () => now });
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('alerts on each count against its own threshold, once an hour', async () => {
    const staff = await f.actor('staff');
    await f.ctx.db
      .updateTable('organizations')
      .set({ settings: JSON.stringify({ alerts: { readsPerHour: 3, listedRowsPerHour: 10 } }) })
      .where('id', '=', staff.orgId)
      .execute();
    f.ctx.events.emit('settings.changed', { orgId: staff.orgId });
    const alerts = async (kind: 'bulk_reads' | 'bulk_listing') =>
      (await f.ctx.db.selectFrom('alerts').selectAll().where('kind', '=', kind).where('actor_id', '=', staff.id).execute()).map((a) => ({
        ...a,
        detail: JSON.parse(a.detail) as { reads: number; limit: number; hour: string },
      }));
    const search = async () => {
      const r = await searchMembers(f.ctx, { actor: staff, purpose: 'P04', phone: '0', limit: 4 });
      expect(r.members).toHaveLength(4);
    };

    // 12 listed rows: over the listing threshold (10), far over the opened one (3) — but nothing was opened.
    for (let i = 0; i < 3; i++) await search();
    expect(await alerts('bulk_reads')).toHaveLength(0);
    const listing = await alerts('bulk_listing');
    expect(listing).toHaveLength(1);
    expect(listing[0]!.detail).toMatchObject({ reads: 12, limit: 10, hour: '2026-12-03T02' });
    expect(listing[0]!.member_id).toBeNull();

    // Three records opened: at the opened threshold, no alert; the fourth passes it. Listing again: no new alert.
    const codes = ['1000011', '1000012', '1000013', '1000014'];
    for (const code of codes.slice(0, 3)) await readMember(f.ctx, { actor: staff, memberId: await f.memberId(code), purpose: 'P04' });
    expect(await alerts('bulk_reads')).toHaveLength(0);
    await readMember(f.ctx, { actor: staff, memberId: await f.memberId(codes[3]!), purpose: 'P04' });
    const opened = await alerts('bulk_reads');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.detail).toMatchObject({ reads: 4, limit: 3 });
    await search();
    expect(await alerts('bulk_listing')).toHaveLength(1);

    // The next hour counts anew.
    now = new Date('2026-12-03T03:05:00Z');
    for (let i = 0; i < 3; i++) await search();
    expect(await alerts('bulk_listing')).toHaveLength(2);

    // Listing counters are pruned with the others after two days.
    const keys = async () => (await f.ctx.db.selectFrom('access_counters').select('hour').where('hour', 'like', 'L:%').execute()).length;
    expect(await keys()).toBeGreaterThan(0);
    await pruneAccessCounters(f.ctx.db, new Date('2026-12-06T00:00:00Z'));
    expect(await keys()).toBe(0);
  });
});
