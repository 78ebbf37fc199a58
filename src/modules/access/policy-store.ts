/**
 * Loads the access policy from the registers in the database and keeps a compiled engine. Changes made
 * through mamori invalidate it at once; other instances (several servers on one PostgreSQL) pick changes up
 * within `ttlMs`. Per-member opt-outs and stops are not part of the policy: they are read with the member,
 * so they take effect immediately everywhere.
 */
import type { DbOrTx } from '../../db/database.ts';
import { AccessEngine } from './decide.ts';
import type { PolicyData } from './policy.ts';

export async function loadPolicy(db: DbOrTx): Promise<PolicyData> {
  const [purposes, items, purposeItems, rolePurposes, groups, groupMembers, groupPurposes, groupItems] = await Promise.all([
    db
      .selectFrom('purposes')
      .select(['id', 'org_id as orgId', 'code', 'consent_mode as consentMode'])
      .where('status', '=', 'active')
      .execute(),
    db.selectFrom('data_items').select(['id', 'org_id as orgId', 'code']).orderBy('org_id').orderBy('code').execute(),
    db.selectFrom('purpose_items').select(['purpose_id as purposeId', 'item_id as itemId']).execute(),
    db.selectFrom('role_purposes').select(['role_id as roleId', 'purpose_id as purposeId']).execute(),
    db.selectFrom('joint_use_groups').selectAll().execute(),
    db.selectFrom('joint_use_members').selectAll().execute(),
    db.selectFrom('joint_use_purposes').selectAll().execute(),
    db.selectFrom('joint_use_items').selectAll().execute(),
  ]);
  const byGroup = <T extends { group_id: string }, K extends keyof T>(rows: T[], key: K, id: string) =>
    rows.filter((r) => r.group_id === id).map((r) => r[key] as string);
  return {
    purposes,
    items,
    purposeItems,
    rolePurposes,
    jointUse: groups.map((g) => ({
      id: g.id,
      ownerOrgId: g.owner_org_id,
      userOrgIds: byGroup(groupMembers, 'org_id', g.id),
      purposeIds: byGroup(groupPurposes, 'purpose_id', g.id),
      itemIds: byGroup(groupItems, 'item_id', g.id),
      startsOn: g.starts_on,
      endsOn: g.ends_on,
    })),
  };
}

export class PolicyStore {
  #engine: AccessEngine | undefined;
  #loadedAt = 0;
  #loading: Promise<AccessEngine> | undefined;
  readonly #db: DbOrTx;
  readonly #ttlMs: number;
  readonly #beforeLoad: (() => Promise<unknown>) | undefined;

  /**
   * `beforeLoad` runs before each reload: the context uses it to activate policy versions whose effective
   * date has come, so the engine never enforces a version early or late by more than `ttlMs`.
   */
  constructor(db: DbOrTx, ttlMs = 5000, opts: { beforeLoad?: () => Promise<unknown> } = {}) {
    this.#db = db;
    this.#ttlMs = ttlMs;
    this.#beforeLoad = opts.beforeLoad;
  }

  async engine(): Promise<AccessEngine> {
    if (this.#engine && Date.now() - this.#loadedAt < this.#ttlMs) return this.#engine;
    this.#loading ??= this.#prepare()
      .then(() => loadPolicy(this.#db))
      .then((data) => {
        this.#engine = new AccessEngine(data);
        this.#loadedAt = Date.now();
        return this.#engine;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }

  async #prepare(): Promise<void> {
    if (!this.#beforeLoad) return;
    try {
      await this.#beforeLoad();
    } catch (e) {
      // A failed activation must not stop access decisions under the version in effect; it is retried next load.
      console.error('mamori: activating due policy versions failed:', e);
    }
  }

  /** Call after changing purposes, items, grants or joint use. */
  invalidate(): void {
    this.#loadedAt = 0;
  }
}

/** Every context carries this service (`base/context.ts` knows no module; the module adds its own). */
declare module '../../base/context.ts' {
  interface AppContext {
    /** The access policy per organization, cached (see PolicyStore). */
    policy: PolicyStore;
  }
}
