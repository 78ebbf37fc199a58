/**
 * The access rules as data. A policy says, per organization: which purposes of use exist (numbered as
 * published), which data items each purpose may use, which roles may use which purposes, and which other
 * organizations may use its members' data under a declared joint use (共同利用), for which purposes and
 * items, from which date. The engine (`decide.ts`) compiles this once and answers many requests.
 */
import type { BlockKind, ConsentMode } from '../../db/schema.ts';

export interface PolicyData {
  /** `consentMode` defaults to `none`; `opt_in` purposes need the member's `consented` flag. */
  purposes: {
    id: string;
    orgId: string;
    code: string;
    consentMode?: ConsentMode;
    /** False for a purpose that concerns no one in the member ledger (staff, partners): it opens no member. */
    forMembers?: boolean;
  }[];
  items: { id: string; orgId: string; code: string }[];
  purposeItems: { purposeId: string; itemId: string }[];
  rolePurposes: { roleId: string; purposeId: string }[];
  jointUse: {
    id: string;
    /** The organization whose members are used. */
    ownerOrgId: string;
    /** The organizations that may use them (joint users). */
    userOrgIds: string[];
    purposeIds: string[];
    itemIds: string[];
    /** Narrower items for some purposes: for such a purpose the joint users get only these. */
    purposeItems?: { purposeId: string; itemId: string }[];
    startsOn: string;
    endsOn: string | null;
  }[];
}

export type AccessAction = 'read' | 'create' | 'update' | 'search';

export interface AccessRequest {
  actor: { roleId: string; orgId: string };
  /** Purpose code as published by the member's organization, e.g. `P04`. */
  purpose: string;
  action: AccessAction;
  /** Item codes asked for; omitted means every item the purpose allows. */
  items?: readonly string[];
  member: { orgId: string; blocks: readonly { purposeId: string; kind: BlockKind }[]; status?: string };
  /** Today as `YYYY-MM-DD` (joint use has effective dates). */
  today: string;
}

export type RefusalCode =
  | 'purpose_unknown'
  | 'purpose_not_permitted'
  | 'item_not_in_purpose'
  | 'member_out_of_scope'
  | 'joint_use_not_effective'
  | 'member_opted_out'
  | 'member_consent_missing'
  | 'purpose_not_for_members'
  | 'member_use_stopped';

export type Decision =
  | {
      allowed: true;
      purposeId: string;
      /** The item codes the caller may see or change: what the presenter returns. */
      items: readonly string[];
      /** Set when the access rests on a joint use rather than on the actor's own organization. */
      jointUseId?: string;
    }
  | { allowed: false; code: RefusalCode; purposeId?: string; items?: readonly string[] };
