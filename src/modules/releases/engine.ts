/**
 * The release register's side of the engine: the release spec turned into the engine's spec (presets expanded,
 * the pseudonym key added), the engine's refusals turned into the error catalogue's codes with the engine's detail
 * (the column and value at fault) in the message, and the output columns renamed to their labels.
 */
import { AppError, type ErrorCode } from '../../base/errors.ts';
import { anonymize } from '../anonymize/anonymize.ts';
import { AnonymizeError } from '../anonymize/errors.ts';
import type { AnonymizeErrorCode, AnonymizeOptions, AnonymizeResult, AnonymizeSpec, ColumnSpec, SourceTable } from '../anonymize/types.ts';
import { presetHierarchy } from './presets.ts';
import type { ReleaseSpec } from './schemas.ts';

const errorCodes: Record<AnonymizeErrorCode, ErrorCode> = {
  hierarchy_uncovered: 'anonymize_hierarchy_uncovered',
  k_exceeds_population: 'anonymize_k_exceeds_population',
  suppression_unmet: 'anonymize_suppression_unmet',
  l_unreachable: 'anonymize_l_unreachable',
  spec_invalid: 'anonymize_spec_invalid',
  verification_failed: 'anonymize_verification_failed',
};

/** The engine's spec of a release. */
export function engineSpec(spec: ReleaseSpec, key: Uint8Array | undefined): AnonymizeSpec {
  const columns: ColumnSpec[] = spec.columns.map((c) => ({
    name: c.name,
    role: c.role,
    ...(c.role === 'quasi_identifier' ? { hierarchy: c.hierarchy ?? (c.preset ? presetHierarchy(c.preset) : []) } : {}),
    ...(c.coding ? { coding: c.coding } : {}),
    ...(c.pseudonym ? { pseudonym: true } : {}),
    ...(c.max_level !== undefined ? { maxLevel: c.max_level } : {}),
  }));
  return {
    columns,
    k: spec.k,
    ...(spec.l ? { l: { column: spec.l.column, l: spec.l.l } } : {}),
    suppressionLimit: spec.suppression_limit,
    ...(key ? { pseudonymKey: key } : {}),
  };
}

/** The source columns a spec reads, in its order. */
export const sourceColumns = (spec: ReleaseSpec): string[] => spec.columns.map((c) => c.name);

/** The engine's refusal as an AppError naming the cause (the engine's detail: column and value). */
export function engineError(error: AnonymizeError): AppError {
  const code = errorCodes[error.code];
  return new AppError(code, [{ field: 'spec', code: error.code, message_ja: error.messageJa, message_en: error.message }], error.message);
}

/** Runs the engine; its refusals become AppErrors. */
export function runEngine(
  table: SourceTable,
  spec: ReleaseSpec,
  key: Uint8Array | undefined,
  options: AnonymizeOptions = {},
): AnonymizeResult {
  try {
    return anonymize(table, engineSpec(spec, key), options);
  } catch (error) {
    if (error instanceof AnonymizeError) throw engineError(error);
    throw error;
  }
}

/** The recipient's headers: each output column's label (the keyed hash keeps its column's label). */
export function outputLabels(spec: ReleaseSpec, columns: readonly string[]): string[] {
  const labels = new Map(spec.columns.map((c) => [c.name, c.label ?? c.name]));
  return columns.map((c) => labels.get(c) ?? c);
}
