/**
 * Loads the access policy from the registers in the database and keeps a compiled engine. A change made
 * through mamori is published as `policy.changed` (base/events.ts), which drops the engine at once in this
 * process and, through the change bus, in every other instance on the same PostgreSQL; `ttlMs` remains as a
 * backstop (changes written to the database by hand). Per-member opt-outs and stops are not part of the
 * policy: they are read with the member, so they take effect immediately everywhere.
 */
import type { EventHub } from '../../base/events.ts';
import type { DbOrTx } from '../../db/database.ts';
import { AccessEngine } from './decide.ts';
import type { PolicyData } from './policy.ts';

export async function loadPolicy(db: DbOrTx): Promise<PolicyData> {
  const [purposes, items, purposeItems, rolePurposes, groups, groupMembers, groupPurposes, groupItems, groupPurposeItems] =
    await Promise.all([
      db
        .selectFrom('purposes')
        .select(['id', 'org_id as orgId', 'code', 'consent_mode as consentMode', 'for_members as forMembers'])
        .where('status', '=', 'active')
        .execute(),
      db.selectFrom('data_items').select(['id', 'org_id as orgId', 'code']).orderBy('org_id').orderBy('code').execute(),
      db.selectFrom('purpose_items').select(['purpose_id as purposeId', 'item_id as itemId']).execute(),
      db.selectFrom('role_purposes').select(['role_id as roleId', 'purpose_id as purposeId']).execute(),
      db.selectFrom('joint_use_groups').selectAll().execute(),
      db.selectFrom('joint_use_members').selectAll().execute(),
      db.selectFrom('joint_use_purposes').selectAll().execute(),
      db.selectFrom('joint_use_items').selectAll().execute(),
      db.selectFrom('joint_use_purpose_items').selectAll().execute(),
    ]);
  const byGroup = <T extends { group_id: string }, K extends keyof T>(rows: T[], key: K, id: string) =>
    rows.filter((r) => r.group_id === id).map((r) => r[key] as string);
  return {
    purposes: purposes.map((p) => ({ ...p, forMembers: Number(p.forMembers) === 1 })),
    items,
    purposeItems,
    rolePurposes,
    jointUse: groups.map((g) => ({
      id: g.id,
      ownerOrgId: g.owner_org_id,
      userOrgIds: byGroup(groupMembers, 'org_id', g.id),
      purposeIds: byGroup(groupPurposes, 'purpose_id', g.id),
      itemIds: byGroup(groupItems, 'item_id', g.id),
      purposeItems: groupPurposeItems.filter((r) => r.group_id === g.id).map((r) => ({ purposeId: r.purpose_id, itemId: r.item_id })),
      startsOn: g.starts_on,
      endsOn: g.ends_on,
    })),
  };
}

export class PolicyStore {
  #engine: AccessEngine | undefined;
  #loadedAt = 0;
  #loading: Promise<AccessEngine> | undefined;
  /** Counts invalidations: a load that overlapped one is not kept (it may have read the registers before the change). */
  #generation = 0;
  readonly #db: DbOrTx;
  readonly #hub: EventHub;
  readonly #ttlMs: number;
  readonly #beforeLoad: (() => Promise<unknown>) | undefined;

  /**
   * `beforeLoad` runs before each reload: the context uses it to activate policy versions whose effective
   * date has come, so the engine never enforces a version early or late by more than `ttlMs`.
   */
  constructor(db: DbOrTx, hub: EventHub, ttlMs = 5000, opts: { beforeLoad?: () => Promise<unknown> } = {}) {
    this.#db = db;
    this.#hub = hub;
    hub.on('policy.changed', () => this.invalidate());
    hub.on('caches.flush', () => this.invalidate());
    this.#ttlMs = ttlMs;
    this.#beforeLoad = opts.beforeLoad;
  }

  /**
   * The compiled engine: kept for `ttlMs` unless a change drops it; while the change bus cannot hear other
   * instances (`cachesTrusted` false) every call loads anew (concurrent calls share one load).
   */
  async engine(): Promise<AccessEngine> {
    if (this.#engine && this.#hub.cachesTrusted && Date.now() - this.#loadedAt < this.#ttlMs) return this.#engine;
    if (this.#loading) return this.#loading;
    const loading = this.#prepare()
      .then(async () => {
        const generation = this.#generation;
        const engine = new AccessEngine(await loadPolicy(this.#db));
        // Kept only if nothing changed while it loaded; it still answers the calls that waited for it.
        if (generation === this.#generation) {
          this.#engine = engine;
          this.#loadedAt = Date.now();
        }
        return engine;
      })
      .finally(() => {
        if (this.#loading === loading) this.#loading = undefined;
      });
    this.#loading = loading;
    return loading;
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

  /** Drops the engine in this process only; a change publishes `policy.changed` instead (every instance). */
  invalidate(): void {
    this.#generation++;
    this.#loadedAt = 0;
    // Calls from now on do not join a load that began before the change.
    this.#loading = undefined;
  }
}

/** Every context carries this service (`base/context.ts` knows no module; the module adds its own). */
declare module '../../base/context.ts' {
  interface AppContext {
    /** The access policy per organization, cached (see PolicyStore). */
    policy: PolicyStore;
  }
}
