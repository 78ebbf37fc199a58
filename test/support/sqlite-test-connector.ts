/**
 * A small SQLite connector for the tests of the system tasks, standing in until the real one
 * (src/modules/connectors/sqlite.ts) lands: `standInSqliteConnector()` registers it only when no SQLite opener is
 * registered, so the same tests then run against the real connector. It follows the connector's contract
 * (connector.ts): select walks `link` then `via`; plan reads only; apply writes only rows not yet as planned,
 * in one transaction (idempotent); verify reads back.
 */
import Database from 'better-sqlite3';
import { AppError } from '../../src/base/errors.ts';
import { MASK } from '../../src/contract/connector-vocabulary.ts';
import type { Change, Connector, FoundTable, PersonIdentities, Plan, PlanStep } from '../../src/modules/connectors/connector.ts';
import { hasOpener, registerOpener } from '../../src/modules/connectors/kinds.ts';
import type { PolicySystem } from '../../src/modules/policy/document.ts';

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
type Row = Record<string, string | null>;
const text = (r: Record<string, unknown>): Row =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]));

export function standInSqliteConnector(): void {
  if (hasOpener('sqlite')) return;
  registerOpener('sqlite', async (settings) => openTestSqlite(settings.file ?? ''));
}

function openTestSqlite(file: string): Connector {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch {
    throw new AppError('system_unreachable', undefined, 'The SQLite file of the system could not be opened.');
  }
  const run = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      const m = (error as Error).message;
      if (/no such table/.test(m)) throw new AppError('system_table_missing', undefined, m.replace(/:.*/, ''));
      if (/no such column/.test(m)) throw new AppError('system_column_missing', undefined, m.replace(/:.*/, ''));
      if (/readonly/.test(m)) throw new AppError('system_read_only');
      throw error;
    }
  };

  function select(map: PolicySystem, person: PersonIdentities): FoundTable[] {
    const found = new Map<string, FoundTable>();
    let progress = true;
    while (progress) {
      progress = false;
      for (const t of map.tables) {
        if (found.has(t.table)) continue;
        let rows: Row[] | undefined;
        if (t.link) {
          const value = person[t.link.identity];
          if (!value) rows = [];
          else if (t.link.identity === 'email')
            rows = run(() => db.prepare(`select * from ${q(t.table)} where lower(${q(t.link!.column)}) = lower(?)`).all(value)) as Row[];
          else if (t.link.identity === 'phone')
            rows = (run(() => db.prepare(`select * from ${q(t.table)}`).all()) as Row[]).filter(
              (r) => String(r[t.link!.column] ?? '').replace(/\D/g, '') === value.replace(/\D/g, ''),
            );
          else rows = run(() => db.prepare(`select * from ${q(t.table)} where ${q(t.link!.column)} = ?`).all(value)) as Row[];
        } else if (t.via && found.has(t.via.table)) {
          const parent = found.get(t.via.table)!;
          const refs = parent.rows.map((r) => r[t.via!.references]).filter((v) => v !== null);
          rows =
            refs.length === 0
              ? []
              : (run(() =>
                  db.prepare(`select * from ${q(t.table)} where ${q(t.via!.column)} in (${refs.map(() => '?').join(',')})`).all(...refs),
                ) as Row[]);
        }
        if (rows) {
          found.set(t.table, { table: t.table, key: t.key, rows: rows.map(text) });
          progress = true;
        }
      }
    }
    return map.tables.map((t) => found.get(t.table) ?? { table: t.table, key: t.key, rows: [] });
  }

  function plan(map: PolicySystem, person: PersonIdentities, change: Change): Plan {
    const found = select(map, person);
    const steps: PlanStep[] = [];
    const kept: Plan['kept'] = [];
    for (const t of map.tables) {
      const rows = found.find((f) => f.table === t.table)?.rows ?? [];
      if (rows.length === 0) continue;
      const keys = rows.map((r) => String(r[t.key]));
      const set: Record<string, string | null> = {};
      let del = false;
      let keep = false;
      for (const c of t.columns) {
        if (change.kind === 'erase') {
          if (change.items && !change.items.includes(c.item)) continue;
          if (c.erase === 'keep') {
            keep = true;
            kept.push({ table: t.table, column: c.column, item: c.item, rows: rows.length, rule: c.keep_rule ?? '' });
          } else if (c.erase === 'delete_row') del = true;
          else set[c.column] = c.erase === 'mask' ? MASK : null;
        } else if (c.correct && Object.hasOwn(change.values, c.item)) {
          set[c.column] = change.values[c.item] ?? null;
        }
      }
      if (del && !keep) steps.push({ table: t.table, key: t.key, action: 'delete', keys });
      else {
        if (del) for (const c of t.columns) if (c.erase === 'delete_row') set[c.column] = null;
        if (Object.keys(set).length > 0) steps.push({ table: t.table, key: t.key, action: 'update', keys, set });
      }
    }
    // Rows reached through others first: a table's children are deleted before it.
    const depth = (table: string): number => {
      const t = map.tables.find((x) => x.table === table);
      return t?.via ? 1 + depth(t.via.table) : 0;
    };
    steps.sort((a, b) => depth(b.table) - depth(a.table));
    return { system: map.code, steps, kept, rows: steps.reduce((n, s) => n + s.keys.length, 0) };
  }

  const notAsPlanned = (s: PlanStep) => {
    const cols = Object.keys(s.set ?? {});
    const cond = cols.map((c) => `${q(c)} is not ?`).join(' or ');
    return { sql: cond, params: cols.map((c) => s.set![c] ?? null) };
  };

  return {
    async describe() {
      return [];
    },
    async sample() {
      return [];
    },
    async select(map, person) {
      return select(map, person);
    },
    async plan(map, person, change) {
      return plan(map, person, change);
    },
    async apply(p) {
      return run(() =>
        db.transaction(() => {
          let changed = 0;
          for (const s of p.steps) {
            const marks = s.keys.map(() => '?').join(',');
            if (s.action === 'delete') {
              changed += db.prepare(`delete from ${q(s.table)} where ${q(s.key)} in (${marks})`).run(...s.keys).changes;
            } else {
              const cols = Object.keys(s.set ?? {});
              const diff = notAsPlanned(s);
              changed += db
                .prepare(
                  `update ${q(s.table)} set ${cols.map((c) => `${q(c)} = ?`).join(', ')} where ${q(s.key)} in (${marks}) and (${diff.sql})`,
                )
                .run(...diff.params, ...s.keys, ...diff.params).changes;
            }
          }
          return { changed };
        })(),
      );
    },
    async verify(p) {
      const differences: string[] = [];
      for (const s of p.steps) {
        const marks = s.keys.map(() => '?').join(',');
        if (s.action === 'delete') {
          const n = (db.prepare(`select count(*) as n from ${q(s.table)} where ${q(s.key)} in (${marks})`).get(...s.keys) as { n: number })
            .n;
          if (n > 0) differences.push(`${s.table}: ${n} rows not deleted`);
        } else {
          const diff = notAsPlanned(s);
          const n = (
            db
              .prepare(`select count(*) as n from ${q(s.table)} where ${q(s.key)} in (${marks}) and (${diff.sql})`)
              .get(...s.keys, ...diff.params) as {
              n: number;
            }
          ).n;
          if (n > 0) differences.push(`${s.table}: ${n} rows not as planned`);
        }
      }
      return { ok: differences.length === 0, differences };
    },
    async close() {
      db.close();
    },
  };
}
