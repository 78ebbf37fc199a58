/**
 * Organization settings, cached for a few seconds per context: they are read on every member access. A
 * change is published as `settings.changed` (base/events.ts), which drops the entry at once here and, through
 * the change bus, in every other instance on the same PostgreSQL; the cache is bypassed while the bus cannot
 * hear other instances.
 */
import { type EventHub, perHub } from '../../base/events.ts';
import { type OrgSettings, parseOrgSettings } from '../../base/settings.ts';
import type { DbOrTx } from '../../db/database.ts';

const SETTINGS_CACHE_MS = 5000;

const settingsCache = perHub((hub: EventHub) => {
  const cache = new Map<string, { at: number; settings: OrgSettings }>();
  hub.on('settings.changed', ({ orgId }) => cache.delete(orgId));
  hub.on('caches.flush', () => cache.clear());
  return cache;
});

/** The organization's settings, read with `db` (the caller's transaction, if any) when not cached. */
export async function getOrgSettings(ctx: { db: DbOrTx; events: EventHub }, orgId: string, db: DbOrTx = ctx.db): Promise<OrgSettings> {
  const hub = ctx.events;
  const cache = settingsCache(hub);
  const hit = cache.get(orgId);
  if (hit && hub.cachesTrusted && Date.now() - hit.at < SETTINGS_CACHE_MS) return hit.settings;
  const epoch = hub.epoch;
  const row = await db.selectFrom('organizations').select('settings').where('id', '=', orgId).executeTakeFirst();
  const settings = parseOrgSettings(row?.settings ?? '{}');
  if (hub.cachesTrusted && hub.epoch === epoch) cache.set(orgId, { at: Date.now(), settings });
  return settings;
}
