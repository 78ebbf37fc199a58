/**
 * Optimality: on random small data sets the engine's chosen transformation has the least loss of the whole
 * lattice, as found by an exhaustive search written here independently of the engine's search (classes counted
 * with string keys from the label text, every node visited, loss computed from the labels' leaves counted here).
 * Only the per-level labels come from the engine's hierarchy compiler, which the step tests check on their own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anonymize } from './anonymize.ts';
import { AnonymizeError } from './errors.ts';
import { compileQuasiIdentifier } from './hierarchy.ts';
import type { AnonymizeSpec, Cell, ColumnSpec, SourceTable } from './types.ts';

interface Case {
  table: SourceTable;
  spec: AnonymizeSpec;
}

/** Every node of the lattice, judged from scratch. Returns the best (loss, then level sum, then lexicographic). */
function exhaustive({ table, spec }: Case): { levels: number[]; loss: number } | null {
  const n = table.values[0]!.length;
  const qiSpecs = spec.columns.filter((c) => c.role === 'quasi_identifier');
  const column = (name: string) => table.values[table.columns.indexOf(name)]!;
  // Labels per level per row, as text.
  const perLevel: string[][][] = qiSpecs.map((c) => {
    const values = column(c.name);
    const compiled = compileQuasiIdentifier(c, values);
    return compiled.levels.map((level) => values.map((_, r) => JSON.stringify(level.labels[level.map[compiled.codes[r]!]!])));
  });
  const distinctRaw = qiSpecs.map((c) => new Set(column(c.name).map((v) => JSON.stringify(v))).size);
  // Leaves of a label: the distinct raw values under it.
  const leaves = qiSpecs.map((c, i) =>
    perLevel[i]!.map((labels) => {
      const under = new Map<string, Set<string>>();
      labels.forEach((label, r) => {
        if (!under.has(label)) under.set(label, new Set());
        under.get(label)!.add(JSON.stringify(column(c.name)[r]));
      });
      return under;
    }),
  );
  const heights = qiSpecs.map((c, i) => Math.min(c.maxLevel ?? Number.POSITIVE_INFINITY, perLevel[i]!.length - 1) + 1);
  const sensitive = spec.l ? column(spec.l.column) : null;
  const maxSuppressed = Math.floor(spec.suppressionLimit * n);
  let best: { levels: number[]; loss: number; sum: number } | null = null;
  const visit = (levels: number[]) => {
    const classes = new Map<string, number[]>();
    for (let r = 0; r < n; r++) {
      const key = levels.map((lv, i) => perLevel[i]![lv]![r]).join('|');
      if (!classes.has(key)) classes.set(key, []);
      classes.get(key)!.push(r);
    }
    const suppressedRows = new Set<number>();
    for (const rows of classes.values()) {
      const distinct = sensitive ? new Set(rows.map((r) => sensitive[r])).size : Number.POSITIVE_INFINITY;
      if (rows.length < spec.k || (spec.l && distinct < spec.l.l)) for (const r of rows) suppressedRows.add(r);
    }
    if (suppressedRows.size > maxSuppressed) return;
    let total = 0;
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < levels.length; i++) {
        if (suppressedRows.has(r)) total += 1;
        else if (distinctRaw[i]! > 1)
          total += (leaves[i]![levels[i]!]!.get(perLevel[i]![levels[i]!]![r]!)!.size - 1) / (distinctRaw[i]! - 1);
      }
    }
    const loss = levels.length ? total / (n * levels.length) : suppressedRows.size / n;
    const sum = levels.reduce((a, b) => a + b, 0);
    if (
      !best ||
      loss < best.loss - 1e-9 ||
      (Math.abs(loss - best.loss) <= 1e-9 && (sum < best.sum || (sum === best.sum && lexLess(levels, best.levels))))
    )
      best = { levels: [...levels], loss, sum };
  };
  const walk = (i: number, levels: number[]) => {
    if (i === heights.length) return visit(levels);
    for (let lv = 0; lv < heights[i]!; lv++) walk(i + 1, [...levels, lv]);
  };
  walk(0, []);
  return best;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

const numericQi = (name: string, maxLevel?: number): ColumnSpec => ({
  name,
  role: 'quasi_identifier',
  hierarchy: [
    { kind: 'interval', width: 2 },
    { kind: 'interval', width: 4 },
    { kind: 'interval', width: 8 },
  ],
  ...(maxLevel !== undefined ? { maxLevel } : {}),
});
const textQi = (name: string, maxLevel?: number): ColumnSpec => ({
  name,
  role: 'quasi_identifier',
  hierarchy: [
    { kind: 'mask', keep: 2 },
    { kind: 'mask', keep: 1 },
  ],
  ...(maxLevel !== undefined ? { maxLevel } : {}),
});

const categoryQi = (name: string, maxLevel?: number): ColumnSpec => ({
  name,
  role: 'quasi_identifier',
  hierarchy: [
    { kind: 'groups', groups: { ab: ['a', 'b'], cd: ['c', 'd'], efgh: ['e', 'f', 'g', 'h'] } },
    { kind: 'groups', groups: { 'a-d': ['a', 'b', 'c', 'd'], 'e-h': ['e', 'f', 'g', 'h'] } },
  ],
  ...(maxLevel !== undefined ? { maxLevel } : {}),
});
const dateQi = (name: string, maxLevel?: number): ColumnSpec => ({
  name,
  role: 'quasi_identifier',
  hierarchy: [
    { kind: 'date', unit: 'month' },
    { kind: 'date', unit: 'year' },
  ],
  ...(maxLevel !== undefined ? { maxLevel } : {}),
});
/** Ranges of uneven width with outliers coded at both ends. */
const codedQi = (name: string, maxLevel?: number): ColumnSpec => ({
  name,
  role: 'quasi_identifier',
  coding: { bottom: 0, top: 80 },
  hierarchy: [
    { kind: 'breaks', bounds: [0, 10, 20, 40, 60] },
    { kind: 'breaks', bounds: [0, 40] },
  ],
  ...(maxLevel !== undefined ? { maxLevel } : {}),
});

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    rows: fc.integer({ min: 2, max: 200 }),
    kinds: fc.array(fc.constantFrom('num', 'text', 'cat', 'date', 'coded'), { minLength: 2, maxLength: 4 }),
    k: fc.integer({ min: 2, max: 6 }),
    suppression: fc.constantFrom(0, 0.01, 0.05, 0.1, 0.3),
    withL: fc.boolean(),
    l: fc.integer({ min: 2, max: 3 }),
    capped: fc.boolean(),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .map(({ rows, kinds, k, suppression, withL, l, capped, seed }) => {
    let s = seed;
    const rnd = (m: number) => {
      s = (s * 48271) % 2147483647;
      return s % m;
    };
    const columns: string[] = ['id'];
    const values: Cell[][] = [Array.from({ length: rows }, (_, r) => `M${r}`)];
    const specColumns: ColumnSpec[] = [{ name: 'id', role: 'identifier' }];
    kinds.forEach((kind, i) => {
      const name = `q${i}`;
      columns.push(name);
      // Skewed values so that some classes are small and some large.
      values.push(
        Array.from({ length: rows }, () => {
          const v = rnd(3) === 0 ? rnd(16) : rnd(5);
          if (kind === 'num') return v;
          if (kind === 'coded') return v * 7 - 10;
          if (kind === 'cat') return 'abcdefgh'[v % 8]!;
          if (kind === 'date') return `202${v % 3}-0${1 + (v % 9)}-1${rnd(10)}`;
          return `${'abcd'[v % 4]}${'xyz'[rnd(3)]}${rnd(4)}`;
        }),
      );
      const cap = capped && i === 0 ? 1 : undefined;
      const column = { num: numericQi, text: textQi, cat: categoryQi, date: dateQi, coded: codedQi }[kind](name, cap);
      specColumns.push(column);
    });
    columns.push('s');
    values.push(Array.from({ length: rows }, () => ['A', 'B', 'C', 'D'][rnd(rnd(2) ? 4 : 2)]!));
    specColumns.push({ name: 's', role: 'sensitive' });
    const spec: AnonymizeSpec = {
      columns: specColumns,
      k: Math.min(k, rows),
      suppressionLimit: suppression,
      ...(withL ? { l: { column: 's', l } } : {}),
    };
    return { table: { columns, values }, spec };
  });

describe('optimality against an exhaustive search of the lattice', () => {
  it('chooses the least loss (and the same tie-break) and its output meets k, l and the suppression limit', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const distinctS = new Set(c.table.values[c.table.columns.indexOf('s')]).size;
        const reference = exhaustive(c);
        let result: ReturnType<typeof anonymize>;
        try {
          result = anonymize(c.table, c.spec);
        } catch (e) {
          expect(e).toBeInstanceOf(AnonymizeError);
          const code = (e as AnonymizeError).code;
          if (code === 'l_unreachable') expect(distinctS).toBeLessThan(c.spec.l!.l);
          else {
            expect(code).toBe('suppression_unmet');
            expect(reference).toBeNull();
          }
          return;
        }
        expect(reference).not.toBeNull();
        expect(result.report.metric.value).toBeCloseTo(reference!.loss, 9);
        expect(result.report.levels.map((l) => l.level)).toEqual(reference!.levels);
        // The output itself.
        const rows = [...result.rows];
        const qiAt = result.columns.map((name, i) => (name.startsWith('q') ? i : -1)).filter((i) => i >= 0);
        const sAt = result.columns.indexOf('s');
        const classes = new Map<string, Cell[]>();
        for (const row of rows) {
          const key = JSON.stringify(qiAt.map((i) => row[i]));
          if (!classes.has(key)) classes.set(key, []);
          classes.get(key)!.push(row[sAt]!);
        }
        for (const members of classes.values()) {
          expect(members.length).toBeGreaterThanOrEqual(c.spec.k);
          if (c.spec.l) expect(new Set(members).size).toBeGreaterThanOrEqual(c.spec.l.l);
        }
        const n = c.table.values[0]!.length;
        expect(n - rows.length).toBeLessThanOrEqual(Math.floor(c.spec.suppressionLimit * n));
        expect(result.report.rows.suppressed).toBe(n - rows.length);
        expect(result.columns).not.toContain('id');
        expect(result.report.lattice.evaluated + result.report.lattice.pruned).toBe(result.report.lattice.size);
      }),
      { numRuns: 400, seed: 20261204 },
    );
  });
});
