/**
 * Table types for Kysely. Both dialects store the same values: ids are text (UUIDs), timestamps are ISO-8601
 * UTC text (`2026-11-22T01:02:03.456Z`), dates are `YYYY-MM-DD` text, booleans are 0/1 integers. Keeping one
 * representation means a row hashes the same way in the audit chain on SQLite and PostgreSQL.
 */
import type { ColumnType, Generated } from 'kysely';

export type OrganizationKind = 'coop' | 'federation' | 'subsidiary';
/** The five system roles; a co-op defines its own roles, each of one kind. */
export type RoleKind = 'privacy_officer' | 'department_manager' | 'staff' | 'auditor' | 'system_admin';
export type MemberStatus = 'active' | 'suspended' | 'withdrawn';
export type DeliveryType = 'group' | 'individual' | 'store_only';
export type Gender = 'female' | 'male' | 'other' | 'unknown';
export type BlockKind = 'opt_out' | 'stopped';

export interface OrganizationTable {
  id: string;
  code: string;
  name: string;
  name_en: string;
  kind: OrganizationKind;
  parent_id: string | null;
  /** JSON: alert thresholds and working hours (see organizations/settings.ts). */
  settings: string;
  created_at: string;
}

export interface DepartmentTable {
  id: string;
  org_id: string;
  code: string;
  name: string;
  name_en: string;
}

export interface RoleTable {
  id: string;
  org_id: string;
  code: string;
  name: string;
  name_en: string;
  kind: RoleKind;
}

export interface UserTable {
  id: string;
  org_id: string;
  department_id: string | null;
  role_id: string;
  login: string;
  display_name: string;
  email: string | null;
  password_hash: string;
  /** Encrypted with the data key ring; null until the user enrols. */
  totp_secret_enc: string | null;
  totp_enabled: number;
  /** The TOTP time step last accepted (codes at or before it are refused: no replay). */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  failed_attempts: number;
  locked_until: string | null;
  status: 'active' | 'disabled';
  created_at: string;
  updated_at: string;
}

export interface SessionTable {
  /** SHA-256 of the cookie token: a stolen database does not yield live sessions. */
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** 1 while the password is checked but the second factor is not. */
  mfa_pending: number;
}

export interface PurposeTable {
  id: string;
  org_id: string;
  /** Stable key used by the API and audit trail, e.g. `P04`. */
  code: string;
  /** Number as published in the policy (④ → 4). */
  number: number;
  name: string;
  name_en: string;
  status: 'active' | 'retired';
}

export interface DataItemTable {
  id: string;
  org_id: string;
  /** Matches a member ledger field (`name`, `phone`, `bank_account`, …). */
  code: string;
  name: string;
  name_en: string;
  /** 要配慮個人情報 (special care-required). */
  sensitive: number;
  /** `retired` when the policy in effect no longer names the item. */
  status: Generated<'active' | 'retired'>;
}

export interface PurposeItemTable {
  purpose_id: string;
  item_id: string;
}

export interface RolePurposeTable {
  role_id: string;
  purpose_id: string;
}

/** 共同利用: the owner's members may be used by the group's organizations, for these purposes and items. */
export interface JointUseGroupTable {
  id: string;
  owner_org_id: string;
  /** The joint use's code in the policy document (null for groups made before policies were versioned). */
  code: string | null;
  name: string;
  starts_on: string;
  ends_on: string | null;
}
export interface JointUseMemberTable {
  group_id: string;
  org_id: string;
}
export interface JointUsePurposeTable {
  group_id: string;
  purpose_id: string;
}
export interface JointUseItemTable {
  group_id: string;
  item_id: string;
}

export interface MemberTable {
  id: string;
  org_id: string;
  member_code: string;
  name: string;
  name_kana: string;
  /** Search key: katakana, no spaces, full width. */
  name_kana_norm: string;
  gender: Gender;
  birth_date: string | null;
  postal_code: string | null;
  address: string | null;
  phone: string | null;
  /** Search key: digits only. */
  phone_norm: string | null;
  email: string | null;
  /** AES-256-GCM ciphertext with its key id (see crypto/data-keys.ts). */
  bank_account_enc: string | null;
  delivery_type: DeliveryType;
  join_date: string;
  leave_date: string | null;
  share_capital: number;
  status: MemberStatus;
  note: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** An opt-out by the member or a cessation of use (利用停止) for one purpose. */
export interface MemberPurposeBlockTable {
  member_id: string;
  purpose_id: string;
  kind: BlockKind;
  reason: string | null;
  created_at: string;
  created_by: string | null;
}

export interface AuditLogTable {
  seq: ColumnType<number, number, never>;
  ts: string;
  org_id: string | null;
  actor_type: 'user' | 'system' | 'cli' | 'anonymous';
  actor_id: string | null;
  action: string;
  outcome: 'allowed' | 'refused' | 'ok' | 'failed';
  purpose_code: string | null;
  member_id: string | null;
  error_code: string | null;
  /** Canonical JSON of the event's payload. */
  detail: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface AlertTable {
  id: string;
  org_id: string;
  kind: 'bulk_reads' | 'off_hours' | 'withdrawn_member';
  actor_id: string | null;
  member_id: string | null;
  audit_seq: number | null;
  created_at: string;
  detail: string;
  status: 'open' | 'acknowledged';
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}

export interface AccessCounterTable {
  actor_id: string;
  /** UTC hour bucket `2026-11-22T01`. */
  hour: string;
  count: number;
}

export interface ImportRunTable {
  id: string;
  org_id: string;
  file_name: string;
  file_sha256: string;
  started_at: string;
  finished_at: string | null;
  status: 'running' | 'completed' | 'failed';
  rows_total: number;
  rows_created: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  actor: string;
}

export type PolicyVersionStatus = 'draft' | 'scheduled' | 'active' | 'superseded';

/** A policy document: the organization's draft (number null) or a published version. */
export interface PolicyVersionTable {
  id: string;
  org_id: string;
  number: number | null;
  status: PolicyVersionStatus;
  /** The policy document as canonical JSON (see modules/policy/document.ts). */
  document: string;
  sha256: string;
  revision: number;
  summary: string | null;
  /** JSON list of the changes from the previous version, with their notice flags. */
  changes: string;
  /** JSON list of lint warnings accepted when publishing. */
  warnings: string;
  /** The date the version was published as a notice to members (YYYY-MM-DD, Japan time). */
  notice_on: string | null;
  effective_on: string | null;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
  published_at: string | null;
  published_by: string | null;
  activated_at: string | null;
}

/** 個人情報管理台帳: one information asset (paper or system) holding personal information (JIS Q 15001). */
export interface LedgerAssetTable {
  id: string;
  org_id: string;
  /** 台帳番号, unique in the organization (e.g. `L-0001`). */
  code: string;
  name: string;
  /** The owning department (its 部門管理者 may edit the asset). */
  department_id: string;
  medium: 'paper' | 'electronic' | 'both';
  description: string;
  data_subjects: string;
  record_count: number | null;
  /** JSON array of data item codes of the organization's register. */
  items: string;
  other_items: string;
  /** JSON array of purpose codes of the organization's register. */
  purposes: string;
  storage_location: string;
  storage_method: string;
  access_scope: string;
  period_of_use: string;
  retention: string;
  disposal_method: string;
  /** 要配慮個人情報 present (0/1). */
  sensitive: number;
  sensitive_note: string;
  acquisition_method: 'direct_written' | 'direct_other' | 'indirect' | null;
  acquisition_note: string;
  notice_method: string;
  consent: string;
  provision: string;
  joint_use: string;
  /** JSON array of contractors (委託先): free text or contractor codes of the policy document. */
  contractors: string;
  review_interval_months: number;
  last_reviewed_on: string | null;
  /** Kept with the row so that "overdue" is an indexed comparison. */
  next_review_on: string;
  status: 'active' | 'retired';
  retired_on: string | null;
  retire_reason: string | null;
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

/** The risk assessment of an asset: one row per lifecycle stage assessed. */
export interface LedgerRiskTable {
  asset_id: string;
  stage: 'acquire' | 'transfer' | 'use' | 'store' | 'dispose' | 'outsource' | 'provide';
  /** 0 when the stage does not occur for this asset (e.g. no outsourcing). */
  applicable: number;
  threats: string;
  countermeasures: string;
  residual_risk: 'low' | 'medium' | 'high' | null;
}

/** A review of an asset (見直し): who, when, the result and notes. */
export interface LedgerReviewTable {
  id: string;
  asset_id: string;
  org_id: string;
  reviewed_on: string;
  result: 'no_change' | 'updated' | 'action_required';
  notes: string;
  reviewer_id: string | null;
  /** As shown at the time, so the history reads the same after the user is renamed or removed. */
  reviewer_name: string;
  created_at: string;
}

export interface Database {
  policy_versions: PolicyVersionTable;
  organizations: OrganizationTable;
  departments: DepartmentTable;
  roles: RoleTable;
  users: UserTable;
  sessions: SessionTable;
  purposes: PurposeTable;
  data_items: DataItemTable;
  purpose_items: PurposeItemTable;
  role_purposes: RolePurposeTable;
  joint_use_groups: JointUseGroupTable;
  joint_use_members: JointUseMemberTable;
  joint_use_purposes: JointUsePurposeTable;
  joint_use_items: JointUseItemTable;
  members: MemberTable;
  member_purpose_blocks: MemberPurposeBlockTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  alerts: AlertTable;
  access_counters: AccessCounterTable;
  import_runs: ImportRunTable;
  ledger_assets: LedgerAssetTable;
  ledger_risks: LedgerRiskTable;
  ledger_reviews: LedgerReviewTable;
}
