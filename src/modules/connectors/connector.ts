/**
 * The connector: how mamori talks to one connected system, whatever its kind. One implementation per kind
 * (`sqlite.ts`, `postgres.ts`, `mysql.ts`, `sftp-drop.ts`), registered in `kinds.ts`, so that a new kind is one
 * file. Everything above this interface — the dataset map, the durable tasks, the request's plan and its
 * preview — is the same for every kind.
 *
 * The life of a change: `plan` reads the person's rows and says what would change where (row counts, what is
 * kept and why), without writing; the officer approves the plan; `apply` carries it out; `verify` reads back
 * and says whether the system is now as planned. `apply` is idempotent by construction: a plan names the rows
 * by key and the values they end with, and a row already in that state is not written again, so a re-run after
 * a crash between applying and recording changes nothing (`ApplyResult.changed` is then 0).
 */
import type { IdentityKind } from '../../contract/connector-vocabulary.ts';
import type { PolicySystem } from '../policy/document.ts';
import type { ColumnSample } from './detect.ts';

/**
 * How to reach a system, as stored (encrypted) in the systems register. `secret` is the password or private
 * key, never shown back. Database kinds use `url` (postgres://…, mysql://…) or `file` (SQLite); `schema` is a
 * PostgreSQL schema or a MySQL database. The drop folder uses host, port, user and `folder`.
 */
export interface ConnectionSettings {
  url?: string;
  file?: string;
  schema?: string;
  host?: string;
  port?: number;
  user?: string;
  folder?: string;
  /** A password or a private key (PEM); kept encrypted at rest, never returned by the API. */
  secret?: string;
  /** Seconds a statement or a transfer may take before the step fails with `system_timeout`. */
  timeoutSeconds?: number;
  /** The drop folder's SSH host key fingerprint (`SHA256:…` as `ssh-keygen -lf` prints it): another key is refused. */
  hostKey?: string;
}

/** The person as the connected systems may know them: values taken from mamori's member record. */
export type PersonIdentities = Partial<Record<IdentityKind, string>>;

export interface ColumnDescription {
  name: string;
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  /** A foreign key: this column references `table.column`. */
  references?: { table: string; column: string };
}

export interface TableDescription {
  table: string;
  columns: ColumnDescription[];
  /** An estimate is enough (discovery and the map editor show it). */
  rows?: number;
}

/** The person's rows in one mapped table: every column of each row, as text or null (dates as YYYY-MM-DD). */
export interface FoundTable {
  table: string;
  key: string;
  rows: Record<string, string | null>[];
}

/** What `aggregate` sums: a mapped table, its amount and date columns, and the period [from, to) (YYYY-MM-DD). */
export interface AggregateQuery {
  table: string;
  amount: string;
  date: string;
  from: string;
  to: string;
}

/** Per person (the identity's value, e.g. the member code), the sum of the amounts and the number of rows. */
export interface AggregateResult {
  identity: IdentityKind;
  rows: { person: string; total: number; count: number }[];
}

/** What the person's request asks of the systems. */
export type Change =
  /** Erase the person's data: every mapped item, or only these item codes. */
  | { kind: 'erase'; items?: string[] }
  /** Correct items to these values (item codes of ledger fields: name, phone, …; null erases the value). */
  | { kind: 'correct'; values: Record<string, string | null> };

/** One table's part of a plan: rows named by key, and what happens to them. */
export interface PlanStep {
  table: string;
  key: string;
  /** `delete`: the rows are deleted; `update`: the columns of `set` are written. */
  action: 'delete' | 'update';
  keys: string[];
  /** The values the rows end with (`update`). */
  set?: Record<string, string | null>;
}

/** Columns the plan leaves as they are because a law requires keeping them. */
export interface KeptColumn {
  table: string;
  column: string;
  item: string;
  rows: number;
  rule: string;
}

export interface Plan {
  system: string;
  /** In the order they must run: rows reached through others are deleted before them. */
  steps: PlanStep[];
  kept: KeptColumn[];
  /** Rows the plan changes or deletes, all steps together. */
  rows: number;
}

export interface ApplyResult {
  /** Rows actually written or deleted now (0 when the system was already as planned). */
  changed: number;
}

export interface VerifyResult {
  ok: boolean;
  /** What is not as planned, in words naming table, column and key (never a value). */
  differences: string[];
}

/**
 * `reference`: the task the work is for (its id). A kind that hands work over as files (the drop folder) names the
 * files by it, so the same work asked again months later is told apart from the first; the database kinds ignore it.
 */
export interface WorkOptions {
  reference?: string;
}

/** One connected system, open. Every method may throw `AppError`s with the codes of `connectors/errors` below. */
export interface Connector {
  /** Tables and columns (with keys and foreign keys) as the system declares them. */
  describe(): Promise<TableDescription[]>;
  /** A sample of every column's non-null values, read-only, for discovery. */
  sample(size?: number): Promise<ColumnSample[]>;
  /**
   * The member codes the system holds: the distinct values of the link column of every mapped table linked by
   * member code (or of `table` only), read-only — for choosing a population (a provision run to the members who
   * have rows there). Optional: a kind that cannot be queried at once (the drop folder) has none.
   */
  memberCodes?(map: PolicySystem, opts?: { table?: string }): Promise<string[]>;
  /** The person's rows in every table of the map, walking `link` then `via`. Read-only. */
  select(map: PolicySystem, person: PersonIdentities, opts?: WorkOptions): Promise<FoundTable[]>;
  /** What `change` would do, read-only. */
  plan(map: PolicySystem, person: PersonIdentities, change: Change, opts?: WorkOptions): Promise<Plan>;
  /** Carries the plan out in one transaction where the kind has them. */
  apply(plan: Plan): Promise<ApplyResult>;
  /** Reads back what the plan names. */
  verify(plan: Plan): Promise<VerifyResult>;
  /**
   * Bulk read for anonymized releases: per person (by the identity the map links `query.table` with, walking
   * `via`), the sum and count of `amount` over the rows whose `date` is in [from, to). Read-only. Only the SQL
   * kinds have it: a drop folder cannot be queried (`system_not_queryable`).
   */
  aggregate?(map: PolicySystem, query: AggregateQuery): Promise<AggregateResult>;
  close(): Promise<void>;
}

/**
 * The error codes a connector raises (each in src/base/errors.ts with its Japanese and English message): the
 * task shows them with the reason, and the officer retries once the cause is fixed.
 */
export const connectorErrorCodes = [
  'system_unreachable',
  'system_file_not_allowed',
  'system_is_mamori',
  'system_auth_failed',
  'system_timeout',
  'system_table_missing',
  'system_column_missing',
  'system_column_type',
  'system_read_only',
  'system_constraint',
  'system_answer_invalid',
  'system_step_failed',
  'system_not_queryable',
] as const;
export type ConnectorErrorCode = (typeof connectorErrorCodes)[number];

/**
 * A drop folder's answer has not arrived yet: the task waits and looks again later, without counting an attempt
 * (a system that cannot be queried answers when its own batch runs).
 */
export class AnswerPending extends Error {
  readonly file: string;
  constructor(file: string) {
    super(`The answer file ${file} has not arrived yet.`);
    this.file = file;
    this.name = 'AnswerPending';
  }
}
