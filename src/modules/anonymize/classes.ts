/**
 * Class tables: the equivalence classes of a transformation as columns of label ids with a count, never as rows.
 * A table at a node is computed from the table of any node below it (a coarser label is a function of a finer
 * one), so after the first pass over the rows the search only rolls tables up. With l-diversity the table is
 * kept per (class, sensitive value) pair, so that distinct sensitive values can still be counted after a roll-up.
 */
import type { CompiledQi } from './hierarchy.ts';

export interface ClassTable {
  /** The node (a level per quasi-identifier); -1 everywhere for the rows themselves (distinct value ids). */
  node: Int32Array;
  /** Per quasi-identifier, the label id of each entry at `node`'s level. */
  labels: Int32Array[];
  /** The sensitive value id of each entry (pair tables, with l-diversity), or null. */
  sens: Int32Array | null;
  /** Records per entry. */
  count: Int32Array;
  size: number;
}

/** What a node's classes say about k, l and suppression. */
export interface NodeStats {
  classes: number;
  /** Records in classes smaller than k (or with fewer than l distinct sensitive values): they are suppressed. */
  suppressed: number;
  /** Per quasi-identifier, Σ over suppressed records of (leaves of their label − 1). */
  suppressedNumerators: number[];
}

/** Lookup tables from the labels at level `from` to those at level `to` (from ≤ to; -1 = distinct values). */
export class LevelMaps {
  private readonly cache = new Map<string, Int32Array>();
  private readonly qis: readonly CompiledQi[];
  constructor(qis: readonly CompiledQi[]) {
    this.qis = qis;
  }

  get(qi: number, from: number, to: number): Int32Array {
    const key = `${qi}:${from}:${to}`;
    let map = this.cache.get(key);
    if (!map) {
      const c = this.qis[qi]!;
      const target = c.levels[to]!.map;
      if (from < 0) map = target;
      else {
        // Any distinct value under a label at `from` gives its label at `to` (the hierarchy coarsens).
        const source = c.levels[from]!.map;
        map = new Int32Array(c.levels[from]!.labels.length);
        for (let d = 0; d < c.distinct; d++) map[source[d]!] = target[d]!;
      }
      this.cache.set(key, map);
    }
    return map;
  }
}

/** Key spaces up to this size are grouped with a plain array indexed by the key (Int32, 16 MB at most). */
const DENSE_LIMIT = 1 << 22;

/**
 * Dense group ids of float keys (integers below 2^53): an open-addressing hash table on typed arrays, several
 * times faster than a Map for a million keys.
 */
function hashGroups(packed: Float64Array, size: number, group: Int32Array, first: number[]): void {
  let capacity = 1024;
  while (capacity < size * 2) capacity *= 2;
  const mask = capacity - 1;
  const keys = new Float64Array(capacity);
  const slots = new Int32Array(capacity).fill(-1);
  for (let e = 0; e < size; e++) {
    const key = packed[e]!;
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    let at = h & mask;
    for (;;) {
      const g = slots[at]!;
      if (g === -1) {
        const id = first.length;
        slots[at] = id;
        keys[at] = key;
        first.push(e);
        group[e] = id;
        break;
      }
      if (keys[at] === key) {
        group[e] = g;
        break;
      }
      at = (at + 1) & mask;
    }
  }
}

/**
 * Groups the entries of `keys` (one or more columns of small integers with their cardinalities) into dense group
 * ids: returns the group of each entry and the number of groups. Packs the columns into one number per entry and
 * uses a dense array when the key space is small, a hash table otherwise; columns whose product passes 2^53 are
 * packed in stages.
 */
export function groupKeys(
  columns: readonly Int32Array[],
  cards: readonly number[],
  size: number,
): { group: Int32Array; groups: number; first: Int32Array } {
  let current: Int32Array | null = null;
  let currentCard = 1;
  let firstOf: Int32Array = new Int32Array(0);
  let c = 0;
  while (c < columns.length || current === null) {
    // Pack as many further columns as fit in 2^53 with the current ids.
    const packed = new Float64Array(size);
    let space = currentCard;
    if (current) for (let e = 0; e < size; e++) packed[e] = current[e]!;
    while (c < columns.length && (space * cards[c]! < 2 ** 53 || space === currentCard)) {
      const col = columns[c]!;
      const card = cards[c]!;
      if (card > 1) {
        for (let e = 0; e < size; e++) packed[e] = packed[e]! * card + col[e]!;
        space *= card;
      }
      c++;
    }
    const group = new Int32Array(size);
    const first: number[] = [];
    if (space <= DENSE_LIMIT) {
      const index = new Int32Array(space).fill(-1);
      for (let e = 0; e < size; e++) {
        const key = packed[e]!;
        let g = index[key]!;
        if (g === -1) {
          g = first.length;
          index[key] = g;
          first.push(e);
        }
        group[e] = g;
      }
    } else hashGroups(packed, size, group, first);
    // Stage ids refer to entries of this stage; later stages refine them.
    firstOf = Int32Array.from(first);
    current = group;
    currentCard = first.length;
    if (columns.length === 0) break;
  }
  return { group: current!, groups: currentCard, first: firstOf };
}

/** The table of `target` rolled up from `source` (source ≤ target on every quasi-identifier). */
export function rollUp(source: ClassTable, target: Int32Array, qis: readonly CompiledQi[], maps: LevelMaps): ClassTable {
  const q = qis.length;
  const columns: Int32Array[] = [];
  const cards: number[] = [];
  for (let i = 0; i < q; i++) {
    const card = qis[i]!.levels[target[i]!]!.labels.length;
    const from = source.labels[i]!;
    // A single label (`*`): every entry has id 0, nothing to look up.
    if (card === 1) columns.push(new Int32Array(source.size));
    else if (source.node[i] === target[i]) columns.push(from);
    else {
      const map = maps.get(i, source.node[i]!, target[i]!);
      const to = new Int32Array(source.size);
      for (let e = 0; e < source.size; e++) to[e] = map[from[e]!]!;
      columns.push(to);
    }
    cards.push(card);
  }
  if (source.sens) {
    columns.push(source.sens);
    let card = 0;
    for (let e = 0; e < source.size; e++) if (source.sens[e]! >= card) card = source.sens[e]! + 1;
    cards.push(card);
  }
  const { group, groups, first } = groupKeys(columns, cards, source.size);
  const count = new Int32Array(groups);
  for (let e = 0; e < source.size; e++) count[group[e]!]! += source.count[e]!;
  const labels = columns.slice(0, q).map((col) => {
    const out = new Int32Array(groups);
    for (let g = 0; g < groups; g++) out[g] = col[first[g]!]!;
    return out;
  });
  let sens: Int32Array | null = null;
  if (source.sens) {
    sens = new Int32Array(groups);
    for (let g = 0; g < groups; g++) sens[g] = source.sens[first[g]!]!;
  }
  return { node: Int32Array.from(target), labels, sens, count, size: groups };
}

/** The classes of a (pair) table: per entry its class, and per class its size and distinct sensitive values. */
export function classesOf(
  table: ClassTable,
  qis: readonly CompiledQi[],
): { classOf: Int32Array; classes: number; size: Int32Array; distinct: Int32Array; first: Int32Array } {
  if (!table.sens) {
    const classOf = new Int32Array(table.size);
    for (let e = 0; e < table.size; e++) classOf[e] = e;
    const first = classOf;
    return { classOf, classes: table.size, size: table.count, distinct: new Int32Array(0), first };
  }
  const cards = qis.map((qi, i) => qi.levels[table.node[i]!]!.labels.length);
  const { group, groups, first } = groupKeys(table.labels, cards, table.size);
  const size = new Int32Array(groups);
  const distinct = new Int32Array(groups);
  for (let e = 0; e < table.size; e++) {
    size[group[e]!]! += table.count[e]!;
    distinct[group[e]!]!++;
  }
  return { classOf: group, classes: groups, size, distinct, first };
}

/** k, l and suppression at the table's node. */
export function statsOf(table: ClassTable, qis: readonly CompiledQi[], k: number, l: number): NodeStats {
  const { classes, size, distinct, first } = classesOf(table, qis);
  let suppressed = 0;
  const suppressedNumerators = qis.map(() => 0);
  for (let c = 0; c < classes; c++) {
    const s = size[c]!;
    if (s < k || (table.sens && distinct[c]! < l)) {
      suppressed += s;
      const e = first[c]!;
      for (let i = 0; i < qis.length; i++) {
        const leaves = qis[i]!.levels[table.node[i]!]!.leaves;
        suppressedNumerators[i]! += s * (leaves[table.labels[i]![e]!]! - 1);
      }
    }
  }
  return { classes, suppressed, suppressedNumerators };
}
