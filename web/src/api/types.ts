/** Shapes of the mamori API answers the console reads (see /api/docs for the full OpenAPI document). */
import type { FieldIssue } from '../../../src/contract/errors.ts';
import type { RoleKind } from '../../../src/contract/roles.ts';

export type { FieldIssue, RoleKind };
export type MfaStep = 'none' | 'totp' | 'enroll';

export interface Purpose {
  code: string;
  number: number;
  /** The published number as a circled digit, e.g. ④. */
  label: string;
  name: string;
  name_en: string;
  status: string;
  items: string[];
  permitted?: boolean;
  /** The purpose concerns members (false for a purpose of staff or business partners only, e.g. ⑫). */
  for_members?: boolean;
}

export interface DataItem {
  code: string;
  name: string;
  name_en: string;
  sensitive: number;
}

export interface Named {
  code: string;
  name: string;
  name_en: string;
}

export type Duty = 'member_requests' | 'provision_records' | 'handovers';
export type DutyAccess = 'handle' | 'read' | null;

export interface Me {
  mfa: 'none';
  user: { id: string; login: string; display_name: string };
  /** A TOTP second factor is in force (re-binding it then asks for a current code too). */
  totp: boolean;
  organization: Named & { kind: string };
  role: Named & { kind: RoleKind };
  /** Work beyond purposes (organizations/duties.ts): handle, read only, or none. */
  duties: Record<Duty, DutyAccess>;
  department: Named | null;
  purposes: Purpose[];
  /** Organizations whose members this user may use through a joint use (共同利用) in effect today. */
  joint_use: {
    org_code: string;
    org_name: string;
    purposes: { code: string; number: number; label: string; name: string; name_en: string; items: string[] }[];
  }[];
}

export type MeAnswer = Me | { mfa: 'totp' | 'enroll' };

export type MemberValue = string | number | null;
/** A member as presented for one purpose: only the items that purpose allows are present. */
export type Member = { id: string; version: number } & Record<string, MemberValue>;

export interface AuditEntry {
  seq: number;
  ts: string;
  actor_type: string;
  actor_id: string | null;
  actor_login: string | null;
  actor_name: string | null;
  action: string;
  outcome: 'allowed' | 'refused' | 'ok' | 'failed';
  purpose_code: string | null;
  member_id: string | null;
  member_code: string | null;
  error_code: string | null;
  detail: Record<string, unknown>;
  hash: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_before: number | null;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  lastSeq?: number;
  firstBad?: { seq: number; problem: string; message_ja: string; message_en: string };
}

export interface Alert {
  id: string;
  kind: 'bulk_reads' | 'bulk_listing' | 'off_hours' | 'withdrawn_member' | 'my_number_found';
  actor_id: string | null;
  actor_login: string | null;
  actor_name: string | null;
  member_id: string | null;
  member_code: string | null;
  audit_seq: number | null;
  created_at: string;
  detail: Record<string, unknown>;
  status: 'open' | 'acknowledged';
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  acknowledged_by_name: string | null;
  acknowledged_note: string | null;
}

export interface StaffUser {
  id: string;
  login: string;
  display_name: string;
  status: string;
  role: string;
  role_name: string;
  role_kind: RoleKind;
  department: string | null;
  department_name: string | null;
}
