/**
 * The access engine: one place decides whether a purpose-bound access to a member's data is allowed, and
 * which items it may touch. Handlers, the CLI and jobs ask it; they never decide themselves.
 *
 * The policy is compiled into integer indexes and bitsets so that a decision is a handful of map lookups
 * and word operations (the benchmark asks for ≥ 500,000 decisions/s; see bench/access-engine.ts).
 *
 * Order of checks, and the refusal each gives:
 *  1. the member's organization is the actor's, or a joint use names the actor's organization → member_out_of_scope
 *  2. the purpose exists (active) in the member's organization                                → purpose_unknown
 *     … and concerns people in the member ledger (not staff or partners only)                → purpose_not_for_members
 *  3. the actor's role may use the purpose                                                   → purpose_not_permitted
 *  4. for a joint user: a joint use covers this purpose                                       → member_out_of_scope
 *     … and one is in effect today (the items of all those in effect are shared)             → joint_use_not_effective
 *  5. every item asked for belongs to the purpose (and to the joint use)                     → item_not_in_purpose
 *  6. the member has not had this purpose stopped (利用停止)                                  → member_use_stopped
 *     … nor opted out of it                                                                  → member_opted_out
 *     … and, for a purpose used only with consent (opt-in), has consented                    → member_consent_missing
 */
import type { AccessRequest, Decision, PolicyData } from './policy.ts';

interface CompiledPurpose {
  id: string;
  orgId: string;
  /** Used only with the member's consent (a `consented` flag). */
  optIn: boolean;
  /** Concerns people in the member ledger. */
  forMembers: boolean;
  /** Item bitset over the organization's item index. */
  items: Uint32Array;
}

interface CompiledJointUse {
  id: string;
  userOrgIds: Set<string>;
  purposeIds: Set<string>;
  items: Uint32Array;
  /** Narrower items for some purposes (by purpose id), within `items`. */
  purposeItems: Map<string, Uint32Array>;
  startsOn: string;
  endsOn: string | null;
}

interface CompiledOrg {
  itemIndex: Map<string, number>;
  itemCodes: string[];
  words: number;
  purposes: Map<string, CompiledPurpose>;
  /** Joint uses of this organization's members, by the using organization. */
  jointUseByUser: Map<string, CompiledJointUse[]>;
}

export class AccessEngine {
  readonly #orgs = new Map<string, CompiledOrg>();
  readonly #rolePurposes = new Map<string, Set<string>>();
  /** Memoised item lists per bitset, so allowed decisions do not allocate. */
  readonly #itemListCache = new Map<string, readonly string[]>();

  constructor(policy: PolicyData) {
    const org = (orgId: string): CompiledOrg => {
      let o = this.#orgs.get(orgId);
      if (!o) {
        o = { itemIndex: new Map(), itemCodes: [], words: 1, purposes: new Map(), jointUseByUser: new Map() };
        this.#orgs.set(orgId, o);
      }
      return o;
    };
    const itemOrg = new Map<string, { orgId: string; index: number }>();
    for (const item of policy.items) {
      const o = org(item.orgId);
      const index = o.itemCodes.length;
      o.itemIndex.set(item.code, index);
      o.itemCodes.push(item.code);
      itemOrg.set(item.id, { orgId: item.orgId, index });
    }
    for (const o of this.#orgs.values()) o.words = Math.max(1, Math.ceil(o.itemCodes.length / 32));

    const purposeById = new Map<string, CompiledPurpose>();
    for (const p of policy.purposes) {
      const o = org(p.orgId);
      const compiled: CompiledPurpose = {
        id: p.id,
        orgId: p.orgId,
        optIn: p.consentMode === 'opt_in',
        forMembers: p.forMembers !== false,
        items: new Uint32Array(o.words),
      };
      o.purposes.set(p.code, compiled);
      purposeById.set(p.id, compiled);
    }
    for (const pi of policy.purposeItems) {
      const purpose = purposeById.get(pi.purposeId);
      const item = itemOrg.get(pi.itemId);
      if (purpose && item && item.orgId === purpose.orgId) setBit(purpose.items, item.index);
    }
    for (const rp of policy.rolePurposes) {
      const set = this.#rolePurposes.get(rp.roleId) ?? new Set<string>();
      set.add(rp.purposeId);
      this.#rolePurposes.set(rp.roleId, set);
    }
    for (const ju of policy.jointUse) {
      const o = org(ju.ownerOrgId);
      const items = new Uint32Array(o.words);
      for (const itemId of ju.itemIds) {
        const item = itemOrg.get(itemId);
        if (item && item.orgId === ju.ownerOrgId) setBit(items, item.index);
      }
      const purposeItems = new Map<string, Uint32Array>();
      for (const pi of ju.purposeItems ?? []) {
        const item = itemOrg.get(pi.itemId);
        if (!item || item.orgId !== ju.ownerOrgId) continue;
        const bits = purposeItems.get(pi.purposeId) ?? new Uint32Array(o.words);
        purposeItems.set(pi.purposeId, bits);
        setBit(bits, item.index);
      }
      const compiled: CompiledJointUse = {
        id: ju.id,
        userOrgIds: new Set(ju.userOrgIds),
        purposeIds: new Set(ju.purposeIds),
        items,
        purposeItems,
        startsOn: ju.startsOn,
        endsOn: ju.endsOn,
      };
      for (const userOrg of ju.userOrgIds) {
        if (userOrg === ju.ownerOrgId) continue;
        const list = o.jointUseByUser.get(userOrg) ?? [];
        list.push(compiled);
        o.jointUseByUser.set(userOrg, list);
      }
    }
  }

  /** Decides one request. Pure: same policy and request, same decision. */
  decide(req: AccessRequest): Decision {
    const org = this.#orgs.get(req.member.orgId);
    if (!org) return { allowed: false, code: 'member_out_of_scope' };
    const own = req.actor.orgId === req.member.orgId;
    const jointUses = own ? undefined : org.jointUseByUser.get(req.actor.orgId);
    if (!own && !jointUses) return { allowed: false, code: 'member_out_of_scope' };

    const purpose = org.purposes.get(req.purpose);
    if (!purpose) return { allowed: false, code: 'purpose_unknown' };
    if (!purpose.forMembers) return { allowed: false, code: 'purpose_not_for_members', purposeId: purpose.id };
    if (!this.#rolePurposes.get(req.actor.roleId)?.has(purpose.id)) {
      return { allowed: false, code: 'purpose_not_permitted', purposeId: purpose.id };
    }

    let allowedItems = purpose.items;
    let jointUseId: string | undefined;
    if (jointUses) {
      // Several joint uses may cover the purpose (e.g. a group-wide one and one with extra items for a
      // federation): the joint user may use the items any of those in effect today declares.
      let covering = false;
      let shared: Uint32Array | undefined;
      for (const ju of jointUses) {
        if (!ju.purposeIds.has(purpose.id)) continue;
        covering = true;
        if (ju.startsOn <= req.today && (ju.endsOn === null || req.today <= ju.endsOn)) {
          const declared = ju.purposeItems.get(purpose.id);
          const usable = declared ? intersect(ju.items, declared) : ju.items;
          shared = shared ? union(shared, usable) : usable;
          jointUseId ??= ju.id;
        }
      }
      if (!covering) return { allowed: false, code: 'member_out_of_scope', purposeId: purpose.id };
      if (!shared) return { allowed: false, code: 'joint_use_not_effective', purposeId: purpose.id };
      allowedItems = intersect(purpose.items, shared);
    }

    let items: readonly string[];
    if (req.items) {
      for (const code of req.items) {
        const index = org.itemIndex.get(code);
        if (index === undefined || !hasBit(allowedItems, index)) {
          return { allowed: false, code: 'item_not_in_purpose', purposeId: purpose.id, items: req.items };
        }
      }
      items = req.items;
    } else {
      items = this.#itemList(org, allowedItems);
    }

    for (const block of req.member.blocks) {
      if (block.purposeId === purpose.id && block.kind === 'stopped') {
        return { allowed: false, code: 'member_use_stopped', purposeId: purpose.id };
      }
    }
    for (const block of req.member.blocks) {
      if (block.purposeId === purpose.id && block.kind === 'opt_out') {
        return { allowed: false, code: 'member_opted_out', purposeId: purpose.id };
      }
    }
    if (
      purpose.optIn &&
      (req.action === 'read' || req.action === 'update') &&
      !req.member.blocks.some((b) => b.purposeId === purpose.id && b.kind === 'consented')
    ) {
      return { allowed: false, code: 'member_consent_missing', purposeId: purpose.id };
    }
    return jointUseId ? { allowed: true, purposeId: purpose.id, items, jointUseId } : { allowed: true, purposeId: purpose.id, items };
  }

  /** The purposes (codes of `orgId`) a role may use: what a screen offers in its purpose picker. */
  purposesForRole(roleId: string, orgId: string): string[] {
    const granted = this.#rolePurposes.get(roleId);
    const org = this.#orgs.get(orgId);
    if (!granted || !org) return [];
    return [...org.purposes.entries()].filter(([, p]) => granted.has(p.id)).map(([code]) => code);
  }

  /** True when the purpose is used only with the member's consent (opt-in). */
  needsConsent(orgId: string, purposeCode: string): boolean {
    return this.#orgs.get(orgId)?.purposes.get(purposeCode)?.optIn ?? false;
  }

  /** The item codes a purpose of `orgId` may use. */
  itemsOfPurpose(orgId: string, purposeCode: string): readonly string[] {
    const org = this.#orgs.get(orgId);
    const purpose = org?.purposes.get(purposeCode);
    return org && purpose ? this.#itemList(org, purpose.items) : [];
  }

  #itemList(org: CompiledOrg, bits: Uint32Array): readonly string[] {
    const key = `${org.itemCodes.length}:${bits.join(',')}:${org.itemCodes[0] ?? ''}`;
    let list = this.#itemListCache.get(key);
    if (!list) {
      const out: string[] = [];
      for (let i = 0; i < org.itemCodes.length; i++) if (hasBit(bits, i)) out.push(org.itemCodes[i]!);
      list = Object.freeze(out);
      this.#itemListCache.set(key, list);
    }
    return list;
  }
}

function setBit(bits: Uint32Array, index: number): void {
  bits[index >>> 5]! |= 1 << (index & 31);
}
function hasBit(bits: Uint32Array, index: number): boolean {
  return ((bits[index >>> 5] ?? 0) & (1 << (index & 31))) !== 0;
}
function union(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! | (b[i] ?? 0);
  return out;
}
function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! & (b[i] ?? 0);
  return out;
}
