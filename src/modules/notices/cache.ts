/**
 * The notices' caches. A published version never changes, so what is rendered from it (HTML, JSON) is kept
 * per version and page state in a bounded LRU; what can change — which versions an organization has
 * published — is kept for a few seconds only, because several servers may share one PostgreSQL and only the
 * one that published can forget at once (`forgetNotices`, on the `policy.published` event of base/events.ts).
 */
import { onEvent } from '../../base/events.ts';
import type { PolicyDocument } from '../policy/document.ts';
import type { NoticeOrganization } from './queries.ts';
import type { PublishedVersion } from './timeline.ts';

/** How long an organization's version list (and a code → organization lookup) is trusted. */
export const LIST_TTL_MS = 5000;

/** A least-recently-used map bounded by entry count and, optionally, by total size. */
export class Lru<V> {
  readonly #map = new Map<string, { value: V; size: number }>();
  readonly #maxEntries: number;
  readonly #maxSize: number;
  readonly #sizeOf: (value: V) => number;
  #size = 0;

  constructor(maxEntries: number, opts: { maxSize?: number; sizeOf?: (value: V) => number } = {}) {
    this.#maxEntries = maxEntries;
    this.#maxSize = opts.maxSize ?? Number.POSITIVE_INFINITY;
    this.#sizeOf = opts.sizeOf ?? (() => 1);
  }

  get(key: string): V | undefined {
    const hit = this.#map.get(key);
    if (!hit) return undefined;
    // Re-insert so that iteration order is least recently used first.
    this.#map.delete(key);
    this.#map.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    const size = this.#sizeOf(value);
    if (size > this.#maxSize) return;
    this.#map.set(key, { value, size });
    this.#size += size;
    for (const [oldest, entry] of this.#map) {
      if (this.#map.size <= this.#maxEntries && this.#size <= this.#maxSize) break;
      this.#map.delete(oldest);
      this.#size -= entry.size;
    }
  }

  delete(key: string): void {
    const hit = this.#map.get(key);
    if (!hit) return;
    this.#map.delete(key);
    this.#size -= hit.size;
  }

  get size(): number {
    return this.#map.size;
  }
}

/** A rendered page or JSON answer, ready to send. */
export interface RenderedNotice {
  body: Buffer;
  etag: string;
  contentType: string;
}

/** Rendered answers by version and page state (64 MiB at most). */
export const renderedNotices = new Lru<RenderedNotice>(2000, { maxSize: 64 * 2 ** 20, sizeOf: (r) => r.body.length + 200 });

/** Parsed documents by version id (parsing and validating a large document takes a few milliseconds). */
export const noticeDocuments = new Lru<PolicyDocument>(200);

interface Timed<T> {
  at: number;
  value: T;
}

/** Organizations by code, per database (tests open several databases in one process). */
const organizationsByDb = new WeakMap<object, Lru<Timed<NoticeOrganization | undefined>>>();

/** Published version lists by organization id (ids are UUIDs, unique across databases). */
const versionLists = new Lru<Timed<PublishedVersion[]>>(5000);

/** Loads in progress, so that a burst of requests after expiry runs one query, not one per request. */
const inflight = new Map<string, Promise<unknown>>();

/** Runs `load` once for concurrent callers with the same key. */
export function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  const running = inflight.get(key) as Promise<T> | undefined;
  if (running) return running;
  const promise = load().finally(() => inflight.delete(key));
  inflight.set(key, promise);
  return promise;
}

export function cachedOrganization(db: object, code: string): Timed<NoticeOrganization | undefined> | undefined {
  const hit = organizationsByDb.get(db)?.get(code);
  return hit && Date.now() - hit.at < LIST_TTL_MS ? hit : undefined;
}

export function rememberOrganization(db: object, code: string, org: NoticeOrganization | undefined): void {
  let byCode = organizationsByDb.get(db);
  if (!byCode) {
    byCode = new Lru(1000);
    organizationsByDb.set(db, byCode);
  }
  byCode.set(code, { at: Date.now(), value: org });
}

export function cachedVersionList(orgId: string): PublishedVersion[] | undefined {
  const hit = versionLists.get(orgId);
  return hit && Date.now() - hit.at < LIST_TTL_MS ? hit.value : undefined;
}

export function rememberVersionList(orgId: string, versions: PublishedVersion[]): void {
  versionLists.set(orgId, { at: Date.now(), value: versions });
}

/**
 * Drops what this process knows of an organization's published versions, so that the next request reads
 * them again. Called on the `policy.published` event, which the policy module emits after publishing (it does
 * not know this cache); other server processes see the new version within `LIST_TTL_MS` (and browsers and
 * proxies within the 60 s of `Cache-Control`).
 */
export function forgetNotices(orgId: string): void {
  versionLists.delete(orgId);
  publishedHere.add(orgId);
}

/**
 * Organizations that published in this process since their list was last read: that read goes to the primary,
 * since a streaming replica may not hold the new version yet (and the list would be kept for `LIST_TTL_MS`).
 */
const publishedHere = new Set<string>();

/** True (once) when this process published for the organization since its list was last read. */
export function takePublishedHere(orgId: string): boolean {
  return publishedHere.delete(orgId);
}

onEvent('policy.published', ({ orgId }) => forgetNotices(orgId));
