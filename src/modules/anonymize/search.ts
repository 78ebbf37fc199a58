/**
 * Optimal full-domain generalization with record suppression over the whole lattice (a node = one level per
 * quasi-identifier). Exact, not greedy:
 *
 * - The loss of a node (see docs/anonymization-engine.md) is the average over records and quasi-identifiers
 *   of (leaves of the record's label − 1) / (distinct values − 1), a suppressed record counting 1 for every
 *   quasi-identifier. Its part without suppression, `lowerBound`, depends on the node only through per-column
 *   sums computed once, and it bounds the loss of the node and of every node above it (labels only grow going
 *   up, and a suppressed record costs the most). Nodes are visited in increasing lower bound; once the bound
 *   passes the best loss found, no node left can beat it and the search stops.
 * - Whether a node satisfies k (and l) within the suppression limit is monotone: a node above a satisfying one
 *   merges its classes, so it suppresses a subset. Conversely every node below a failing node fails and is never
 *   evaluated.
 * - Ties (equal loss) go to the node with the smaller sum of levels, then to the smaller levels in the spec's
 *   column order (lexicographically).
 */
import { type ClassTable, LevelMaps, type NodeStats, rollUp, statsOf } from './classes.ts';
import type { CompiledQi } from './hierarchy.ts';

/** Losses within this distance are a tie (they are sums of a few exact fractions). */
export const LOSS_EPSILON = 1e-12;

export interface SearchResult {
  node: number[];
  stats: NodeStats;
  loss: number;
  lattice: { size: number; evaluated: number; pruned: number; checks: number };
}

/** The loss metric's value for a node with these statistics (0 = nothing lost, 1 = every value withheld). */
export function lossOf(qis: readonly CompiledQi[], n: number, node: readonly number[], stats: NodeStats): number {
  if (n === 0) return 0;
  if (qis.length === 0) return stats.suppressed / n;
  let sum = 0;
  for (let i = 0; i < qis.length; i++) {
    const qi = qis[i]!;
    const den = qi.distinct - 1;
    const kept = den > 0 ? (qi.lossNumerator[node[i]!]! - stats.suppressedNumerators[i]!) / den : 0;
    sum += kept + stats.suppressed;
  }
  return sum / (n * qis.length);
}

/** The loss of a node were no record suppressed: a lower bound of its loss and of every node above it. */
export function lowerBound(qis: readonly CompiledQi[], n: number, node: readonly number[]): number {
  if (n === 0 || qis.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < qis.length; i++) {
    const den = qis[i]!.distinct - 1;
    if (den > 0) sum += qis[i]!.lossNumerator[node[i]!]! / den;
  }
  return sum / (n * qis.length);
}

/** Lattice geometry: nodes numbered in mixed radix, the first quasi-identifier most significant. */
export class Lattice {
  readonly radix: number[];
  readonly weight: number[];
  readonly size: number;
  constructor(qis: readonly CompiledQi[]) {
    this.radix = qis.map((qi) => qi.maxLevel + 1);
    this.weight = new Array(qis.length).fill(1);
    for (let i = qis.length - 2; i >= 0; i--) this.weight[i] = this.weight[i + 1]! * this.radix[i + 1]!;
    this.size = this.radix.reduce((a, b) => a * b, 1);
  }
  levels(index: number): number[] {
    return this.radix.map((r, i) => Math.floor(index / this.weight[i]!) % r);
  }
}

const FAIL = 1;
const SAT = 2;

export interface SearchOptions {
  k: number;
  l: number;
  /** The most records that may be suppressed. */
  maxSuppressed: number;
  /** How many table entries the roll-up cache may hold (the rows themselves not counted). */
  cacheEntries?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Finds the satisfying node of least loss, or null when none satisfies. */
export function searchLattice(qis: readonly CompiledQi[], rows: ClassTable, n: number, opts: SearchOptions): SearchResult | null {
  const lattice = new Lattice(qis);
  const q = qis.length;
  const maps = new LevelMaps(qis);

  const bounds = new Float64Array(lattice.size);
  const sums = new Int32Array(lattice.size);
  for (let idx = 0; idx < lattice.size; idx++) {
    const node = lattice.levels(idx);
    bounds[idx] = lowerBound(qis, n, node);
    sums[idx] = node.reduce((a, b) => a + b, 0);
  }
  const order = Array.from({ length: lattice.size }, (_, i) => i).sort((a, b) => bounds[a]! - bounds[b]! || sums[a]! - sums[b]! || a - b);

  const status = new Uint8Array(lattice.size);
  const markDown = (idx: number) => {
    const stack = [idx];
    status[idx] = FAIL;
    while (stack.length) {
      const at = stack.pop()!;
      for (let i = 0; i < q; i++) {
        if (Math.floor(at / lattice.weight[i]!) % lattice.radix[i]! === 0) continue;
        const below = at - lattice.weight[i]!;
        if (status[below] !== FAIL) {
          status[below] = FAIL;
          stack.push(below);
        }
      }
    }
  };

  const markUp = (idx: number) => {
    const stack = [idx];
    status[idx] = SAT;
    while (stack.length) {
      const at = stack.pop()!;
      for (let i = 0; i < q; i++) {
        if (Math.floor(at / lattice.weight[i]!) % lattice.radix[i]! === lattice.radix[i]! - 1) continue;
        const above = at + lattice.weight[i]!;
        if (status[above] !== SAT) {
          status[above] = SAT;
          stack.push(above);
        }
      }
    }
  };

  // Tables kept for rolling up: the rows, then evaluated nodes while the budget lasts.
  const cache: ClassTable[] = [rows];
  let cached = 0;
  const budget = opts.cacheEntries ?? 4_000_000;
  const sourceFor = (node: readonly number[]): ClassTable => {
    let best = rows;
    for (const t of cache) {
      if (t.size < best.size && node.every((level, i) => t.node[i]! <= level)) best = t;
    }
    return best;
  };

  const evaluate = (node: readonly number[]): { table: ClassTable; stats: NodeStats } => {
    const table = rollUp(sourceFor(node), Int32Array.from(node), qis, maps);
    const stats = statsOf(table, qis, opts.k, opts.l);
    if (cached + table.size <= budget) {
      cache.push(table);
      cached += table.size;
    }
    return { table, stats };
  };
  const fails = (stats: NodeStats) => stats.suppressed > opts.maxSuppressed;

  // Projections: a node with one quasi-identifier kept and the others withheld (`*`, even above a column's
  // maxLevel) is above every node that keeps that column at that level or below; if it fails, so do they all.
  // (Pairs were tried too: at a million rows they cost more than the nodes they struck out — the path search
  // below finds those failures anyway.)
  const top = qis.map((qi) => qi.levels.length - 1);
  const clampIndex = (node: readonly number[]) =>
    node.reduce((acc, level, i) => acc + Math.min(level, qis[i]!.maxLevel) * lattice.weight[i]!, 0);
  let checks = 0;
  const project = (levels: [number, number][]): boolean => {
    const node = [...top];
    for (const [i, level] of levels) node[i] = level;
    checks++;
    const { stats } = evaluate(node);
    if (fails(stats)) {
      markDown(clampIndex(node));
      return false;
    }
    return true;
  };
  // Single columns: the lowest level that passes (each level's table rolls up from the one below).
  qis.forEach((qi, i) => {
    for (let level = 0; level <= qi.maxLevel; level++) if (project([[i, level]])) break;
  });
  let best = null as { idx: number; node: number[]; stats: NodeStats; loss: number } | null;
  let evaluated = 0;
  const done = new Uint8Array(lattice.size);
  /** Evaluates a lattice node: a failure strikes out the nodes below, a success the need to test those above. */
  const test = (idx: number): boolean => {
    const node = lattice.levels(idx);
    const { stats } = evaluate(node);
    evaluated++;
    done[idx] = 1;
    if (fails(stats)) {
      markDown(idx);
      return false;
    }
    markUp(idx);
    const loss = lossOf(qis, n, node, stats);
    if (
      !best ||
      loss < best.loss - LOSS_EPSILON ||
      (loss <= best.loss + LOSS_EPSILON && (sums[idx]! < sums[best.idx]! || (sums[idx] === sums[best.idx] && idx < best.idx)))
    )
      best = { idx, node, stats, loss };
    return true;
  };
  /** A path up from a node, raising each time the column whose next level costs the least. */
  const climb = (idx: number): number[] => {
    const node = lattice.levels(idx);
    const path = [idx];
    let at = idx;
    for (;;) {
      let pick = -1;
      let cost = Number.POSITIVE_INFINITY;
      for (let i = 0; i < q; i++) {
        if (node[i]! >= qis[i]!.maxLevel) continue;
        const qi = qis[i]!;
        const step = qi.distinct > 1 ? (qi.lossNumerator[node[i]! + 1]! - qi.lossNumerator[node[i]!]!) / (qi.distinct - 1) : 0;
        if (step < cost) {
          cost = step;
          pick = i;
        }
      }
      if (pick < 0) return path;
      node[pick]!++;
      at += lattice.weight[pick]!;
      path.push(at);
    }
  };

  // Nodes in increasing lower bound; an unknown node is settled by a binary search for the boundary between
  // failing and satisfying nodes on a path up from it (each failure found strikes out everything below it).
  let visited = 0;
  for (const idx of order) {
    if (best && bounds[idx]! > best.loss + LOSS_EPSILON) break;
    visited++;
    opts.onProgress?.(visited, lattice.size);
    if (status[idx] === FAIL || done[idx]) continue;
    if (status[idx] === SAT) {
      test(idx);
      continue;
    }
    const path = climb(idx);
    let lo = -1;
    let hi = path.length;
    path.forEach((p, j) => {
      if (status[p] === FAIL) lo = j;
      else if (status[p] === SAT && hi === path.length) hi = j;
    });
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (test(path[mid]!)) hi = mid;
      else lo = mid;
    }
    if (lo < 0 && !done[idx]) test(idx);
  }
  opts.onProgress?.(lattice.size, lattice.size);
  if (!best) return null;
  return {
    node: best.node,
    stats: best.stats,
    loss: best.loss,
    lattice: { size: lattice.size, evaluated, pruned: lattice.size - evaluated, checks },
  };
}

/** Every node evaluated, nothing pruned (the reference the pruned search must agree with; slow). */
export function searchExhaustive(qis: readonly CompiledQi[], rows: ClassTable, n: number, opts: SearchOptions): SearchResult | null {
  const lattice = new Lattice(qis);
  const maps = new LevelMaps(qis);
  const cache: ClassTable[] = [];
  let cached = 0;
  let best = null as { node: number[]; sum: number; stats: NodeStats; loss: number } | null;
  // Index order visits every node after all nodes below it, so a table below is always at hand.
  for (let idx = 0; idx < lattice.size; idx++) {
    const node = lattice.levels(idx);
    let source = rows;
    for (const t of cache) if (t.size < source.size && node.every((level, i) => t.node[i]! <= level)) source = t;
    const table = rollUp(source, Int32Array.from(node), qis, maps);
    if (cached + table.size <= (opts.cacheEntries ?? 4_000_000)) {
      cache.push(table);
      cached += table.size;
    }
    const stats = statsOf(table, qis, opts.k, opts.l);
    if (stats.suppressed > opts.maxSuppressed) continue;
    const loss = lossOf(qis, n, node, stats);
    const sum = node.reduce((a, b) => a + b, 0);
    if (!best || loss < best.loss - LOSS_EPSILON || (loss <= best.loss + LOSS_EPSILON && sum < best.sum)) best = { node, sum, stats, loss };
  }
  if (!best) return null;
  return {
    node: best.node,
    stats: best.stats,
    loss: best.loss,
    lattice: { size: lattice.size, evaluated: lattice.size, pruned: 0, checks: 0 },
  };
}
