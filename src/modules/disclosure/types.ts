/**
 * The disclosure package (開示パッケージ): everything mamori holds about one person, in one structure that the
 * JSON, CSV and PDF forms all render. Labels are carried with the values so that every form reads the same
 * in Japanese (first) and English.
 */

import type { Labelled } from '../../contract/labels.ts';

export interface DisclosurePackage {
  /** Format version of this structure. */
  format: 'mamori.disclosure/1';
  generated_at: string;
  /** The request this package answers, when one. */
  request: { reference: string; kind: string; received_at: string } | null;
  organization: { code: string; name: string; address: string | null; representative: string | null };
  /** The policy version in effect when the package was made. */
  policy_version: number | null;
  person: { member_code: string; name: string; status: string; erased_at: string | null };
  /** Every item held, with its value as stored (the bank account in full: it is the person's own data). */
  items: {
    code: string;
    label: Labelled;
    value: string | number | null;
    sensitive: boolean;
    /** Kept after a deletion because a law requires it. */
    retained_by_law: boolean;
  }[];
  /** The purposes the items are used for, with the person's flags on each. */
  purposes: {
    code: string;
    number: number;
    name: string;
    items: string[];
    consent_mode: 'none' | 'opt_out' | 'opt_in';
    /** `in_use`, `opted_out`, `stopped`, `no_consent`. */
    status: string;
  }[];
  /** The joint uses (共同利用) the person's data is part of. */
  joint_uses: {
    code: string;
    name: string;
    users: string[];
    items: string[];
    purposes: string[];
    responsible: string | null;
    starts_on: string | null;
  }[];
  consents: {
    subject_kind: 'purpose' | 'third_party';
    subject_code: string;
    subject_name: string;
    state: string;
    updated_at: string;
  }[];
  consent_history: {
    at: string;
    subject_kind: 'purpose' | 'third_party';
    subject_code: string;
    state: string;
    source: string;
    /** `本人` / `保護者` / `職員` — never a staff member's name. */
    actor: string;
    policy_version: number | null;
  }[];
  provision_records: {
    direction: 'provided' | 'received';
    occurred_on: string;
    counterparty: string;
    counterparty_address: string | null;
    counterparty_representative: string | null;
    items: string[];
    legal_basis: string;
    acquisition: string | null;
    /** An entry in a continuous-provision record (継続的提供の記録): the span of the record's provisions. */
    continuous: { first_on: string; last_on: string } | null;
  }[];
  requests: {
    reference: string;
    kind: string;
    state: string;
    received_at: string;
    due_on: string;
    answered_at: string | null;
    reason: string | null;
  }[];
  /** Who accessed the record, for which purpose: organization, department and role, never the staff member's name. */
  accesses: {
    at: string;
    organization: string;
    department: string | null;
    role: string | null;
    action: string;
    purpose_code: string | null;
    purpose_name: string | null;
    outcome: string;
  }[];
  /**
   * The person's rows in the connected systems (ordering, 共済, …), system by system under its name, as the
   * request's disclosure tasks found them (issue 13). Absent or empty when no system holds the person.
   */
  systems?: { code: string; name: string; tables: { table: string; key: string; rows: Record<string, string | null>[] }[] }[];
  /** The safety measures (安全管理措置) from the policy in effect, as published. */
  safety_measures: { title: string; text: string }[];
  /** Where to ask and complain. */
  contact: { name: string; phone: string | null; email: string | null; address: string | null; hours: string | null } | null;
}
