/**
 * Reading the systems register: the organization's systems with their status and, when the policy in effect
 * maps the same code, its owner and country; and the mapped systems not yet registered (the map says what a
 * system holds, the register how to reach it — a mapped system without a connection cannot take part in
 * requests). Never a secret, never the encrypted settings.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { SystemKind } from '../../contract/connector-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { PolicySystem } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { mayManage, readReach } from './permissions.ts';
import { presentSystem, type SystemView } from './presenter.ts';

export interface SystemsList {
  systems: SystemView[];
  /** Systems of the dataset map with no connection registered yet. */
  unregistered: { code: string; name: string; name_en: string | null; kind: SystemKind; owner: string | null; country: string }[];
  can_manage: boolean;
}

const COLUMNS = [
  'id',
  'code',
  'name',
  'kind',
  'settings_public',
  'has_secret',
  'status',
  'last_checked_at',
  'last_error',
  'version',
  'created_at',
  'updated_at',
] as const;

async function mappedSystems(db: DbOrTx, orgId: string): Promise<Map<string, PolicySystem>> {
  const policy = await policyInEffect(db, orgId);
  return new Map((policy?.document.systems ?? []).map((s) => [s.code, s]));
}

export async function listSystems(db: DbOrTx, opts: { actor: StaffActor }): Promise<SystemsList> {
  const reach = readReach(opts.actor);
  const rows = await db.selectFrom('connected_systems').select(COLUMNS).where('org_id', '=', opts.actor.orgId).orderBy('code').execute();
  const map = await mappedSystems(db, opts.actor.orgId);
  const registered = new Set(rows.map((r) => r.code));
  return {
    systems: rows.map((r) => presentSystem(r, reach, map.get(r.code))),
    unregistered: [...map.values()]
      .filter((s) => !registered.has(s.code))
      .map((s) => ({ code: s.code, name: s.name, name_en: s.name_en ?? null, kind: s.kind, owner: s.owner ?? null, country: s.country })),
    can_manage: mayManage(opts.actor),
  };
}

/** One system of the actor's organization (`system_unknown` otherwise, another co-op's never confirmed). */
export async function getSystem(db: DbOrTx, opts: { actor: StaffActor; code: string }): Promise<SystemView> {
  const reach = readReach(opts.actor);
  const row = await db
    .selectFrom('connected_systems')
    .select(COLUMNS)
    .where('org_id', '=', opts.actor.orgId)
    .where('code', '=', opts.code)
    .executeTakeFirst();
  if (!row) throw new AppError('system_unknown');
  const map = await mappedSystems(db, opts.actor.orgId);
  return presentSystem(row, reach, map.get(row.code));
}
