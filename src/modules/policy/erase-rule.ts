/**
 * Which tables an erasure deletes rows of — one rule for every kind of connector and for the lint. A table's rows are deleted when
 * an erased column of it says `delete_row`, or when they are reached through a deleted table. The law's retention
 * wins over both: a table with a `keep` column is never deleted (its other erased columns are cleared instead),
 * and neither is a table that rows kept by law are reached through (deleting an order would take the order
 * lines the tax law keeps with it). The blocked tables are returned too, so the plan can say why.
 */
import type { PolicySystem } from './document.ts';

export interface EraseTables {
  /** Tables whose found rows are deleted. */
  deleted: Set<string>;
  /** Tables that would have been deleted but keep their rows for a legal retention (theirs or below them). */
  retained: Set<string>;
}

export function eraseTables(map: PolicySystem, wanted: (item: string) => boolean): EraseTables {
  const byName = new Map(map.tables.map((t) => [t.table, t]));
  const childrenOf = (name: string) => map.tables.filter((t) => t.via?.table === name);
  // What a deletion would reach without the law: the tables that say delete_row, and the tables found through them.
  const wouldDelete = new Set<string>();
  const reach = (name: string) => {
    if (wouldDelete.has(name)) return;
    wouldDelete.add(name);
    for (const child of childrenOf(name)) reach(child.table);
  };
  for (const t of map.tables) if (t.columns.some((c) => wanted(c.item) && c.erase === 'delete_row')) reach(t.table);
  // Rows kept by law, and every row they are found through up to the person, stay.
  const holding = new Set<string>();
  for (const t of map.tables) {
    if (!t.columns.some((c) => c.erase === 'keep')) continue;
    const seen = new Set<string>();
    for (let at: string | undefined = t.table; at !== undefined && !seen.has(at); at = byName.get(at)?.via?.table) {
      seen.add(at);
      holding.add(at);
    }
  }
  // Deleted: the tables that say delete_row and are not held, and what is found through them and not held.
  const deleted = new Set<string>();
  const cascade = (name: string) => {
    if (deleted.has(name) || holding.has(name)) return;
    deleted.add(name);
    for (const child of childrenOf(name)) cascade(child.table);
  };
  for (const t of map.tables) if (t.columns.some((c) => wanted(c.item) && c.erase === 'delete_row')) cascade(t.table);
  return { deleted, retained: new Set([...wouldDelete].filter((t) => holding.has(t))) };
}
