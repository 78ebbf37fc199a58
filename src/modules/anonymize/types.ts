/**
 * The anonymization engine's interface (issue 14 §3): what a release hands the engine and what it gets back.
 * The engine is pure — no database, no files, no HTTP: the release register reads the source into a table,
 * calls `anonymize`, and writes what comes back. Defined before the engine so that both sides are built to it.
 */
import type { ColumnRole, HierarchyStep, RiskModel } from '../../contract/release-vocabulary.ts';

/** A cell of the source: text, a number, or absent. Dates are text (YYYY-MM-DD). */
export type Cell = string | number | null;

/** The source as columns of equal length (column-major: a million rows without a million objects). */
export interface SourceTable {
  columns: readonly string[];
  /** `values[c][r]`: the value of column `columns[c]` in row `r`. */
  values: readonly (readonly Cell[])[];
}

export interface ColumnSpec {
  name: string;
  role: ColumnRole;
  /** Quasi-identifiers: the steps above level 0; the engine adds the final `*` level. */
  hierarchy?: readonly HierarchyStep[];
  /**
   * Top and bottom coding of outliers (特異な記述, numbers only): values above `top` become `top` and are labelled
   * as such (e.g. 90以上), values below `bottom` likewise, before any generalization.
   */
  coding?: { top?: number; bottom?: number };
  /** Identifiers: replace by the release's keyed hash instead of removing (at most one column, the member id). */
  pseudonym?: boolean;
  /**
   * Quasi-identifiers: the coarsest level the search may choose (default: the final `*` level). A release whose
   * recipient needs at least, say, the prefecture sets this below `*`; then a limit no transformation meets is
   * possible (`suppression_unmet`).
   */
  maxLevel?: number;
}

export interface AnonymizeSpec {
  columns: readonly ColumnSpec[];
  /** Every class of equal quasi-identifiers holds at least k records (k ≥ 2). */
  k: number;
  /** Distinct l-diversity: every class holds at least `l` distinct values of the sensitive `column`. */
  l?: { column: string; l: number };
  /** The share of records that may be suppressed (0 ≤ limit < 1; 0.04 for 4 %). */
  suppressionLimit: number;
  /** The key of the release's keyed hash (HMAC-SHA-256): 32 random bytes, one per release, never shown. */
  pseudonymKey?: Uint8Array;
}

/** A transformation: the generalization level chosen for each quasi-identifier, in the order of the spec. */
export type Levels = readonly number[];

export interface ClassSizeSummary {
  classes: number;
  min: number;
  max: number;
  average: number;
  /** How many classes have each size, for the report's histogram (size → count), sizes 1..k*4 and a tail. */
  histogram: readonly { size: number; classes: number }[];
}

export interface AnonymizeReport {
  /** The loss metric's name and its value for the chosen transformation (0 = nothing lost, 1 = everything). */
  metric: { name: string; value: number };
  levels: readonly { column: string; level: number; of: number }[];
  /**
   * `evaluated` + `pruned` = `size`; `checks` counts the projections evaluated besides (nodes with all but one
   * quasi-identifier withheld, whose failure strikes out the nodes below them).
   */
  lattice: { size: number; evaluated: number; pruned: number; checks?: number };
  classSizes: ClassSizeSummary;
  rows: { input: number; output: number; suppressed: number; topBottomCoded: number };
  risk: Record<RiskModel, { highest: number; average: number }>;
  /** k (and l) checked again on the output rows themselves, independently of the search. */
  verified: { k: boolean; l: boolean | null };
  timings: Record<string, number>;
  /** Source columns the spec does not name: not in the output. (Added by the engine; optional for older readers.) */
  droppedColumns?: readonly string[];
  /** The length of the keyed hash in hex characters (32 = 128 bits), when a pseudonym column is present. */
  pseudonymHexLength?: number | null;
}

/** What the caller may add: a population for the journalist and marketer risks, and a progress callback. */
export interface AnonymizeOptions {
  /**
   * The size of the population the records were drawn from (e.g. all members when the release holds a sample).
   * Without it the records are their own population (journalist risk = prosecutor risk).
   */
  populationSize?: number;
  /** Called as the engine moves through its phases (the CLI's progress bar). */
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
}

export interface AnonymizeResult {
  /** Output columns: identifiers removed (or the keyed hash in place of the pseudonym column), others in order. */
  columns: readonly string[];
  rows: AsyncIterable<readonly Cell[]> | Iterable<readonly Cell[]>;
  report: AnonymizeReport;
}

/**
 * Errors the engine raises, each a stable code (with the column or value named in `detail`):
 * `hierarchy_uncovered` (a value no step covers), `k_exceeds_population`, `suppression_unmet` (no
 * transformation meets the limit), `l_unreachable` (the sensitive column has fewer than l distinct values),
 * `spec_invalid` (unknown column, a quasi-identifier without hierarchy, two pseudonym columns…), and
 * `verification_failed` (the output's own check failed: nothing may be written).
 */
export const anonymizeErrorCodes = [
  'hierarchy_uncovered',
  'k_exceeds_population',
  'suppression_unmet',
  'l_unreachable',
  'spec_invalid',
  'verification_failed',
] as const;
export type AnonymizeErrorCode = (typeof anonymizeErrorCodes)[number];
