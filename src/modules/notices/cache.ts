/**
 * The notices' caches. A published version never changes, so what is rendered from it (HTML, JSON) is kept
 * per version and page state in a bounded LRU, shared by the whole process; what can change — which versions
 * an organization has published, and which organization a code names — is kept per context for a few
 * seconds, and forgotten at once on the `policy.published` event (base/events.ts), which the change bus
 * carries to every instance on the same PostgreSQL. While the bus cannot hear other instances, nothing of it
 * is used or kept.
 */
import { type EventHub, perHub } from '../../base/events.ts';
import type { PolicyDocument } from '../policy/document.ts';
import type { NoticeOrganization } from './queries.ts';
import type { NoticeRelease } from './sections.ts';
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

/** What may change, per context (per instance): organizations by code, published version lists by organization id. */
const lists = perHub((hub: EventHub) => {
  const state = {
    organizations: new Lru<Timed<NoticeOrganization | undefined>>(1000),
    versions: new Lru<Timed<PublishedVersion[]>>(5000),
    /** The anonymized releases an organization published (modules/releases announces changes as `policy.published`). */
    releases: new Lru<Timed<NoticeRelease[]>>(5000),
    /** Organizations that published since their list was last read: that read goes to the primary (a replica may lag). */
    publishedSince: new Set<string>(),
  };
  hub.on('policy.published', ({ orgId }) => {
    state.versions.delete(orgId);
    state.releases.delete(orgId);
    state.publishedSince.add(orgId);
  });
  hub.on('caches.flush', () => {
    state.organizations = new Lru(1000);
    state.versions = new Lru(5000);
    state.releases = new Lru(5000);
  });
  return state;
});

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

const fresh = <T>(hub: EventHub, hit: Timed<T> | undefined) =>
  hit && hub.cachesTrusted && Date.now() - hit.at < LIST_TTL_MS ? hit : undefined;

export function cachedOrganization(hub: EventHub, code: string): Timed<NoticeOrganization | undefined> | undefined {
  return fresh(hub, lists(hub).organizations.get(code));
}

/** Keeps what a load begun at `epoch` (the hub's) found, unless something changed meanwhile or nothing can be trusted. */
export function rememberOrganization(hub: EventHub, epoch: number, code: string, org: NoticeOrganization | undefined): void {
  if (hub.cachesTrusted && hub.epoch === epoch) lists(hub).organizations.set(code, { at: Date.now(), value: org });
}

/** True (once) when the organization published since its version list was last read (read it from the primary). */
export function takePublishedHere(hub: EventHub, orgId: string): boolean {
  return lists(hub).publishedSince.delete(orgId);
}

export function cachedVersionList(hub: EventHub, orgId: string): PublishedVersion[] | undefined {
  return fresh(hub, lists(hub).versions.get(orgId))?.value;
}

export function rememberVersionList(hub: EventHub, epoch: number, orgId: string, versions: PublishedVersion[]): void {
  if (hub.cachesTrusted && hub.epoch === epoch) lists(hub).versions.set(orgId, { at: Date.now(), value: versions });
}

export function cachedReleases(hub: EventHub, orgId: string): NoticeRelease[] | undefined {
  return fresh(hub, lists(hub).releases.get(orgId))?.value;
}

export function rememberReleases(hub: EventHub, epoch: number, orgId: string, releases: NoticeRelease[]): void {
  if (hub.cachesTrusted && hub.epoch === epoch) lists(hub).releases.set(orgId, { at: Date.now(), value: releases });
}
