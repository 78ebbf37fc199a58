/**
 * The anonymization engine (匿名加工, issue 14 §3): takes a table and a spec, finds the transformation of least
 * information loss over the whole generalization lattice, writes the output rows (identifiers removed or keyed-
 * hashed, quasi-identifiers as labels, suppressed records left out), counts k and l again on that output, and
 * reports the metric, levels, class sizes and re-identification risk. Pure: no database, no files, no HTTP.
 */

import { type ClassTable, groupBy } from './classes.ts';
import { AnonymizeError } from './errors.ts';
import { type CompiledQi, compileQuasiIdentifier } from './hierarchy.ts';
import { PSEUDONYM_HEX_LENGTH, pseudonymizer } from './pseudonym.ts';
import { riskOf } from './risk.ts';
import { searchExhaustive, searchLattice } from './search.ts';
import type { AnonymizeOptions, AnonymizeReport, AnonymizeResult, AnonymizeSpec, Cell, ClassSizeSummary, SourceTable } from './types.ts';
import { verifyOutput } from './verify.ts';

export const LOSS_METRIC_NAME = 'loss (LM, suppressed = 1)';

function invalid(detail: string): never {
  throw new AnonymizeError('spec_invalid', detail);
}

/** Checks the spec against the table; returns the column index of each spec column. */
function checkSpec(table: SourceTable, spec: AnonymizeSpec): number[] {
  if (table.values.length !== table.columns.length) invalid('the table has a different number of columns and value arrays');
  const n = table.values[0]?.length ?? 0;
  table.values.forEach((col, c) => {
    if (col.length !== n) invalid(`column "${table.columns[c]}" has ${col.length} values, not ${n}`);
  });
  if (!Number.isInteger(spec.k) || spec.k < 2) invalid(`k must be a whole number ≥ 2 (got ${spec.k})`);
  if (!(Number.isFinite(spec.suppressionLimit) && spec.suppressionLimit >= 0 && spec.suppressionLimit < 1))
    invalid(`the suppression limit must be ≥ 0 and < 1 (got ${spec.suppressionLimit})`);
  const seen = new Set<string>();
  const index = spec.columns.map((col) => {
    if (seen.has(col.name)) invalid(`column "${col.name}" is named twice`);
    seen.add(col.name);
    const at = table.columns.indexOf(col.name);
    if (at < 0) invalid(`column "${col.name}" is not in the source`);
    if (!['identifier', 'quasi_identifier', 'sensitive', 'insensitive'].includes(col.role)) invalid(`column "${col.name}": unknown role`);
    if (col.role === 'quasi_identifier' && !col.hierarchy) invalid(`column "${col.name}": a quasi-identifier needs a hierarchy`);
    if (col.role !== 'quasi_identifier' && (col.hierarchy || col.coding || col.maxLevel !== undefined))
      invalid(`column "${col.name}": only a quasi-identifier has a hierarchy, coding or maxLevel`);
    if (col.pseudonym && col.role !== 'identifier') invalid(`column "${col.name}": only an identifier can be a pseudonym`);
    return at;
  });
  if (spec.columns.filter((c) => c.pseudonym).length > 1) invalid('at most one column can be a pseudonym');
  if (spec.l) {
    const col = spec.columns.find((c) => c.name === spec.l!.column);
    if (col?.role !== 'sensitive') invalid(`l-diversity: column "${spec.l.column}" is not a sensitive column of the spec`);
    if (!Number.isInteger(spec.l.l) || spec.l.l < 1) invalid(`l must be a whole number ≥ 1 (got ${spec.l.l})`);
  }
  return index;
}

function sensCard(sens: Int32Array): number {
  let card = 0;
  for (const v of sens) if (v >= card) card = v + 1;
  return card;
}

function summarize(sizes: readonly number[], k: number): ClassSizeSummary {
  if (sizes.length === 0) return { classes: 0, min: 0, max: 0, average: 0, histogram: [] };
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let total = 0;
  const tailFrom = k * 4 + 1;
  const bins = new Map<number, number>();
  for (const s of sizes) {
    min = Math.min(min, s);
    max = Math.max(max, s);
    total += s;
    const bin = Math.min(s, tailFrom);
    bins.set(bin, (bins.get(bin) ?? 0) + 1);
  }
  const histogram = [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([size, classes]) => ({ size, classes }));
  return { classes: sizes.length, min, max, average: total / sizes.length, histogram };
}

/** Checks the spec and compiles the quasi-identifiers and the sensitive column: what the search works on. */
function prepare(table: SourceTable, spec: AnonymizeSpec) {
  const columnIndex = checkSpec(table, spec);
  const n = table.values[0]?.length ?? 0;
  const valuesOf = (name: string) => table.values[columnIndex[spec.columns.findIndex((c) => c.name === name)]!]!;
  if (spec.k > n) throw new AnonymizeError('k_exceeds_population', `k = ${spec.k}, records = ${n}`);

  const qiSpecs = spec.columns.filter((c) => c.role === 'quasi_identifier');
  const qis: CompiledQi[] = qiSpecs.map((c) => compileQuasiIdentifier(c, valuesOf(c.name)));

  let sens: Int32Array | null = null;
  const l = spec.l?.l ?? 1;
  if (spec.l) {
    const values = valuesOf(spec.l.column);
    const ids = new Map<Cell, number>();
    sens = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      let id = ids.get(values[r]!);
      if (id === undefined) {
        id = ids.size;
        ids.set(values[r]!, id);
      }
      sens[r] = id;
    }
    if (ids.size < l) throw new AnonymizeError('l_unreachable', `column "${spec.l.column}" has ${ids.size} distinct values, l = ${l}`);
  }
  const rows: ClassTable = {
    node: new Int32Array(qis.length).fill(-1),
    labels: qis.map((qi) => qi.codes),
    sens,
    count: new Int32Array(n).fill(1),
    size: n,
  };
  return { n, qis, sens, l, rows, maxSuppressed: Math.floor(spec.suppressionLimit * n), valuesOf };
}

/**
 * The lattice optimum found the slow way, for benchmarks and checks: every node evaluated, nothing pruned, the
 * same loss and tie-break. Null when no node satisfies.
 */
export function exhaustiveOptimum(table: SourceTable, spec: AnonymizeSpec): { node: number[]; loss: number } | null {
  const { n, qis, l, rows, maxSuppressed } = prepare(table, spec);
  const found = searchExhaustive(qis, rows, n, { k: spec.k, l, maxSuppressed });
  return found && { node: found.node, loss: found.loss };
}

/**
 * Anonymizes `table` by `spec`. Throws `AnonymizeError` (hierarchy_uncovered, k_exceeds_population,
 * suppression_unmet, l_unreachable, spec_invalid, verification_failed); when it returns, the output has passed
 * its own check and may be written.
 */
export function anonymize(
  table: SourceTable,
  spec: AnonymizeSpec,
  options: AnonymizeOptions = {},
): AnonymizeResult & { rows: Iterable<readonly Cell[]> } {
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round((now - mark) * 10) / 10;
    mark = now;
    options.onProgress?.({ phase: name, done: 1, total: 1 });
  };

  const { n, qis, sens, l, rows, maxSuppressed, valuesOf } = prepare(table, spec);
  phase('compile');

  const found = searchLattice(qis, rows, n, {
    k: spec.k,
    l,
    maxSuppressed,
    onProgress: (done, total) => options.onProgress?.({ phase: 'search', done, total }),
  });
  if (!found)
    throw new AnonymizeError(
      'suppression_unmet',
      `k = ${spec.k}${spec.l ? `, l = ${l} on "${spec.l.column}"` : ''}, at most ${maxSuppressed} of ${n} records suppressed (${spec.suppressionLimit * 100} %)`,
    );
  phase('search');

  // The chosen node's classes, row by row.
  const node = found.node;
  const classes = groupBy(
    qis.map((qi, i) => ({ values: qi.codes, map: qi.levels[node[i]!]!.map, card: qi.levels[node[i]!]!.labels.length })),
    n,
  );
  const classOf = classes.group;
  const classSize = new Int32Array(classes.groups);
  for (let r = 0; r < n; r++) classSize[classOf[r]!]!++;
  const keep = new Uint8Array(classes.groups);
  if (sens) {
    // Distinct sensitive values per class: count each (class, value) pair once.
    const pairs = groupBy(
      [
        { values: classOf, map: null, card: classes.groups },
        { values: sens, map: null, card: sensCard(sens) },
      ],
      n,
    );
    const seen = new Uint8Array(pairs.groups);
    const distinct = new Int32Array(classes.groups);
    for (let r = 0; r < n; r++) {
      if (seen[pairs.group[r]!]) continue;
      seen[pairs.group[r]!] = 1;
      distinct[classOf[r]!]!++;
    }
    for (let c = 0; c < classes.groups; c++) keep[c] = classSize[c]! >= spec.k && distinct[c]! >= l ? 1 : 0;
  } else for (let c = 0; c < classes.groups; c++) keep[c] = classSize[c]! >= spec.k ? 1 : 0;
  phase('classes');

  // The output, column by column (rows left out where their class is suppressed). Cells are made when read —
  // by the check below and by the caller's writer alike — so that a million rows are not held twice.
  let count = 0;
  for (let r = 0; r < n; r++) if (keep[classOf[r]!]) count++;
  const kept = new Int32Array(count);
  for (let r = 0, at = 0; r < n; r++) if (keep[classOf[r]!]) kept[at++] = r;
  const outColumns: string[] = [];
  const cells: ((row: number) => Cell)[] = [];
  const roles: ('qi' | 'sensitive' | 'other')[] = [];
  let qiAt = 0;
  let pseudonymHexLength: number | null = null;
  for (const col of spec.columns) {
    const values = valuesOf(col.name);
    if (col.role === 'identifier') {
      if (!col.pseudonym) continue;
      const hash = pseudonymizer(spec.pseudonymKey, col.name);
      pseudonymHexLength = PSEUDONYM_HEX_LENGTH;
      outColumns.push(col.name);
      cells.push((row) => hash(values[kept[row]!]!));
      roles.push('other');
    } else if (col.role === 'quasi_identifier') {
      const i = qiAt++;
      const { labels, map } = qis[i]!.levels[node[i]!]!;
      const codes = qis[i]!.codes;
      outColumns.push(col.name);
      cells.push((row) => labels[map[codes[kept[row]!]!]!]!);
      roles.push('qi');
    } else {
      outColumns.push(col.name);
      cells.push((row) => values[kept[row]!]!);
      roles.push(spec.l && col.name === spec.l.column ? 'sensitive' : 'other');
    }
  }
  phase('output');

  // An independent count on the output itself: nothing leaves unless it holds.
  const verified = verifyOutput(cells, roles, count, spec.k, spec.l ? l : null);
  const suppressed = n - count;
  if (!verified.k || verified.l === false || suppressed > maxSuppressed)
    throw new AnonymizeError(
      'verification_failed',
      `on the output: smallest class ${verified.smallest}${spec.l ? `, fewest distinct "${spec.l.column}" ${verified.fewestDistinct}` : ''}, suppressed ${suppressed} (at most ${maxSuppressed})`,
    );
  phase('verify');

  const releasedSizes = [...classSize].filter((_, c) => keep[c]);
  const report: AnonymizeReport = {
    metric: { name: LOSS_METRIC_NAME, value: found.loss },
    levels: qis.map((qi, i) => ({ column: qi.name, level: node[i]!, of: qi.levels.length - 1 })),
    lattice: found.lattice,
    classSizes: summarize(releasedSizes, spec.k),
    rows: { input: n, output: count, suppressed, topBottomCoded: qis.reduce((a, qi) => a + qi.coded, 0) },
    risk: riskOf(releasedSizes, n, options.populationSize),
    verified: { k: verified.k, l: verified.l },
    timings,
    droppedColumns: table.columns.filter((c) => !spec.columns.some((s) => s.name === c)),
    pseudonymHexLength,
  };
  phase('report');

  const width = outColumns.length;
  // Re-iterable: each pass (a preview, then the file) makes its rows anew from the same cells.
  const rowsOut: Iterable<readonly Cell[]> = {
    *[Symbol.iterator]() {
      for (let r = 0; r < count; r++) {
        const row = new Array<Cell>(width);
        for (let c = 0; c < width; c++) row[c] = cells[c]!(r);
        yield row;
      }
    },
  };
  return { columns: outColumns, rows: rowsOut, report };
}
