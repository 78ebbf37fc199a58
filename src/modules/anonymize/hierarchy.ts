/**
 * Compiles a quasi-identifier's hierarchy into lookup tables: the column is dictionary-encoded once (every row
 * gets the code of its distinct value), and every level is an array from distinct value to label id. The search
 * then never touches a value again: a class is a tuple of label ids.
 *
 * Every step applies to the original value (after top/bottom coding); the engine adds the final `*` level and
 * checks that each level is a coarsening of the one below it (two values that share a label keep sharing one
 * higher up), which the lattice search's monotonicity needs.
 */
import type { HierarchyStep } from '../../contract/release-vocabulary.ts';
import { AnonymizeError } from './errors.ts';
import type { Cell, ColumnSpec } from './types.ts';

export const WITHHELD = '*';

export interface Level {
  /** Distinct value id → label id. */
  map: Int32Array;
  /** Label id → the label written out. */
  labels: Cell[];
  /** Label id → how many distinct values of the column it covers (for the loss metric). */
  leaves: Int32Array;
}

export interface CompiledQi {
  name: string;
  /** Row → distinct value id. */
  codes: Int32Array;
  /** Distinct value id → how many rows hold it. */
  counts: Int32Array;
  distinct: number;
  /** Levels 0 … height-1; the last is `*`. */
  levels: Level[];
  /** The coarsest level the search may choose. */
  maxLevel: number;
  /** Cells labelled by top/bottom coding (e.g. 90以上). */
  coded: number;
  /**
   * Per level, Σ over rows of (leaves of the row's label − 1): the loss metric's numerator for the column
   * when no record is suppressed (an integer, so sums are exact).
   */
  lossNumerator: number[];
}

const fmt = (v: number): string => String(v);

/** A cell as a number, or null if it is not one (numeric text from a CSV file counts as a number). */
export function asNumber(v: Cell): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function show(v: Cell): string {
  return JSON.stringify(v);
}

/** Coding of numbers: the effective value and whether it was coded up (≥ top) or down (< bottom). */
interface Coded {
  value: number;
  side: 'top' | 'bottom' | null;
}

type Labeller = (v: Cell, coded: Coded | null) => Cell;

function rangeLabel(lo: number, hiExclusive: number, coding: ColumnSpec['coding']): string {
  const top = coding?.top;
  const bottom = coding?.bottom;
  const holdsTop = top !== undefined && lo <= top && top < hiExclusive;
  const holdsBottom = bottom !== undefined && lo <= bottom && bottom < hiExclusive;
  // A band that holds the top (bottom) code also holds every coded value above (below) it.
  if (holdsTop && holdsBottom) return WITHHELD;
  if (holdsTop) return `${fmt(lo)}以上`;
  if (holdsBottom) return `${fmt(hiExclusive)}未満`;
  if (hiExclusive === Number.POSITIVE_INFINITY) return `${fmt(lo)}以上`;
  if (Number.isInteger(lo) && Number.isInteger(hiExclusive)) return `${fmt(lo)}-${fmt(hiExclusive - 1)}`;
  return `${fmt(lo)}以上${fmt(hiExclusive)}未満`;
}

function stepLabeller(column: ColumnSpec, step: HierarchyStep, index: number): Labeller {
  const where = `column "${column.name}", step ${index + 1} (${step.kind})`;
  const invalid = (why: string) => new AnonymizeError('spec_invalid', `${where}: ${why}`);
  const uncovered = (v: Cell, why: string) =>
    new AnonymizeError('hierarchy_uncovered', `column "${column.name}": value ${show(v)} ${why} (step ${index + 1}, ${step.kind})`);
  const numberOf = (v: Cell, coded: Coded | null): number => {
    if (coded) return coded.value;
    const n = asNumber(v);
    if (n === null) throw uncovered(v, 'is not a number');
    return n;
  };
  switch (step.kind) {
    case 'mask': {
      if (!Number.isInteger(step.keep) || step.keep < 0) throw invalid('keep must be a whole number ≥ 0');
      return (v) => {
        const chars = [...String(v)];
        return chars.map((c, i) => (i < step.keep || c === '-' ? c : '*')).join('');
      };
    }
    case 'prefix_map': {
      const map = new Map(Object.entries(step.map ?? {}));
      if (map.size === 0) throw invalid('the map is empty');
      let longest = 0;
      for (const key of map.keys()) longest = Math.max(longest, [...key].length);
      return (v) => {
        const s = String(v);
        for (let len = Math.min(longest, s.length); len > 0; len--) {
          const label = map.get(s.slice(0, len));
          if (label !== undefined) return label;
        }
        throw uncovered(v, 'matches no prefix');
      };
    }
    case 'interval': {
      const width = step.width;
      const origin = step.origin ?? 0;
      if (!(Number.isFinite(width) && width > 0) || !Number.isFinite(origin)) throw invalid('width must be a number > 0');
      return (v, coded) => {
        const n = numberOf(v, coded);
        const lo = origin + Math.floor((n - origin) / width) * width;
        return rangeLabel(lo, lo + width, column.coding);
      };
    }
    case 'breaks': {
      const bounds = step.bounds ?? [];
      if (bounds.length === 0 || bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]!)))
        throw invalid('bounds must be ascending numbers');
      return (v, coded) => {
        const n = numberOf(v, coded);
        if (n < bounds[0]!) throw uncovered(v, `is below the first bound ${bounds[0]}`);
        let i = 0;
        while (i + 1 < bounds.length && n >= bounds[i + 1]!) i++;
        return rangeLabel(bounds[i]!, i + 1 < bounds.length ? bounds[i + 1]! : Number.POSITIVE_INFINITY, column.coding);
      };
    }
    case 'date': {
      if (step.unit !== 'month' && step.unit !== 'year') throw invalid('unit must be month or year');
      const length = step.unit === 'month' ? 7 : 4;
      return (v) => {
        if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) throw uncovered(v, 'is not a date (YYYY-MM-DD)');
        return v.slice(0, length);
      };
    }
    case 'groups': {
      const groupOf = new Map<string, string>();
      for (const [group, members] of Object.entries(step.groups ?? {})) {
        for (const m of members) {
          if (groupOf.has(m)) throw invalid(`value ${show(m)} is in two groups`);
          groupOf.set(m, group);
        }
      }
      if (groupOf.size === 0) throw invalid('no groups');
      return (v) => {
        const g = groupOf.get(String(v));
        if (g === undefined) throw uncovered(v, 'is in no group');
        return g;
      };
    }
    default:
      throw invalid('unknown kind');
  }
}

/**
 * Dictionary-encodes `values` and compiles the column's hierarchy into per-level lookup tables.
 * Missing values (null) are a value of their own: they stay null at every level below `*`.
 */
export function compileQuasiIdentifier(column: ColumnSpec, values: readonly Cell[]): CompiledQi {
  const n = values.length;
  const codes = new Int32Array(n);
  const ids = new Map<Cell, number>();
  const distinctValues: Cell[] = [];
  let countsList: number[] = [];
  for (let r = 0; r < n; r++) {
    const v = values[r]!;
    let id = ids.get(v);
    if (id === undefined) {
      id = distinctValues.length;
      ids.set(v, id);
      distinctValues.push(v);
      countsList.push(0);
    }
    codes[r] = id;
    countsList[id]!++;
  }
  const counts = Int32Array.from(countsList);
  countsList = [];
  const distinct = distinctValues.length;

  const coding = column.coding;
  if (coding) {
    const { top, bottom } = coding;
    if ((top !== undefined && !Number.isFinite(top)) || (bottom !== undefined && !Number.isFinite(bottom)))
      throw new AnonymizeError('spec_invalid', `column "${column.name}": coding bounds must be numbers`);
    if (top !== undefined && bottom !== undefined && bottom >= top)
      throw new AnonymizeError('spec_invalid', `column "${column.name}": coding bottom must be below top`);
  }
  // Top/bottom coding, once per distinct value.
  const codedOf: (Coded | null)[] = new Array(distinct).fill(null);
  let coded = 0;
  if (coding && (coding.top !== undefined || coding.bottom !== undefined)) {
    for (let d = 0; d < distinct; d++) {
      const v = distinctValues[d]!;
      if (v === null) continue;
      const x = asNumber(v);
      if (x === null)
        throw new AnonymizeError('hierarchy_uncovered', `column "${column.name}": value ${show(v)} is not a number (top/bottom coding)`);
      if (coding.top !== undefined && x >= coding.top) codedOf[d] = { value: coding.top, side: 'top' };
      else if (coding.bottom !== undefined && x < coding.bottom) codedOf[d] = { value: coding.bottom, side: 'bottom' };
      else codedOf[d] = { value: x, side: null };
      if (codedOf[d]!.side) coded += counts[d]!;
    }
  }

  const labellers: Labeller[] = [
    (v, c) => (c?.side === 'top' ? `${fmt(coding!.top!)}以上` : c?.side === 'bottom' ? `${fmt(coding!.bottom!)}未満` : v),
    ...(column.hierarchy ?? []).map((step, i) => stepLabeller(column, step, i)),
  ];
  const levels: Level[] = [];
  for (const labeller of labellers) {
    const map = new Int32Array(distinct);
    const labelIds = new Map<Cell, number>();
    const labels: Cell[] = [];
    const leaves: number[] = [];
    for (let d = 0; d < distinct; d++) {
      const v = distinctValues[d]!;
      const label = v === null ? null : labeller(v, codedOf[d]!);
      let id = labelIds.get(label);
      if (id === undefined) {
        id = labels.length;
        labelIds.set(label, id);
        labels.push(label);
        leaves.push(0);
      }
      map[d] = id;
      leaves[id]!++;
    }
    levels.push({ map, labels, leaves: Int32Array.from(leaves) });
  }
  levels.push({ map: new Int32Array(distinct), labels: [WITHHELD], leaves: Int32Array.of(distinct) });

  // Each level must coarsen the one below it.
  for (let l = 0; l + 1 < levels.length; l++) {
    const below = levels[l]!;
    const above = levels[l + 1]!;
    const parent = new Int32Array(below.labels.length).fill(-1);
    for (let d = 0; d < distinct; d++) {
      const a = below.map[d]!;
      const b = above.map[d]!;
      if (parent[a] === -1) parent[a] = b;
      else if (parent[a] !== b)
        throw new AnonymizeError(
          'spec_invalid',
          `column "${column.name}": level ${l + 1} is not a coarsening of level ${l} (label ${show(below.labels[a]!)} splits into ${show(above.labels[parent[a]!]!)} and ${show(above.labels[b]!)})`,
        );
    }
  }

  const height = levels.length;
  const maxLevel = column.maxLevel ?? height - 1;
  if (!Number.isInteger(maxLevel) || maxLevel < 0 || maxLevel > height - 1)
    throw new AnonymizeError('spec_invalid', `column "${column.name}": maxLevel must be between 0 and ${height - 1}`);

  const lossNumerator = levels.map((level) => {
    let sum = 0;
    for (let d = 0; d < distinct; d++) sum += counts[d]! * (level.leaves[level.map[d]!]! - 1);
    return sum;
  });
  return { name: column.name, codes, counts, distinct, levels, maxLevel, coded, lossNumerator };
}
