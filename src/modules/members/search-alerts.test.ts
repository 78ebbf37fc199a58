/**
 * A withdrawn member in a result list: the withdrawn_member alert is raised once per user, member and day (in
 * Japan), not at every listing; each withdrawn member of the list has its own; the next day counts anew.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { pruneAccessCounters } from '../audit/alerts.ts';
import { searchMembers } from './search-members.ts';

describe.each(availableDialects())('withdrawn members in search results on %s', (dialect) => {
  let f: Fixture;
  let now = new Date('2026-12-03T01:00:00Z'); // 10:00 in Japan
  beforeAll(async () => {
    f = await demoFixture(dialect, { clock: () => now });
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('alerts once per user, member and day, for each withdrawn member listed', async () => {
    const staff = await f.actor('staff');
    const manager = await f.actor('manager');
    const codes = ['1000003', '1000004'];
    const ids = await Promise.all(codes.map((c) => f.memberId(c)));
    for (const id of ids) {
      await f.ctx.db.updateTable('members').set({ status: 'withdrawn', leave_date: '2026-01-31' }).where('id', '=', id).execute();
    }
    const search = (actor = staff) => searchMembers(f.ctx, { actor, purpose: 'P04', phone: '0', limit: 100 });
    const alertsFor = async (actorId: string) =>
      (
        await f.ctx.db.selectFrom('alerts').selectAll().where('kind', '=', 'withdrawn_member').where('actor_id', '=', actorId).execute()
      ).filter((a) => ids.includes(a.member_id!));

    const first = await search();
    const shown = first.members.filter((m) => codes.includes(String(m.member_code)));
    expect(shown.length).toBeGreaterThan(0);
    const once = await alertsFor(staff.id);
    expect(once.map((a) => a.member_id).sort()).toEqual(shown.map((m) => m.id).sort());
    expect(once.every((a) => JSON.parse(a.detail).listed === true)).toBe(true);

    // The same list again, the same day: no new alert. Another user: their own.
    await search();
    await search();
    expect(await alertsFor(staff.id)).toHaveLength(once.length);
    await search(manager);
    expect(await alertsFor(manager.id)).toHaveLength(once.length);

    // The next day in Japan (after 00:00 JST = 15:00 UTC): once more.
    now = new Date('2026-12-03T15:30:00Z');
    await search();
    expect(await alertsFor(staff.id)).toHaveLength(once.length * 2);

    // The day markers are pruned with the other counters: those older than two days go, the rest stay.
    const markers = async () =>
      (await f.ctx.db.selectFrom('access_counters').select('hour').where('hour', 'like', 'wd:%').execute()).map((r) => r.hour.slice(0, 13));
    expect(new Set(await markers())).toEqual(new Set(['wd:2026-12-03', 'wd:2026-12-04']));
    await pruneAccessCounters(f.ctx.db, new Date('2026-12-06T02:00:00Z'));
    expect(new Set(await markers())).toEqual(new Set(['wd:2026-12-04']));
  });
});
