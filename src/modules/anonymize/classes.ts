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
 * Scratch buffers reused across evaluations: a search evaluates dozens of nodes over up to millions of entries,
 * and allocating (and zeroing) fresh arrays each time costs more than the grouping itself.
 */
const scratch = {
  packed: new Float64Array(0),
  dense: new Int32Array(0),
  hash: new Float64Array(0),
  group: new Int32Array(0),
};
function packedBuffer(size: number): Float64Array {
  if (scratch.packed.length < size) scratch.packed = new Float64Array(Math.max(size, scratch.packed.length * 2));
  return scratch.packed;
}

/** One column of a key: its values, looked up through `map` if given, and its cardinality. */
export interface KeyPart {
  values: Int32Array;
  map: Int32Array | null;
  card: number;
}

export interface Grouping {
  /** The group of each entry. */
  group: Int32Array;
  groups: number;
  /** The first entry of each group. */
  first: Int32Array;
}

/** Dense group ids of the packed keys (integers below 2^53). */
function groupPacked(packed: Float64Array, size: number, space: number, scratchGroup: boolean): Grouping {
  let group: Int32Array;
  if (scratchGroup) {
    if (scratch.group.length < size) scratch.group = new Int32Array(Math.max(size, scratch.group.length * 2));
    group = scratch.group;
  } else group = new Int32Array(size);
  let groups = 0;
  let first = new Int32Array(Math.min(size, 1024));
  const push = (e: number) => {
    if (groups === first.length) {
      const grown = new Int32Array(Math.min(size, first.length * 2));
      grown.set(first);
      first = grown;
    }
    first[groups] = e;
    return groups++;
  };
  if (space <= DENSE_LIMIT && space <= Math.max(4 * size, 1 << 16)) {
    if (scratch.dense.length < space) scratch.dense = new Int32Array(Math.max(space, Math.min(DENSE_LIMIT, scratch.dense.length * 2)));
    const index = scratch.dense;
    index.fill(-1, 0, space);
    for (let e = 0; e < size; e++) {
      const key = packed[e]!;
      let g = index[key]!;
      if (g === -1) {
        g = push(e);
        index[key] = g;
      }
      group[e] = g;
    }
  } else {
    // Open addressing on one typed array of (key, id + 1) pairs: a probe touches one cache line, not two;
    // several times faster than a Map for a million keys.
    let capacity = 1024;
    while (capacity < size * 2) capacity *= 2;
    if (scratch.hash.length < capacity * 2) scratch.hash = new Float64Array(capacity * 2);
    const table = scratch.hash;
    table.fill(0, 0, capacity * 2);
    const mask = capacity - 1;
    for (let e = 0; e < size; e++) {
      const key = packed[e]!;
      const lo = key >>> 0;
      const hi = (key / 4294967296) >>> 0;
      let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
      h ^= h >>> 15;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 13;
      let at = (h & mask) << 1;
      for (;;) {
        const id = table[at + 1]!;
        if (id === 0) {
          const g = push(e);
          table[at] = key;
          table[at + 1] = g + 1;
          group[e] = g;
          break;
        }
        if (table[at] === key) {
          group[e] = id - 1;
          break;
        }
        at = (at + 2) & (mask * 2 + 1);
      }
    }
  }
  return { group, groups, first: first.subarray(0, groups) };
}

/**
 * Groups `size` entries by the tuple of their key parts into dense group ids. The parts are packed into one
 * number per entry (in stages, re-numbering densely, if their product passes 2^53) and grouped with an array
 * indexed by the key when the key space is small, a hash table otherwise. With `scratchGroup` the returned
 * `group` is a shared buffer, valid until the next call (for callers that do not keep it).
 */
export function groupBy(parts: readonly KeyPart[], size: number, scratchGroup = false): Grouping {
  const live = parts.filter((p) => p.card > 1);
  let done = 0;
  let result: Grouping | null = null;
  while (result === null || done < live.length) {
    const packed = packedBuffer(size);
    let space = 1;
    if (result) {
      const g = result.group;
      for (let e = 0; e < size; e++) packed[e] = g[e]!;
      space = result.groups;
    } else packed.fill(0, 0, size);
    const before = done;
    while (done < live.length && (space * live[done]!.card < 2 ** 53 || done === before)) {
      const { values, map, card } = live[done]!;
      if (map) for (let e = 0; e < size; e++) packed[e] = packed[e]! * card + map[values[e]!]!;
      else for (let e = 0; e < size; e++) packed[e] = packed[e]! * card + values[e]!;
      space *= card;
      done++;
    }
    result = groupPacked(packed, size, space, scratchGroup);
  }
  return result;
}

/** The table of `target` rolled up from `source` (source ≤ target on every quasi-identifier). */
export function rollUp(source: ClassTable, target: Int32Array, qis: readonly CompiledQi[], maps: LevelMaps): ClassTable {
  const q = qis.length;
  const parts: KeyPart[] = [];
  for (let i = 0; i < q; i++) {
    const card = qis[i]!.levels[target[i]!]!.labels.length;
    const map = source.node[i] === target[i] ? null : maps.get(i, source.node[i]!, target[i]!);
    parts.push({ values: source.labels[i]!, map, card });
  }
  if (source.sens) parts.push({ values: source.sens, map: null, card: sensitiveCard(source.sens, source.size) });
  const { group, groups, first } = groupBy(parts, source.size, true);
  const count = new Int32Array(groups);
  for (let e = 0; e < source.size; e++) count[group[e]!]! += source.count[e]!;
  const labels = parts.slice(0, q).map(({ values, map, card }) => {
    const out = new Int32Array(groups);
    if (card > 1) {
      if (map) for (let g = 0; g < groups; g++) out[g] = map[values[first[g]!]!]!;
      else for (let g = 0; g < groups; g++) out[g] = values[first[g]!]!;
    }
    return out;
  });
  let sens: Int32Array | null = null;
  if (source.sens) {
    sens = new Int32Array(groups);
    for (let g = 0; g < groups; g++) sens[g] = source.sens[first[g]!]!;
  }
  return { node: Int32Array.from(target), labels, sens, count, size: groups };
}

const sensCards = new WeakMap<Int32Array, number>();
function sensitiveCard(sens: Int32Array, size: number): number {
  let card = sensCards.get(sens);
  if (card === undefined) {
    card = 0;
    for (let e = 0; e < size; e++) if (sens[e]! >= card) card = sens[e]! + 1;
    sensCards.set(sens, card);
  }
  return card;
}

/**
 * The classes of a pair table (with l-diversity): per class its size, distinct sensitive values and first entry.
 * (Without l, a table's entries are its classes.)
 */
function classesOfPairs(
  table: ClassTable,
  qis: readonly CompiledQi[],
): { classes: number; size: Int32Array; distinct: Int32Array; first: Int32Array } {
  const parts = qis.map((qi, i) => ({ values: table.labels[i]!, map: null, card: qi.levels[table.node[i]!]!.labels.length }));
  const { group, groups, first } = groupBy(parts, table.size, true);
  const size = new Int32Array(groups);
  const distinct = new Int32Array(groups);
  const count = table.count;
  for (let e = 0; e < table.size; e++) {
    const g = group[e]!;
    size[g]! += count[e]!;
    distinct[g]!++;
  }
  return { classes: groups, size, distinct, first };
}

/** k, l and suppression at the table's node. */
export function statsOf(table: ClassTable, qis: readonly CompiledQi[], k: number, l: number): NodeStats {
  const q = qis.length;
  const leaves = qis.map((qi, i) => qi.levels[table.node[i]!]!.leaves);
  const labels = table.labels;
  let suppressed = 0;
  const numerators = new Float64Array(q);
  const suppress = (s: number, e: number) => {
    suppressed += s;
    for (let i = 0; i < q; i++) numerators[i]! += s * (leaves[i]![labels[i]![e]!]! - 1);
  };
  let classes: number;
  if (table.sens) {
    const { size, distinct, first } = classesOfPairs(table, qis);
    classes = size.length;
    for (let c = 0; c < classes; c++) if (size[c]! < k || distinct[c]! < l) suppress(size[c]!, first[c]!);
  } else {
    classes = table.size;
    const count = table.count;
    for (let e = 0; e < classes; e++) if (count[e]! < k) suppress(count[e]!, e);
  }
  return { classes, suppressed, suppressedNumerators: [...numerators] };
}
