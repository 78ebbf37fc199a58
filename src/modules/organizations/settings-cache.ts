import { type OrgSettings, parseOrgSettings } from '../../base/settings.ts';
import type { DbOrTx } from '../../db/database.ts';

const cache = new Map<string, { at: number; settings: OrgSettings }>();

/** Organization settings, cached for a few seconds: they are read on every member access. */
export async function getOrgSettings(db: DbOrTx, orgId: string): Promise<OrgSettings> {
  const hit = cache.get(orgId);
  if (hit && Date.now() - hit.at < 5000) return hit.settings;
  const row = await db.selectFrom('organizations').select('settings').where('id', '=', orgId).executeTakeFirst();
  const settings = parseOrgSettings(row?.settings ?? '{}');
  cache.set(orgId, { at: Date.now(), settings });
  return settings;
}

export function forgetOrgSettings(orgId: string): void {
  cache.delete(orgId);
}
