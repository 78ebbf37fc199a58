/**
 * What the audit trail records: a typed union of events. Personal data values never go into the trail,
 * only which member, which items or fields, which purpose and what was decided; a member's deletion request
 * therefore never has to rewrite the chain.
 */
import type { AuditAction } from '../../contract/audit-vocabulary.ts';
import type { AuditLogTable } from '../../db/schema.ts';

export type Actor =
  | { type: 'user'; id: string; orgId: string; roleId: string; login?: string }
  | { type: 'cli'; id: string | null; orgId: string | null; label: string }
  | { type: 'system'; id: null; orgId: string | null; label: string }
  | { type: 'anonymous'; id: null; orgId: null }
  /** A member signed in to the member page (本人のページ); `id` is the member_accounts row. */
  | { type: 'member'; id: string; orgId: string };

type Base = { orgId: string | null; memberId?: string | null; purpose?: string | null; errorCode?: string | null };

export type AuditEvent = Base &
  (
    | { action: 'member.read'; outcome: 'allowed' | 'refused'; detail: { items?: readonly string[]; joint_use?: string; via?: string } }
    | {
        action: 'member.search';
        outcome: 'allowed' | 'refused';
        detail: { by: string; results: number; member_ids?: string[]; filters?: string[]; offset?: number };
      }
    | { action: 'member.create'; outcome: 'ok' | 'refused'; detail: { fields: string[]; via?: string } }
    | { action: 'member.update'; outcome: 'ok' | 'refused'; detail: { fields: string[]; version?: number; via?: string } }
    | { action: 'member.import'; outcome: 'ok'; detail: { run: string; change: 'created' | 'updated'; fields?: string[] } }
    | { action: 'import.run'; outcome: 'ok' | 'failed'; detail: Record<string, string | number> }
    | { action: 'input.my_number_rejected'; outcome: 'refused'; detail: { path: string; fields: string[] } }
    | {
        action: 'input.my_number_rejected';
        outcome: 'refused';
        detail: { path: 'import:members'; run: string; line: number; fields: string[] };
      }
    // A signed-in caller refused a record or a register at the HTTP edge (role, another co-op's or person's record).
    | { action: 'access.refused'; outcome: 'refused'; detail: { route: string; method: string; targets: Record<string, string> } }
    | { action: 'auth.login'; outcome: 'ok' | 'failed'; detail: { login: string; step: 'password' | 'totp'; reason?: string } }
    | { action: 'auth.logout'; outcome: 'ok'; detail: Record<string, never> }
    | { action: 'auth.locked'; outcome: 'ok'; detail: { login: string; until: string } }
    /** Binding a TOTP factor started (`rebind`: one was already in force), or refused (missing or wrong re-authentication). */
    | { action: 'auth.totp_enroll_begin'; outcome: 'ok' | 'refused' | 'failed'; detail: { rebind: boolean; reason?: string } }
    /** The pending factor activated (it replaces the one in force, if any), or a wrong first code. */
    | { action: 'auth.totp_enrolled'; outcome: 'ok' | 'failed'; detail: { rebind: boolean; reason?: string; ended_sessions?: number } }
    /** A staff user created or changed; `status` when disabled or enabled again (disabling ends the user's sessions). */
    | {
        action: 'user.create' | 'user.update';
        outcome: 'ok';
        detail: { user_id: string; login: string; role?: string; status?: 'active' | 'disabled'; ended_sessions?: number };
      }
    | { action: 'organization.create' | 'department.create'; outcome: 'ok'; detail: { id: string; code: string } }
    | { action: 'policy.change'; outcome: 'ok'; detail: Record<string, unknown> }
    | { action: 'policy.draft_save'; outcome: 'ok'; detail: { revision: number; sha256: string; via: string } }
    | {
        action: 'policy.publish';
        outcome: 'ok';
        detail: { number: number; sha256: string; notice_on: string; effective_on: string; changes: number; prior_notice: boolean };
      }
    | { action: 'policy.activate'; outcome: 'ok'; detail: { number: number; effective_on: string } }
    | { action: 'role.grants'; outcome: 'ok'; detail: { role: string; purposes: string[] } }
    | { action: 'role.duties'; outcome: 'ok'; detail: { role: string; duties: string[]; before: string[] } }
    | { action: 'audit.search'; outcome: 'ok'; detail: Record<string, string | number | null> }
    /** A filtered view of the trail left the system as a file (the filter as given, and how many entries). */
    | {
        action: 'audit.export';
        outcome: 'ok';
        detail: {
          format: 'csv' | 'xlsx';
          charset: 'utf-8' | 'shift_jis' | null;
          rows: number;
          member: string | null;
          actor: string | null;
          purpose: string | null;
          action: string | null;
          outcome: string | null;
          from: string | null;
          to: string | null;
          via: string;
        };
      }
    | { action: 'audit.verify'; outcome: 'ok' | 'failed'; detail: { entries: number; first_bad?: number | null } }
    /**
     * The sequencer found a queued entry it cannot vouch for (PostgreSQL): its MAC does not match (altered or
     * forged in the queue; the entry is chained as found, at `seq`) or its entry id was already chained (a copy;
     * not chained again).
     */
    | {
        action: 'audit.queue_tampered';
        outcome: 'failed';
        detail: { reason: 'mac_mismatch' | 'mac_key_unknown' | 'duplicate'; entry_id: string; queue_id: number; seq?: number };
      }
    | { action: 'alert.acknowledge'; outcome: 'ok'; detail: { alert_id: string; note?: string } }
    | { action: 'keys.rotate'; outcome: 'ok'; detail: { key_id: string; reencrypted: number } }
    | {
        action: 'backup.create';
        outcome: 'ok' | 'failed';
        detail: { file: string; dialect: string; key_ids: string[]; error?: string };
      }
    | {
        action: 'backup.restore';
        outcome: 'ok' | 'failed';
        detail: { file: string; entries: number; first_bad: number | null; missing_keys: string[] };
      }
    | {
        action: 'ledger.create' | 'ledger.update' | 'ledger.retire';
        outcome: 'ok';
        detail: { asset_id: string; code: string; version: number; fields?: string[]; via?: string };
      }
    | {
        action: 'ledger.review';
        outcome: 'ok';
        detail: { asset_id: string; code: string; review_id: string; result: string; reviewed_on: string; next_review_on: string };
      }
    | { action: 'ledger.export'; outcome: 'ok'; detail: { assets: number; department: string | null; via: string } }
    | {
        action: 'consent.change';
        outcome: 'ok';
        detail: {
          subject_kind: string;
          subject_code: string;
          state: string;
          source: string;
          event: string;
          policy_version: number | null;
          by_guardian?: boolean;
        };
      }
    | {
        action: 'provision.record';
        outcome: 'ok' | 'refused';
        detail: { record?: string; third_party: string | null; direction: string; items: string[] };
      }
    // A provision run (modules/provision): counts by reason, never names.
    | {
        action: 'provision.preview';
        outcome: 'ok' | 'refused';
        detail: {
          run?: string;
          third_party: string;
          legal_basis?: string;
          included?: number;
          excluded?: Record<string, number>;
          via: string;
        };
      }
    | {
        action: 'provision.run';
        outcome: 'ok';
        detail: {
          run: string;
          third_party: string;
          legal_basis: string;
          exception_reason?: string;
          record_mode: string;
          included: number;
          excluded: Record<string, number>;
          records: number;
          continuous?: string;
          via: string;
        };
      }
    // Receipts recorded for a list of people (Art. 30): counts, the items, never names.
    | {
        action: 'provision.receipts';
        outcome: 'ok';
        detail: { recorded: number; excluded: Record<string, number>; items: string[]; via: string };
      }
    | {
        action: 'provision.download';
        outcome: 'ok';
        detail: { run: string; third_party: string; rows: number; charset: string; via: string };
      }
    // The disposal job: what kind of record, how many, their dates (no person).
    | {
        action: 'provision.dispose';
        outcome: 'ok';
        detail: { disposal: string; kind: string; count: number; oldest_on: string; newest_on: string; job_run: string | null };
      }
    | {
        action: 'request.file' | 'request.step' | 'request.update' | 'request.document' | 'request.assign';
        outcome: 'ok';
        detail: {
          /** request.assign: the staff user now assigned (null: nobody), and the one before. */
          assignee?: string | null;
          previous?: string | null;
          request: string;
          reference: string;
          kind: string;
          step?: string;
          from?: string;
          to?: string;
          channel?: string;
          requester?: string;
          document?: string;
        };
      }
    | {
        action: 'request.effect';
        outcome: 'ok';
        detail: {
          request: string;
          reference: string;
          kind: string;
          effect: string;
          fields?: string[];
          purposes?: string[];
          third_parties?: string[];
        };
      }
    /** The privacy office's list of requests left the system as a file (the filter, and how many requests). */
    | {
        action: 'request.export';
        outcome: 'ok';
        detail: {
          format: 'csv' | 'xlsx';
          charset: 'utf-8' | 'shift_jis' | null;
          rows: number;
          state: string | null;
          kind: string | null;
          member: string | null;
          /** The list's 「自分が担当する請求」 (the exporter's user id) or 'none' (nobody assigned); absent before. */
          assignee?: string | null;
          via: string;
        };
      }
    | { action: 'disclosure.package'; outcome: 'ok'; detail: { request: string | null; form: string; via: string } }
    | { action: 'member.self_update'; outcome: 'ok'; detail: { fields: string[]; version: number; by_guardian?: boolean } }
    | { action: 'notify.sent' | 'notify.failed'; outcome: 'ok' | 'failed'; detail: { template: string; request?: string; error?: string } }
    // The member page's sign-in (本人のページ). Never the member code typed, the one-time code or the e-mail address.
    | {
        action: 'portal.code_request';
        outcome: 'ok' | 'refused' | 'failed';
        detail: {
          purpose?: 'first_sign_in' | 'recovery';
          reason?: 'unknown_member' | 'no_email' | 'too_many' | 'disabled' | 'mail_failed';
        };
      }
    | { action: 'portal.sign_in'; outcome: 'ok' | 'failed'; detail: { step: 'password' | 'code'; reason?: string } }
    | { action: 'portal.password_set'; outcome: 'ok'; detail: { purpose: 'first_sign_in' | 'recovery' } }
    | { action: 'portal.locked'; outcome: 'ok'; detail: { until: string } }
    | { action: 'portal.logout'; outcome: 'ok'; detail: Record<string, never> }
    | { action: 'portal.act_as'; outcome: 'ok' | 'refused'; detail: { as: 'self' | 'ward'; link_id?: string; reason?: string } }
    // Guardian links (保護者・法定代理人), registered by staff after checking proof.
    | {
        action: 'guardian.link' | 'guardian.unlink';
        outcome: 'ok';
        detail: { link_id: string; guardian_member_id: string; relationship: string };
      }
    | { action: 'guardian.list'; outcome: 'ok'; detail: { links: number } }
    // Discovery in a connected system (modules/discovery): names of tables and columns, never a sampled value.
    | {
        action: 'discovery.run';
        outcome: 'ok' | 'failed';
        detail: { system: string; discovery_run: string; columns: number; proposals: number; my_numbers: number; error?: string };
      }
    | {
        action: 'discovery.my_number_found';
        outcome: 'ok';
        detail: { system: string; discovery_run: string; table: string; column: string };
      }
    | {
        action: 'discovery.decide';
        outcome: 'ok';
        detail: { system: string; discovery_run: string; confirmed: string[]; rejected_columns: string[]; revision?: number };
      }
    // An administrator's hand on a failed or dead scheduled job run (modules/jobs/manage-run.ts).
    | {
        action: 'job.retry' | 'job.discard';
        outcome: 'ok';
        detail: { run: string; job: string; due_at: string; from: string; attempts: number };
      }
    // A request's part in a connected system (modules/system-tasks): counts and codes, never a value.
    | {
        action: 'system_task.plan' | 'system_task.approve' | 'system_task.apply' | 'system_task.verify';
        outcome: 'ok';
        detail: SystemTaskAuditDetail;
      }
    | { action: 'system_task.fail' | 'system_task.resume' | 'system_task.cancel'; outcome: 'ok' | 'failed'; detail: SystemTaskAuditDetail }
    | { action: 'system.stopped_purposes'; outcome: 'ok'; detail: { system: string; rows: number; purposes: string[] } }
    // The systems register (modules/systems): which settings changed and what became of the secret, never a value.
    | {
        action: 'system.register' | 'system.update' | 'system.remove';
        outcome: 'ok';
        detail: {
          system_id: string;
          code: string;
          system_kind: string;
          version: number;
          changed?: string[];
          secret?: 'set' | 'kept' | 'cleared' | 'none';
          via?: string;
        };
      }
    // A connection check: `failed` when the system could not be reached or described (the error code, no message).
    | {
        action: 'system.check';
        outcome: 'ok' | 'failed';
        detail: { system_id: string; code: string; system_kind: string; error_code?: string; tables?: number; via?: string };
      }
    // Pseudonymized data sets (modules/pseudonymized): the definition's codes, and each production with its purpose.
    | {
        action: 'pseudonymized.define' | 'pseudonymized.update' | 'pseudonymized.retire';
        outcome: 'ok';
        detail: { dataset: string; dataset_id: string; version: number; purposes: string[]; fields: string[]; via?: string };
      }
    | {
        action: 'pseudonymized.produce';
        outcome: 'ok' | 'refused';
        detail: { dataset: string; rows?: number; charset?: string; destination?: string; via?: string };
      }
    // Joint use and contractors (modules/handovers): codes and counts, never a person's data.
    | {
        action: 'contractor.inspect';
        outcome: 'ok';
        detail: {
          contractor: string;
          inspection_id: string;
          inspected_on: string;
          inspection_result: string;
          next_due_on: string;
          via?: string;
        };
      }
    | {
        action: 'contractor.handover';
        outcome: 'ok' | 'refused';
        detail: {
          contractor: string;
          handover_id?: string;
          items: string[];
          rows?: number;
          sent_by: string;
          purposes?: string;
          sha256?: string;
          error_code?: string;
          via?: string;
        };
      }
    | {
        action: 'joint_use.transfer';
        outcome: 'ok';
        detail: {
          joint_use: string;
          transfer_id?: string;
          purposes: string;
          items: string[];
          rows: number;
          left_out: Record<string, number>;
          charset: string;
          sha256: string;
          via?: string;
        };
      }
    // Anonymized releases (modules/releases): codes, counts and error codes — never a value, a hierarchy or the key.
    | {
        action: 'release.create' | 'release.update' | 'release.publish_method';
        outcome: 'ok';
        detail: { release_id: string; code: string; version: number; items?: number; changed?: string[]; via?: string };
      }
    // `mamori anonymize --out`: an anonymized file written on this machine (the spec's code, rows, the file's name).
    | { action: 'release.write_file'; outcome: 'ok'; detail: { code: string; rows: number; file: string; via: string } }
    | {
        action: 'release.preview' | 'release.deliver';
        outcome: 'ok' | 'failed' | 'refused';
        detail: {
          release_id: string;
          code: string;
          run: string;
          rows?: number;
          suppressed?: number;
          excluded?: number;
          target?: string;
          sha256?: string;
          period?: string;
          error_code?: string;
          via?: string;
        };
      }
    // Delivery targets (modules/deliveries): kinds, codes and what became of the secret, never a setting's value.
    | {
        action: 'delivery_target.register' | 'delivery_target.remove';
        outcome: 'ok';
        detail: { target_id: string; target: string; target_kind: string; version: number; secret?: 'set' | 'none'; via?: string };
      }
    | {
        action: 'delivery_target.check';
        outcome: 'ok' | 'failed';
        detail: { target_id: string; target: string; target_kind: string; error_code?: string; via?: string };
      }
    // A file sent to a delivery target: what it came from, where it went, its rows, size and SHA-256.
    | {
        action: 'delivery.send';
        outcome: 'ok' | 'failed';
        detail: {
          delivery_id: string;
          origin_kind: string;
          origin_id: string;
          target: string;
          file: string;
          format: string;
          encoding?: string;
          rows?: number;
          bytes?: number;
          sha256?: string;
          error_code?: string;
          via?: string;
        };
      }
  );

/** The detail of a connected system task's audit entry: tables with row counts, error codes — never values. */
export interface SystemTaskAuditDetail {
  request: string;
  reference: string;
  kind: string;
  system: string;
  task: string;
  task_state: string;
  table_rows?: Record<string, number>;
  rows?: number;
  kept?: number;
  rows_changed?: number;
  differences?: number;
  error?: string;
  attempts?: number;
}

export type AuditOutcome = AuditLogTable['outcome'];

/**
 * The kinds this union writes are exactly the labelled kinds of src/contract/audit-vocabulary.ts: a kind added
 * here without a label there (or a label for a kind never written) fails the type check.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type EveryKindLabelled = Assert<Same<AuditEvent['action'], AuditAction>>;
