/**
 * The output's own check, independent of the search: the classes are counted again from the cells that will be
 * written (the quasi-identifier labels as they appear in the output), with code of its own — not the search's
 * tables, maps or grouping.
 */
import type { Cell } from './types.ts';

export interface Verification {
  k: boolean;
  l: boolean | null;
  smallest: number;
  fewestDistinct: number | null;
}

/** Each distinct cell of a column gets a small id. */
function intern(cell: (row: number) => Cell, rows: number): { ids: Uint32Array; count: number } {
  const seen = new Map<Cell, number>();
  const ids = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = cell(r);
    let id = seen.get(v);
    if (id === undefined) {
      id = seen.size;
      seen.set(v, id);
    }
    ids[r] = id;
  }
  return { ids, count: seen.size };
}

/** Combines two id columns into the ids of their pairs (dense, so that the next combination cannot overflow). */
function pair(a: { ids: Uint32Array; count: number }, b: { ids: Uint32Array; count: number }): { ids: Uint32Array; count: number } {
  const seen = new Map<number, number>();
  const ids = new Uint32Array(a.ids.length);
  for (let r = 0; r < ids.length; r++) {
    const key = a.ids[r]! * b.count + b.ids[r]!;
    let id = seen.get(key);
    if (id === undefined) {
      id = seen.size;
      seen.set(key, id);
    }
    ids[r] = id;
  }
  return { ids, count: seen.size };
}

/** Counts the classes of the output given as one cell reader per column (`rows` rows) with each column's role. */
export function verifyOutput(
  columns: readonly ((row: number) => Cell)[],
  roles: readonly ('qi' | 'sensitive' | 'other')[],
  rows: number,
  k: number,
  l: number | null,
): Verification {
  let classes: { ids: Uint32Array; count: number } = { ids: new Uint32Array(rows), count: rows ? 1 : 0 };
  columns.forEach((column, c) => {
    if (roles[c] === 'qi') classes = pair(classes, intern(column, rows));
  });
  const sizes = new Uint32Array(classes.count);
  for (let r = 0; r < rows; r++) sizes[classes.ids[r]!]!++;
  let smallest = classes.count ? Number.POSITIVE_INFINITY : 0;
  for (const s of sizes) smallest = Math.min(smallest, s);

  let fewestDistinct: number | null = null;
  const sensitive = columns.find((_, c) => roles[c] === 'sensitive');
  if (l !== null && sensitive) {
    const pairs = pair(classes, intern(sensitive, rows));
    // Each (class, value) pair counted once per class.
    const distinct = new Uint32Array(classes.count);
    const counted = new Uint8Array(pairs.count);
    for (let r = 0; r < rows; r++) {
      if (counted[pairs.ids[r]!]) continue;
      counted[pairs.ids[r]!] = 1;
      distinct[classes.ids[r]!]!++;
    }
    fewestDistinct = classes.count ? Number.POSITIVE_INFINITY : 0;
    for (const d of distinct) fewestDistinct = Math.min(fewestDistinct, d);
  }
  return {
    k: rows === 0 || smallest >= k,
    l: l === null ? null : rows === 0 || (fewestDistinct ?? 0) >= l,
    smallest,
    fewestDistinct,
  };
}
