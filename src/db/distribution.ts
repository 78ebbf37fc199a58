/**
 * How each table would be placed on a distributed PostgreSQL (Citus), distributing by organization
 * (docs/scaling.md). Data, not code: nothing reads it at run time; `test/architecture/distribution-keys.test.ts`
 * checks it against the migrated schema, so that a new table without a decision fails the test (and, for a
 * table in `schema.ts`, the type check).
 *
 * - `distributed`: sharded by the organization, co-located with `members`. Either the table holds the
 *   organization itself (`column`, `org_id` unless named otherwise), or it reaches one through foreign keys
 *   (`via`: each hop a NOT NULL column referencing the next table's `id`); such a table gets an `org_id` of its
 *   own (denormalised, filled from the path) in the migration that distributes it, since Citus shards a table
 *   by a column of that table.
 * - `reference`: copied to every node (small, read everywhere, rarely written). Never personal data: a
 *   reference table puts every row on every node.
 * - `single`: one shard (or the coordinator) for the whole installation, with the reason.
 */
import type { Database } from './schema.ts';

export interface Hop {
  /** The column of this table (or of the previous hop's table) that leads on. */
  column: string;
  /** The table it references (by `id`). */
  table: keyof Database;
  /** False when no foreign key enforces the reference (then `why` says what does). */
  foreignKey?: false;
  why?: string;
}

export type Distribution =
  | { kind: 'distributed'; personalData: boolean; column?: string; via?: undefined }
  | { kind: 'distributed'; personalData: boolean; via: Hop[]; column?: undefined }
  | { kind: 'reference'; personalData: false; why: string }
  | { kind: 'single'; personalData: boolean; why: string };

/** Kysely's migration bookkeeping: not in `Database`, but in every migrated schema. */
export type ToolTable = 'kysely_migration' | 'kysely_migration_lock';

const byOrg = (personalData: boolean): Distribution => ({ kind: 'distributed', personalData });
const via = (personalData: boolean, ...hops: Hop[]): Distribution => ({ kind: 'distributed', personalData, via: hops });

export const distribution: Record<keyof Database | ToolTable, Distribution> = {
  // The tenants themselves: every query names one, joint use reads across them.
  organizations: {
    kind: 'reference',
    personalData: false,
    why: 'the tenants: a few hundred rows, joined by every query and by joint use across organizations',
  },

  // The organization's registers (the policy as data) and staff.
  policy_versions: byOrg(false),
  departments: byOrg(false),
  roles: byOrg(false),
  users: byOrg(true),
  sessions: via(true, { column: 'user_id', table: 'users' }),
  purposes: byOrg(false),
  data_items: byOrg(false),
  purpose_items: via(false, { column: 'purpose_id', table: 'purposes' }),
  role_purposes: via(false, { column: 'role_id', table: 'roles' }),
  // A joint use belongs to the organization whose members are used (its owner).
  joint_use_groups: { kind: 'distributed', personalData: false, column: 'owner_org_id' },
  joint_use_members: via(false, { column: 'group_id', table: 'joint_use_groups' }),
  joint_use_purposes: via(false, { column: 'group_id', table: 'joint_use_groups' }),
  joint_use_items: via(false, { column: 'group_id', table: 'joint_use_groups' }),
  joint_use_purpose_items: via(false, { column: 'group_id', table: 'joint_use_groups' }),

  // The member ledger and everything about one member, co-located with the member's row.
  members: byOrg(true),
  member_purpose_blocks: via(true, { column: 'member_id', table: 'members' }),
  member_accounts: byOrg(true),
  member_sessions: via(true, { column: 'account_id', table: 'member_accounts' }),
  member_one_time_codes: via(true, { column: 'account_id', table: 'member_accounts' }),
  guardian_links: byOrg(true),
  consent_events: byOrg(true),
  member_consents: via(true, { column: 'member_id', table: 'members' }),
  subject_requests: byOrg(true),
  request_events: via(true, { column: 'request_id', table: 'subject_requests' }),
  request_documents: via(true, { column: 'request_id', table: 'subject_requests' }),
  provision_records: byOrg(true),
  provision_runs: byOrg(false),
  provision_run_members: via(true, { column: 'run_id', table: 'provision_runs' }),
  provision_continuous_records: byOrg(false),
  provision_disposals: byOrg(false),
  import_runs: byOrg(true),

  // Alerts and their counters, per organization.
  alerts: byOrg(true),
  access_counters: via(true, {
    column: 'actor_id',
    table: 'users',
    foreignKey: false,
    why: 'counts reads per staff user and hour (audit/alerts.ts); pruned after two days, so no foreign key',
  }),

  // 個人情報管理台帳.
  ledger_assets: byOrg(false),
  ledger_risks: via(false, { column: 'asset_id', table: 'ledger_assets' }),
  ledger_reviews: byOrg(true),

  // The audit trail is one chain for the installation (docs/scaling.md, "The audit chain").
  audit_log: {
    kind: 'single',
    personalData: true,
    why: 'one hash chain in one order for the whole installation; names members and staff by id, never values',
  },
  audit_head: { kind: 'single', personalData: false, why: 'the head of the one chain (a single row)' },
  audit_queue: {
    kind: 'single',
    personalData: true,
    why: 'entries waiting for the one sequencer (audit/sequencer.ts), beside the chain they join; ids only, never values',
  },
  // How to reach a connected system (issue 13): connection secrets, encrypted; no member's data.
  connected_systems: byOrg(false),
  // A request's part in each connected system (issue 13): plans and, encrypted, what a disclosure found.
  system_tasks: byOrg(true),
  // Discovery's scans and proposals (issue 13 §6): names of tables and columns, never a sampled value.
  discovery_runs: byOrg(false),
  discovery_proposals: byOrg(false),
  // Pseudonymized data sets (issue 14 §6): definitions and their sealed pseudonym keys, never produced data.
  pseudonymized_sets: byOrg(false),
  // Joint use and contractors (issue 14 §2): codes and counts, never a person's data.
  contractor_inspections: byOrg(false),
  contractor_handovers: byOrg(false),
  joint_use_transfers: byOrg(false),
  // Anonymized releases (issue 14): specs, sealed pseudonym keys, run reports (counts and levels, never a value).
  releases: byOrg(false),
  release_runs: byOrg(false),
  release_versions: via(false, { column: 'release_id', table: 'releases' }),
  // Where released data may be sent (issue 14 §5): settings and secret, encrypted; no member's data.
  delivery_targets: byOrg(false),
  // Each file sent: names, sizes and checksums of anonymized releases, never a row of them.
  deliveries: byOrg(false),
  job_runs: {
    kind: 'single',
    personalData: false,
    why: 'scheduled job runs of the whole installation (modules/jobs), leased by any instance',
  },
  rate_limits: {
    kind: 'single',
    personalData: false,
    why: 'shared rate-limit windows keyed by a hash of the route and address (app/rate-limit-store.ts), before anyone is known',
  },

  // Sign-in throttles are keyed by what was typed, before anyone is known to belong to an organization.
  member_sign_in_throttle: {
    kind: 'single',
    personalData: true,
    why: 'failed member sign-ins keyed by a hash of the organization and member codes as typed, which need not exist (the throttle must not tell which do)',
  },
  staff_sign_in_throttle: {
    kind: 'single',
    personalData: true,
    why: 'failed staff sign-ins keyed by a hash of the login as typed, counted before it is known to exist or whose it is',
  },

  kysely_migration: { kind: 'single', personalData: false, why: 'migration bookkeeping, on the coordinator' },
  kysely_migration_lock: { kind: 'single', personalData: false, why: 'migration lock, on the coordinator' },
};
