/**
 * Table types for Kysely. Both dialects store the same values: ids are text (UUIDs), timestamps are ISO-8601
 * UTC text (`2026-11-22T01:02:03.456Z`), dates are `YYYY-MM-DD` text, booleans are 0/1 integers. Keeping one
 * representation means a row hashes the same way in the audit chain on SQLite and PostgreSQL.
 */
import type { ColumnType, Generated } from 'kysely';
import type { SystemKind, TaskAction, TaskState } from '../contract/connector-vocabulary.ts';
import type { JobState } from '../contract/jobs.ts';
import type { RequestChannel, Requester, RequestKind, RequestState } from '../contract/requests.ts';
import type { RoleKind } from '../contract/roles.ts';

export type OrganizationKind = 'coop' | 'federation' | 'subsidiary';
export type MemberStatus = 'active' | 'suspended' | 'withdrawn';
export type DeliveryType = 'group' | 'individual' | 'store_only';
export type Gender = 'female' | 'male' | 'other' | 'unknown';
/**
 * A member's flag on one purpose, weighed by the access engine: an opt-out (オプトアウト) or a cessation of use
 * (利用停止) blocks the purpose; `consented` records the person's consent to a purpose that needs it (opt-in).
 */
export type BlockKind = 'opt_out' | 'stopped' | 'consented';

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
  /** JSON array of duties (base/duties.ts) granted to a staff or department-manager role. */
  duties: ColumnType<string, string | undefined, string>;
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
  /**
   * A new TOTP secret being bound (encrypted), not yet in force: it replaces `totp_secret_enc` only when a
   * valid code from it activates it, so an officer is never left without a working second factor.
   */
  totp_pending_enc: ColumnType<string | null, string | null | undefined, string | null>;
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
  /** The person's say (see the policy document's purpose `consent`). */
  consent_mode: ColumnType<ConsentMode, ConsentMode | undefined, ConsentMode>;
  /** 1 when the purpose concerns people in the member ledger (migration 0015); 0 for staff or partners only. */
  for_members: ColumnType<number, number | undefined, number>;
}
export type ConsentMode = 'none' | 'opt_out' | 'opt_in';

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
/** Narrower items for one purpose inside a joint use (migration 0015). */
export interface JointUsePurposeItemTable {
  group_id: string;
  purpose_id: string;
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
  /** Set when a deletion request was carried out: only what the law requires keeping is left, restricted. */
  erased_at: string | null;
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
  actor_type: 'user' | 'system' | 'cli' | 'anonymous' | 'member';
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
  /** Random id given when the entry was queued (PostgreSQL); null on SQLite. Unique. */
  entry_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** `keyId.hmac` over the entry's content and entry_id, made by the writer (PostgreSQL); null on SQLite. */
  mac: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An entry queued by a writer on PostgreSQL, waiting for the sequencer to give it a place in the chain. */
export interface AuditQueueTable {
  id: Generated<number>;
  entry_id: string;
  ts: string;
  org_id: string | null;
  actor_type: AuditLogTable['actor_type'];
  actor_id: string | null;
  action: string;
  outcome: AuditLogTable['outcome'];
  purpose_code: string | null;
  member_id: string | null;
  error_code: string | null;
  detail: string;
  mac: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** When the sequencer last finished a batch (PostgreSQL). */
  sequenced_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AlertTable {
  id: string;
  org_id: string;
  kind: 'bulk_reads' | 'bulk_listing' | 'off_hours' | 'withdrawn_member' | 'my_number_found';
  actor_id: string | null;
  member_id: string | null;
  audit_seq: number | null;
  /** The entry_id of the audit entry that raised the alert, until the sequencer sets audit_seq (PostgreSQL). */
  audit_entry: string | null;
  created_at: string;
  detail: string;
  status: 'open' | 'acknowledged';
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  /** What the officer found, given when acknowledging (migration 0014). */
  acknowledged_note: ColumnType<string | null, string | null | undefined, string | null>;
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

/** A member's (or a guardian's) sign-in to the member page. The member code is the login. */
export interface MemberAccountTable {
  id: string;
  member_id: string;
  org_id: string;
  /** Null until the first sign-in with a one-time code sets a password. */
  password_hash: string | null;
  status: 'active' | 'disabled';
  failed_attempts: number;
  locked_until: string | null;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MemberSessionTable {
  /** SHA-256 of the cookie token. */
  id: string;
  account_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** Whose page is open: null for the member's own, else a ward's member id (checked against an active guardian link on every request). */
  subject_member_id: string | null;
}

/**
 * Failed sign-ins under a member code that has no password account (unknown, or never signed in), keyed by
 * the SHA-256 of organization code and member code: such a code locks like a real account, so the lockout
 * never tells whether a member code exists.
 */
export interface MemberSignInThrottleTable {
  key_hash: string;
  failed_attempts: number;
  locked_until: string | null;
  updated_at: string;
}

/**
 * Failed staff sign-ins under a login that is not a staff user, keyed by the SHA-256 of the login typed: such a
 * login locks like a real account, so the lockout never tells whether a login exists.
 */
export interface StaffSignInThrottleTable {
  key_hash: string;
  failed_attempts: number;
  locked_until: string | null;
  updated_at: string;
}

/**
 * A rate limit's window for one limited route and client (PostgreSQL, several instances): UNLOGGED, pruned
 * once windows have ended (app/rate-limit-store.ts).
 */
export interface RateLimitTable {
  /** SHA-256 of the route and the client's key (its address): no addresses in the table. */
  key_hash: string;
  hits: number;
  /** Milliseconds since the epoch, by the database's clock. */
  window_ends: number;
}

/** A one-time code sent by e-mail for the first sign-in or a recovery. */
export interface MemberOneTimeCodeTable {
  id: string;
  account_id: string;
  purpose: 'first_sign_in' | 'recovery';
  code_hash: string;
  attempts: number;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** A guardian (保護者・法定代理人) who manages a child member's page, linked by staff after checking proof. */
export interface GuardianLinkTable {
  id: string;
  org_id: string;
  child_member_id: string;
  guardian_member_id: string;
  relationship: 'parent' | 'legal_guardian' | 'other';
  /** What staff checked (e.g. 健康保険証と続柄の確認). */
  proof: string;
  verified_by: string;
  created_at: string;
  ended_at: string | null;
}

export type ConsentSubjectKind = 'purpose' | 'third_party';
export type ConsentState = 'granted' | 'withdrawn' | 'opted_out';
export type ConsentSource = 'page' | 'paper' | 'phone' | 'counter' | 'request' | 'import';

/** One change of a person's consent or preference; the history is never rewritten. */
export interface ConsentEventTable {
  id: string;
  org_id: string;
  member_id: string;
  subject_kind: ConsentSubjectKind;
  /** A purpose code (`P16`) or a third-party code of the policy. */
  subject_code: string;
  state: ConsentState;
  source: ConsentSource;
  actor_type: 'member' | 'guardian' | 'user' | 'system';
  actor_id: string | null;
  guardian_member_id: string | null;
  /** The guardian's name as given on paper or by phone (when the guardian is not a member). */
  guardian_name: string | null;
  /** The policy version the person was shown. */
  policy_version: number | null;
  request_id: string | null;
  note: string | null;
  created_at: string;
}

/** The current state per person and subject (the last event), for the page and the engine's flags. */
export interface MemberConsentTable {
  member_id: string;
  subject_kind: ConsentSubjectKind;
  subject_code: string;
  state: ConsentState;
  event_id: string;
  updated_at: string;
}

/** A request from the person (本人からの請求等, APPI Arts. 32–35). */
export interface SubjectRequestTable {
  id: string;
  org_id: string;
  member_id: string;
  /** 受付番号, e.g. `R2026-00012`. */
  reference: string;
  kind: RequestKind;
  state: RequestState;
  channel: RequestChannel;
  requester: Requester;
  agent_name: string | null;
  agent_relationship: string | null;
  /** What proves the agent's authority (委任状, 戸籍謄本 …), as checked by staff. */
  agent_proof: string | null;
  identity_method: 'signed_in' | 'documents' | 'callback' | null;
  identity_note: string | null;
  verified_at: string | null;
  verified_by: string | null;
  /** JSON: what is asked (fields to correct, purposes to stop, third parties, free text). */
  detail: string;
  delivery_form: 'json' | 'csv' | 'pdf' | 'paper';
  fee_yen: number;
  fee_paid_at: string | null;
  received_at: string;
  due_on: string;
  /** Why refused, withdrawn, or the grounds of a partial answer. */
  reason: string | null;
  /** What was done, as told to the person. */
  answer: string | null;
  answered_at: string | null;
  closed_at: string | null;
  /** The last day a reminder went out (one per day at most). */
  reminded_on: string | null;
  filed_by_type: 'member' | 'guardian' | 'user';
  filed_by_id: string | null;
  /** The staff user who handles the request (担当者); null until someone is assigned. */
  assignee_id: string | null;
  /**
   * When the request was last planned across the connected systems (migration 0022); absent or null: never. Optional
   * in the type: rows written before the systems existed, and by code that files requests, leave it out.
   */
  systems_planned_at?: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface RequestEventTable {
  id: string;
  request_id: string;
  at: string;
  actor_type: 'member' | 'guardian' | 'user' | 'system';
  actor_id: string | null;
  action: string;
  from_state: RequestState | null;
  to_state: RequestState | null;
  note: string | null;
}

/** An identity document or proof of an agent's authority, encrypted at rest. */
export interface RequestDocumentTable {
  id: string;
  request_id: string;
  kind: 'identity' | 'agent_proof' | 'other';
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  content_enc: string;
  uploaded_at: string;
  uploaded_by_type: 'member' | 'guardian' | 'user';
  uploaded_by_id: string | null;
}

/** A record of providing personal data to a third party (Art. 29) or receiving it from one (Art. 30). */
export interface ProvisionRecordTable {
  id: string;
  org_id: string;
  member_id: string;
  direction: 'provided' | 'received';
  /** The recipient's code in the policy's third-party register, when it is one. */
  third_party_code: string | null;
  counterparty_name: string;
  counterparty_address: string | null;
  counterparty_representative: string | null;
  /** JSON array of item codes. */
  items: string;
  legal_basis: string;
  consent_event_id: string | null;
  /** For receipts: how the provider obtained the data (取得の経緯). */
  acquisition: string | null;
  occurred_on: string;
  /** Kept 3 years (Rule 20/24), then disposed of. */
  keep_until: string;
  note: string | null;
  created_at: string;
  created_by: string | null;
  /** The provision run that wrote the record (modules/provision/confirm-run.ts). */
  run_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set when the record is a person's entry in a continuous-provision record (継続的提供の記録). */
  continuous_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** `record`: kept 3 years; `contract`: a contract stands in for the record, kept 1 year after the last provision. */
  retention: ColumnType<ProvisionRetention, ProvisionRetention | undefined, ProvisionRetention>;
}

export type ProvisionRetention = 'record' | 'contract';
export type ProvisionRecordMode = 'per_person' | 'continuous' | 'none';

/** One provision run to a recipient of the third-party register: previewed, then confirmed by the officer. */
export interface ProvisionRunTable {
  id: string;
  org_id: string;
  third_party_code: string;
  recipient_name: string;
  /** JSON array of item codes (the recipient's register items). */
  items: string;
  /** `consent` or an Art. 27(1) exception. */
  legal_basis: string;
  /** The written reason for an exception (required with one). */
  exception_reason: string | null;
  record_mode: ProvisionRecordMode;
  retention: ProvisionRetention;
  /** JSON of how the population was chosen (codes, filter, system), never names. */
  population: string;
  status: 'previewed' | 'confirmed';
  included: number;
  /** JSON: reason → count of the people left out. */
  excluded: string;
  policy_version: number | null;
  continuous_id: string | null;
  occurred_on: string | null;
  created_at: string;
  created_by: string | null;
  confirmed_at: string | null;
  confirmed_by: string | null;
}

export interface ProvisionRunMemberTable {
  run_id: string;
  member_id: string;
  consent_event_id: string | null;
}

/** 継続的提供の記録: one record per recipient, extended by later runs; its people are `provision_records` rows. */
export interface ProvisionContinuousRecordTable {
  id: string;
  org_id: string;
  third_party_code: string;
  counterparty_name: string;
  counterparty_address: string | null;
  counterparty_representative: string | null;
  items: string;
  legal_basis: string;
  retention: ProvisionRetention;
  first_on: string;
  last_on: string;
  keep_until: string;
  people: number;
  runs: number;
  created_at: string;
  updated_at: string;
}

/** What the disposal job disposed of: never names, only the kind, how many and the dates. */
export interface ProvisionDisposalTable {
  id: string;
  org_id: string;
  kind: 'record' | 'continuous';
  count: number;
  oldest_on: string;
  newest_on: string;
  disposed_at: string;
  job: string | null;
  job_due_at: string | null;
  job_run_id: string | null;
}

/** One run of a scheduled job (modules/jobs): leased by one instance at a time, retried, then dead. */
export interface JobRunTable {
  id: string;
  job: string;
  due_at: string;
  state: JobState;
  attempts: number;
  max_attempts: number;
  next_attempt_at: string;
  /** The instance holding the run (`host:pid:random`) and until when; null unless running. */
  lease_owner: string | null;
  lease_until: string | null;
  /** The last failure, without personal data (see modules/jobs/error-summary.ts). */
  last_error: string | null;
  /** JSON of counts the handler returned. */
  result: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

/** The systems register (issue 13): how to reach a connected system; see migrations/0019. */
export interface ConnectedSystemTable {
  id: string;
  org_id: string;
  /** The code of the system in the policy's dataset map (`systems[].code`). */
  code: string;
  name: string;
  kind: SystemKind;
  /** The ConnectionSettings JSON, encrypted with the key ring (crypto/data-keys.ts). */
  settings_enc: string;
  /** What may be shown of the settings (no password, no secret): JSON. */
  settings_public: string;
  has_secret: number;
  status: 'unchecked' | 'ok' | 'failing';
  last_checked_at: string | null;
  /** The error code of the last failed check. */
  last_error: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** One connected system's part of a request (modules/system-tasks): a durable task, leased by one worker. */
export interface SystemTaskTable {
  id: string;
  org_id: string;
  request_id: string;
  system_code: string;
  action: TaskAction;
  state: TaskState;
  /** The connector's Plan as JSON (erase, correct); null for disclose and stop. */
  plan: string | null;
  /** The rows a disclosure found (FoundTable[] JSON), encrypted with the key ring. */
  result_enc: string | null;
  /** Rows written or deleted by this task's applies, all tries together. */
  changed: number;
  attempts: number;
  max_attempts: number;
  /** When a queued or failed task may next be claimed. */
  next_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  /** The error code of the last failure (src/base/errors.ts); the detail names no value and no secret. */
  error_code: string | null;
  error_detail: string | null;
  approved_by: string | null;
  approved_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export type DiscoveryRunStatus = 'running' | 'done' | 'failed';
export type DiscoveryDecision = 'pending' | 'confirmed' | 'rejected';

/** One discovery scan of a connected system (migration 0021). Counts only; never a sampled value. */
export interface DiscoveryRunTable {
  id: string;
  org_id: string;
  system_code: string;
  status: DiscoveryRunStatus;
  started_by: string | null;
  started_at: string;
  finished_at: string | null;
  tables: number;
  columns: number;
  proposals: number;
  my_numbers: number;
  /** The connector error code (system_unreachable, …) of a failed run. */
  error_code: string | null;
}

/** What a run proposed for one column, and the person's decision. The reasons are words, never values. */
export interface DiscoveryProposalTable {
  id: string;
  run_id: string;
  org_id: string;
  table_name: string;
  column_name: string;
  /** The table's primary key as the system declares it (the map's `key`), when known. */
  table_key: string | null;
  /** A discovery kind (connectors/detect.ts). */
  kind: string;
  /** The register's item code the kind stands for (`phone`, `my_number`, …). */
  item_code: string;
  /** 0–100. */
  confidence: number;
  /** JSON: [{ja, en}]. */
  reasons: string;
  decision: DiscoveryDecision;
  decided_by: string | null;
  decided_at: string | null;
}

/** An inspection of a contractor recorded in mamori (委託先の監督, migration 0024). */
export interface ContractorInspectionTable {
  id: string;
  org_id: string;
  /** The contractor's code in the policy's register. */
  contractor_code: string;
  inspected_on: string;
  /** Who inspected (a name as written: an inspector may be outside mamori). */
  inspector: string;
  result: string;
  findings: string;
  next_due_on: string;
  recorded_by: string | null;
  created_at: string;
}

/** A hand-over of personal data to a contractor, logged against its contract (migration 0024). */
export interface ContractorHandoverTable {
  id: string;
  org_id: string;
  contractor_code: string;
  handed_over_on: string;
  /** JSON array of item codes. */
  items: string;
  record_count: number;
  /** A handover method (contract/handover-vocabulary.ts). */
  method: string;
  note: string;
  /** The purpose the file mamori produced was made for; null for a hand-over recorded by hand. */
  purpose_code: string | null;
  /** SHA-256 of the file mamori produced; null for a hand-over recorded by hand. */
  file_sha256: string | null;
  recorded_by: string | null;
  recorded_by_name: string;
  created_at: string;
}

/** A transfer to joint users, on record beside its audit entry (migration 0028): codes and counts only. */
export interface JointUseTransferTable {
  id: string;
  org_id: string;
  joint_use_code: string;
  purpose_code: string;
  /** JSON array of item codes. */
  items: string;
  record_count: number;
  /** JSON object: left-out reason → count (only reasons with people). */
  left_out: string;
  charset: string;
  file_sha256: string;
  made_by: string | null;
  made_by_name: string;
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
  joint_use_purpose_items: JointUsePurposeItemTable;
  members: MemberTable;
  member_purpose_blocks: MemberPurposeBlockTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  audit_queue: AuditQueueTable;
  alerts: AlertTable;
  access_counters: AccessCounterTable;
  import_runs: ImportRunTable;
  ledger_assets: LedgerAssetTable;
  ledger_risks: LedgerRiskTable;
  ledger_reviews: LedgerReviewTable;
  member_accounts: MemberAccountTable;
  member_sessions: MemberSessionTable;
  member_sign_in_throttle: MemberSignInThrottleTable;
  staff_sign_in_throttle: StaffSignInThrottleTable;
  rate_limits: RateLimitTable;
  member_one_time_codes: MemberOneTimeCodeTable;
  guardian_links: GuardianLinkTable;
  consent_events: ConsentEventTable;
  member_consents: MemberConsentTable;
  subject_requests: SubjectRequestTable;
  request_events: RequestEventTable;
  request_documents: RequestDocumentTable;
  provision_records: ProvisionRecordTable;
  provision_runs: ProvisionRunTable;
  provision_run_members: ProvisionRunMemberTable;
  provision_continuous_records: ProvisionContinuousRecordTable;
  provision_disposals: ProvisionDisposalTable;
  job_runs: JobRunTable;
  connected_systems: ConnectedSystemTable;
  system_tasks: SystemTaskTable;
  discovery_runs: DiscoveryRunTable;
  discovery_proposals: DiscoveryProposalTable;
  pseudonymized_sets: PseudonymizedSetTable;
  contractor_inspections: ContractorInspectionTable;
  contractor_handovers: ContractorHandoverTable;
  joint_use_transfers: JointUseTransferTable;
  delivery_targets: DeliveryTargetTable;
  deliveries: DeliveryTable;
  releases: ReleaseTable;
  release_runs: ReleaseRunTable;
  release_versions: ReleaseVersionTable;
}

/** A pseudonymized data set (仮名加工情報, migration 0027): a definition, never the produced data. */
export interface PseudonymizedSetTable {
  id: string;
  org_id: string;
  code: string;
  name: string;
  description: string;
  /** JSON array of purpose codes the set is bound to. */
  purposes: string;
  /** JSON array of `{ field, treatment }` in output order. */
  columns: string;
  /** The set's pseudonym key (32 random bytes, base64) encrypted with the key ring. */
  key_enc: string;
  status: 'active' | 'retired';
  version: number;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

/** Where released data may be sent (modules/deliveries): a folder on this machine or an SFTP server. */
export interface DeliveryTargetTable {
  id: string;
  org_id: string;
  code: string;
  name: string;
  kind: 'folder' | 'sftp';
  /** Who receives what is sent there (提供先), in words. */
  recipient: string;
  /** The DeliverySettings JSON with the secret, encrypted with the key ring (crypto/data-keys.ts). */
  settings_enc: string;
  /** What may be shown of the settings (never the secret): JSON. */
  settings_public: string;
  has_secret: number;
  status: 'unchecked' | 'ok' | 'failing';
  last_checked_at: string | null;
  last_error: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** One file sent to a delivery target, delivered (`ok`) or not (`failed`, with the error code). */
export interface DeliveryTable {
  id: string;
  org_id: string;
  origin_kind: string;
  origin_id: string;
  origin_name: string;
  target_id: string;
  target_code: string;
  target_kind: string;
  file_name: string;
  format: 'csv' | 'parquet';
  charset: string | null;
  rows: number;
  bytes: number;
  sha256: string | null;
  status: 'ok' | 'failed';
  error_code: string | null;
  /** The staff member who sent it, or null when a job did (then `actor_label`, e.g. `job:release-deliveries`). */
  actor_user_id: string | null;
  actor_label: string | null;
  started_at: string;
  finished_at: string;
}

/** An anonymized release (匿名加工情報, modules/releases): its definition and its legal duties on record. */
export interface ReleaseTable {
  id: string;
  org_id: string;
  code: string;
  name: string;
  /** The recipients as published (text). */
  recipients: string;
  /** The purpose whose stopped or opted-out members are left out of the source. */
  purpose_code: string;
  /** The release spec (modules/releases/schemas.ts) as JSON: the processing method, for the privacy office only. */
  spec: string;
  /** The published items (JSON array of labels). */
  items: string;
  /** The release's pseudonym key (32 bytes, base64), encrypted with the key ring. */
  key_enc: string;
  items_published_at: string | null;
  method_of_provision: string | null;
  method_published_at: string | null;
  /** The last scheduled period (YYYY-MM) claimed by the delivery job. */
  last_period: string | null;
  status: 'active' | 'retired';
  version: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** A preview or a delivery of a release, with the engine's report (JSON; counts and levels, never a value). */
export interface ReleaseRunTable {
  id: string;
  org_id: string;
  release_id: string;
  kind: 'preview' | 'delivery';
  status: 'succeeded' | 'failed';
  release_version: number;
  report: string | null;
  /** JSON: members left out of the source, counted by reason. */
  excluded: string | null;
  error_code: string | null;
  error_detail: string | null;
  target_code: string | null;
  delivery_id: string | null;
  file_name: string | null;
  sha256: string | null;
  rows: number | null;
  /** The scheduled period (YYYY-MM) a job's delivery was for. */
  period: string | null;
  started_by: string | null;
  started_at: string;
  finished_at: string | null;
}

/** One version of a release's definition: the spec it had, its items, and which fields changed (JSON arrays). */
export interface ReleaseVersionTable {
  release_id: string;
  version: number;
  spec: string;
  items: string;
  changed: string;
  created_by: string | null;
  created_at: string;
}
