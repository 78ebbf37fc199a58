/**
 * The output's own check, independent of the search: the classes are counted again from the cells that will be
 * written (quasi-identifier labels as they appear in the output), not from the search's tables.
 */
import type { Cell } from './types.ts';

export interface Verification {
  k: boolean;
  l: boolean | null;
  smallest: number;
  fewestDistinct: number | null;
}

export function verifyOutput(
  columns: readonly (readonly Cell[])[],
  roles: readonly ('qi' | 'sensitive' | 'other')[],
  k: number,
  l: number | null,
): Verification {
  const rows = columns[0]?.length ?? 0;
  const qiColumns = columns.filter((_, c) => roles[c] === 'qi');
  const sensitive = columns.find((_, c) => roles[c] === 'sensitive') ?? null;
  const classIds = new Map<string, number>();
  const sizes: number[] = [];
  const distinct: Set<Cell>[] = [];
  for (let r = 0; r < rows; r++) {
    let tuple = '';
    for (const column of qiColumns) tuple += `${JSON.stringify(column[r])}\u0000`;
    let c = classIds.get(tuple);
    if (c === undefined) {
      c = sizes.length;
      classIds.set(tuple, c);
      sizes.push(0);
      distinct.push(new Set());
    }
    sizes[c]!++;
    if (sensitive) distinct[c]!.add(sensitive[r]!);
  }
  let smallest = sizes.length ? Number.POSITIVE_INFINITY : 0;
  for (const s of sizes) smallest = Math.min(smallest, s);
  let fewestDistinct: number | null = null;
  if (l !== null) {
    fewestDistinct = sizes.length ? Number.POSITIVE_INFINITY : 0;
    for (const d of distinct) fewestDistinct = Math.min(fewestDistinct, d.size);
  }
  return {
    k: rows === 0 || smallest >= k,
    l: l === null ? null : rows === 0 || (fewestDistinct ?? 0) >= l,
    smallest,
    fewestDistinct,
  };
}
