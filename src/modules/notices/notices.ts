/**
 * The published notices of one organization, as the pages and the JSON need them: the organization, its
 * published versions placed on today's timeline (Japan time, by the context's clock), and each version's
 * document. Reads go through the caches in `cache.ts`; nothing here knows about HTTP.
 */
import { AppError } from '../../base/errors.ts';
import type { EventHub } from '../../base/events.ts';
import { todayInJapan } from '../../base/japan-date.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { ReadReplica } from '../../db/replica.ts';
import type { Clock } from '../../db/time.ts';
import { type PolicyDocument, policyDocumentSchema } from '../policy/document.ts';
import {
  cachedOrganization,
  cachedReleases,
  cachedVersionList,
  noticeDocuments,
  once,
  rememberOrganization,
  rememberReleases,
  rememberVersionList,
  takePublishedHere,
} from './cache.ts';
import {
  findNoticeOrganization,
  listNoticeReleases,
  listPublishedVersions,
  type NoticeOrganization,
  readPublishedDocument,
} from './queries.ts';
import type { NoticeRelease } from './sections.ts';
import { type PublishedVersion, type Timeline, timelineOn } from './timeline.ts';

export interface OrgNotices {
  org: NoticeOrganization;
  timeline: Timeline;
}

const ORG_CODE = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const hubIds = new WeakMap<EventHub, number>();
let nextHubId = 0;
/** Concurrent loads are shared within one context only (tests run several, like instances, in one process). */
const hubId = (hub: EventHub) => {
  let id = hubIds.get(hub);
  if (id === undefined) {
    id = nextHubId++;
    hubIds.set(hub, id);
  }
  return id;
};

/**
 * The organization's published versions on today's timeline. An unknown organization and one that has not
 * published yet are the same refusal (`policy_not_published`), so the public pages do not reveal which
 * organization codes exist.
 */
/**
 * Where the notices are read: the streaming replica when there is one and it is fresh enough (`ctx.replica`;
 * the notices are public, decide no access and are cached for seconds anyway), else `db`.
 */
export interface NoticeReads {
  db: DbOrTx;
  replica?: ReadReplica;
}

function readNotices<T>(ctx: NoticeReads, fn: (db: DbOrTx) => Promise<T>, retryOnPrimaryIf?: (value: T) => boolean): Promise<T> {
  if (!ctx.replica) return fn(ctx.db);
  return ctx.replica.read(fn, retryOnPrimaryIf ? { retryOnPrimaryIf } : {});
}

export async function findOrgNotices(ctx: NoticeReads & { clock: Clock; events: EventHub }, orgCode: string): Promise<OrgNotices> {
  if (!ORG_CODE.test(orgCode)) throw new AppError('policy_not_published');
  const hub = ctx.events;
  let known = cachedOrganization(hub, orgCode);
  if (!known) {
    const epoch = hub.epoch;
    const org = await once(`org:${hubId(hub)}:${orgCode}`, () => readNotices(ctx, (db) => findNoticeOrganization(db, orgCode)));
    rememberOrganization(hub, epoch, orgCode, org);
    known = { at: Date.now(), value: org };
  }
  const org = known.value;
  if (!org) throw new AppError('policy_not_published');
  let versions = cachedVersionList(hub, org.id);
  if (!versions) {
    const epoch = hub.epoch;
    // Just published: read from the primary, which has the new version for sure.
    const fromPrimary = takePublishedHere(hub, org.id);
    const reads = fromPrimary ? { db: ctx.db } : ctx;
    versions = await once(`versions:${hubId(hub)}:${epoch}:${org.id}${fromPrimary ? ':primary' : ''}`, () =>
      readNotices(reads, (db) => listPublishedVersions(db, org.id)),
    );
    rememberVersionList(hub, epoch, org.id, versions);
  }
  if (versions.length === 0) throw new AppError('policy_not_published');
  return { org, timeline: timelineOf(versions, todayInJapan(ctx.clock)) };
}

/** Timelines by version list (the cached list object) for the day they were computed. */
const timelines = new WeakMap<PublishedVersion[], Timeline>();

function timelineOf(versions: PublishedVersion[], today: string): Timeline {
  const hit = timelines.get(versions);
  if (hit?.today === today) return hit;
  const timeline = timelineOn(versions, today);
  timelines.set(versions, timeline);
  return timeline;
}

/** The version with this number, or `policy_version_not_found`. */
export function findVersion(notices: OrgNotices, number: number): PublishedVersion {
  const version = notices.timeline.versions.find((v) => v.number === number);
  if (!version) throw new AppError('policy_version_not_found');
  return version;
}

/** The version's document, parsed and validated (cached per version: it never changes). */
export async function loadNoticeDocument(ctx: NoticeReads, version: PublishedVersion): Promise<PolicyDocument> {
  const hit = noticeDocuments.get(version.id);
  if (hit) return hit;
  return once(`document:${version.id}`, async () => {
    // A version the list names but the replica does not hold yet (the list came from the primary): the primary.
    const json = await readNotices(
      ctx,
      (db) => readPublishedDocument(db, version.id),
      (found) => found === undefined,
    );
    if (json === undefined) throw new AppError('policy_version_not_found');
    const doc = policyDocumentSchema.parse(JSON.parse(json));
    noticeDocuments.set(version.id, doc);
    return doc;
  });
}

/**
 * The anonymized releases the organization published (for the current notice page), with a key for the page
 * caches that changes whenever what the notice shows of them changes.
 */
export async function findOrgReleases(
  ctx: NoticeReads & { events: EventHub },
  orgId: string,
): Promise<{ releases: NoticeRelease[]; key: string }> {
  const hub = ctx.events;
  let releases = cachedReleases(hub, orgId);
  if (!releases) {
    const epoch = hub.epoch;
    releases = await once(`releases:${hubId(hub)}:${epoch}:${orgId}`, () => readNotices(ctx, (db) => listNoticeReleases(db, orgId)));
    rememberReleases(hub, epoch, orgId, releases);
  }
  const key = releases
    .map((r) => `${r.code}:${r.itemsPublishedOn}:${r.methodPublishedOn ?? '-'}:${r.delivered ? 1 : 0}:${r.items.length}`)
    .join(',');
  return { releases, key };
}
