/**
 * Which published version is current is decided by the date in Japan, not by the status column; the draft
 * is never read; an organization without a published version is not found; a new version is seen once
 * the policy module announces the publication (the `policy.published` event; policy never imports notices).
 * On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DRAFT_MARKER,
  demoVersions,
  insertDemoVersions,
  insertNoticeOrganization,
  insertPolicyVersion,
} from '../../../test/fixtures/notices/versions.ts';
import { availableDialects, createTestDatabase, type TestDatabase } from '../../../test/support/db.ts';
import { EventHub } from '../../base/events.ts';
import { findOrgNotices, findVersion, loadNoticeDocument } from './notices.ts';
import { listPublishedVersions, readPublishedDocument } from './queries.ts';

describe.each(availableDialects())('published notices on %s', (dialect) => {
  let database: TestDatabase;
  let orgId: string;
  let now = new Date('2026-11-22T03:00:00Z');
  const events = new EventHub();
  const ctx = () => ({ db: database.db, clock: () => now, events });
  const forgetNotices = (orgId: string) => events.emit('policy.published', { orgId });
  const numbers = async () => {
    const { timeline } = await findOrgNotices(ctx(), 'demo-coop');
    return { current: timeline.current?.number, upcoming: timeline.upcoming.map((v) => v.number), today: timeline.today };
  };

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    orgId = await insertNoticeOrganization(database.db, 'demo-coop', 'デモ生活協同組合');
    await insertNoticeOrganization(database.db, 'quiet-coop', '未公表生活協同組合');
    await insertDemoVersions(database.db, orgId);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('takes the highest published version in effect today (Japan time) as current, later ones as upcoming', async () => {
    now = new Date('2026-11-22T03:00:00Z');
    expect(await numbers()).toEqual({ current: 2, upcoming: [3], today: '2026-11-22' });
    // 23:59:59 on 30 November in Japan: version 3 is still ahead.
    now = new Date('2026-11-30T14:59:59Z');
    expect(await numbers()).toEqual({ current: 2, upcoming: [3], today: '2026-11-30' });
    // Midnight of 1 December in Japan (still 30 November in UTC): version 3 is in effect.
    now = new Date('2026-11-30T15:00:00Z');
    expect(await numbers()).toEqual({ current: 3, upcoming: [], today: '2026-12-01' });
    // Before the first version takes effect, everything published is upcoming, soonest first.
    now = new Date('2025-03-31T14:59:00Z');
    expect(await numbers()).toEqual({ current: undefined, upcoming: [1, 2, 3], today: '2025-03-31' });
  });

  it('does not rely on the status column', async () => {
    // Status as a lagging job might leave it: version 3 still "scheduled" after its date, version 2 "superseded" before.
    await database.db
      .updateTable('policy_versions')
      .set({ status: 'superseded' })
      .where('org_id', '=', orgId)
      .where('number', '=', 2)
      .execute();
    forgetNotices(orgId);
    now = new Date('2026-11-22T03:00:00Z');
    expect((await numbers()).current).toBe(2);
    now = new Date('2026-12-05T03:00:00Z');
    expect((await numbers()).current).toBe(3);
    await database.db
      .updateTable('policy_versions')
      .set({ status: 'active' })
      .where('org_id', '=', orgId)
      .where('number', '=', 2)
      .execute();
    forgetNotices(orgId);
  });

  it('never reads the draft', async () => {
    const versions = await listPublishedVersions(database.db, orgId);
    expect(versions.map((v) => v.number)).toEqual([1, 2, 3]);
    expect(JSON.stringify(versions)).not.toContain(DRAFT_MARKER);
    const draft = await database.db
      .selectFrom('policy_versions')
      .select(['id', 'document'])
      .where('org_id', '=', orgId)
      .where('number', 'is', null)
      .executeTakeFirstOrThrow();
    expect(draft.document).toContain(DRAFT_MARKER);
    expect(await readPublishedDocument(database.db, draft.id)).toBeUndefined();
  });

  it('loads and validates a version’s document', async () => {
    now = new Date('2026-11-22T03:00:00Z');
    const notices = await findOrgNotices(ctx(), 'demo-coop');
    const doc = await loadNoticeDocument({ db: database.db }, findVersion(notices, 2));
    expect(doc.purposes.map((p) => p.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => findVersion(notices, 9)).toThrow(expect.objectContaining({ code: 'policy_version_not_found' }));
  });

  it('treats an unknown organization and one without a published version alike', async () => {
    await expect(findOrgNotices(ctx(), 'no-such-coop')).rejects.toMatchObject({ code: 'policy_not_published' });
    await expect(findOrgNotices(ctx(), 'quiet-coop')).rejects.toMatchObject({ code: 'policy_not_published' });
    await expect(findOrgNotices(ctx(), '../etc/passwd')).rejects.toMatchObject({ code: 'policy_not_published' });
  });

  it('sees a newly published version once the policy module announces it (policy.published event)', async () => {
    now = new Date('2026-11-22T03:00:00Z');
    expect((await findOrgNotices(ctx(), 'demo-coop')).timeline.versions).toHaveLength(3);
    const v3 = demoVersions()[2]!;
    await insertPolicyVersion(database.db, orgId, {
      ...v3,
      number: 4,
      effectiveOn: '2027-01-01',
      noticeOn: '2026-11-22',
      status: 'scheduled',
    });
    // Within the few seconds of the cache, this process still has the old list …
    expect((await findOrgNotices(ctx(), 'demo-coop')).timeline.versions).toHaveLength(3);
    // … until the policy module, after publishing, emits the event this cache listens for.
    events.emit('policy.published', { orgId });
    const { timeline } = await findOrgNotices(ctx(), 'demo-coop');
    expect(timeline.versions.map((v) => v.number)).toEqual([4, 3, 2, 1]);
    expect(timeline.upcoming.map((v) => v.number)).toEqual([3, 4]);
  });
});
