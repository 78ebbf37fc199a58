/** Reading the releases of the actor's organization: the list, and one release with its runs (newest first). */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { ReleaseSummaryView, ReleaseView } from '../../contract/releases-api.ts';
import type { DbOrTx } from '../../db/database.ts';
import { assertMayManage, readReach, releasesRules } from './permissions.ts';
import { presentRelease, presentRun } from './presenter.ts';

/** Every column but the sealed key: the key never leaves the module's run path. */
export const RELEASE_COLUMNS = [
  'id',
  'org_id',
  'code',
  'name',
  'recipients',
  'purpose_code',
  'spec',
  'items',
  'items_published_at',
  'method_of_provision',
  'method_published_at',
  'last_period',
  'status',
  'version',
  'created_by',
  'created_at',
  'updated_at',
] as const;

export async function listReleases(
  db: DbOrTx,
  opts: { actor: StaffActor },
): Promise<{ releases: ReleaseSummaryView[]; can_manage: boolean }> {
  const reach = readReach(opts.actor);
  const rows = await db.selectFrom('releases').select(RELEASE_COLUMNS).where('org_id', '=', opts.actor.orgId).orderBy('code').execute();
  return { releases: rows.map((r) => presentRelease(r, reach)), can_manage: releasesRules[opts.actor.roleKind].manage };
}

/** One release of the actor's organization (`release_not_found` otherwise, another co-op's never confirmed). */
export async function getRelease(db: DbOrTx, opts: { actor: StaffActor; id: string }): Promise<ReleaseView> {
  const reach = readReach(opts.actor);
  const row = await db
    .selectFrom('releases')
    .select(RELEASE_COLUMNS)
    .where('org_id', '=', opts.actor.orgId)
    .where('id', '=', opts.id)
    .executeTakeFirst();
  if (!row) throw new AppError('release_not_found');
  const runs = await db
    .selectFrom('release_runs')
    .selectAll()
    .where('release_id', '=', row.id)
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(100)
    .execute();
  const versions = await db
    .selectFrom('release_versions')
    .leftJoin('users', 'users.id', 'release_versions.created_by')
    .select([
      'release_versions.version',
      'release_versions.items',
      'release_versions.changed',
      'release_versions.created_at',
      'users.login',
    ])
    .where('release_versions.release_id', '=', row.id)
    .orderBy('release_versions.version', 'desc')
    .execute();
  return {
    ...presentRelease(row, reach),
    runs: runs.map(presentRun),
    versions: versions.map((v) => ({
      version: v.version,
      items: JSON.parse(v.items) as string[],
      changed: JSON.parse(v.changed) as string[],
      created_at: v.created_at,
      created_by: v.login ?? null,
    })),
    can_manage: releasesRules[opts.actor.roleKind].manage,
  };
}

/** The release spec file (YAML) of one release: the processing method, for the privacy office only. */
export async function exportReleaseFile(db: DbOrTx, opts: { actor: StaffActor; id: string }): Promise<{ code: string; yaml: string }> {
  assertMayManage(opts.actor);
  const view = await getRelease(db, opts);
  return { code: view.code, yaml: view.yaml ?? '' };
}
