/**
 * The system side of a drop folder, for tests: a co-op system's nightly batch that reads mamori's instruction
 * files (`out/*.csv`), carries them out against its own SQLite database — knowing nothing of mamori's — and writes
 * the answer files (`in/<id>.answer.csv`), under a temporary name first, as the protocol asks of both sides.
 * It follows docs/connected-systems.md ("Drop folder") and so shows that the protocol is enough to do the work.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

type Line = Record<string, string>;
type Row = Record<string, unknown>;

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
const same = (identity: string, cell: unknown, value: string) => {
  if (cell === null || cell === undefined) return false;
  const text = String(cell);
  if (identity === 'email') return text.trim().toLowerCase() === value;
  if (identity === 'phone') return text.replace(/\D/g, '') === value;
  return text === value;
};

export interface BatchOptions {
  /** Steps to fail, with the reason the system gives (e.g. a table locked by the monthly close). */
  fail?: Record<number, string>;
}

/** Carries out every instruction in `folder/out` that has no answer yet; returns their ids. */
export function runDropBatch(folder: string, db: BetterSqlite3.Database, opts: BatchOptions = {}): string[] {
  const out = join(folder, 'out');
  const inbox = join(folder, 'in');
  mkdirSync(inbox, { recursive: true });
  const done: string[] = [];
  for (const name of existsSync(out) ? readdirSync(out) : []) {
    if (name.startsWith('.') || !name.endsWith('.csv')) continue;
    const id = name.slice(0, -'.csv'.length);
    const answer = join(inbox, `${id}.answer.csv`);
    if (existsSync(answer)) continue;
    const lines = parse(readFileSync(join(out, name), 'utf8'), { bom: true, columns: true }) as Line[];
    const rows = carryOut(lines, db, opts);
    const text = `\ufeff${stringify(rows, { header: true, columns: ['step', 'status', 'table', 'rows', 'key', 'column', 'value', 'reason'], record_delimiter: '\r\n' })}`;
    const temporary = join(inbox, `.${id}.tmp`);
    writeFileSync(temporary, text);
    renameSync(temporary, answer);
    done.push(id);
  }
  return done;
}

function carryOut(lines: Line[], db: BetterSqlite3.Database, opts: BatchOptions): Line[] {
  const finds = new Map(lines.filter((l) => l.op === 'find').map((l) => [l.table as string, l]));
  /** The person's rows in a table, found now (by identity, or through the rows found in another table). */
  const rowsOf = (table: string): Row[] => {
    const f = finds.get(table);
    if (!f) throw new Error(`no find line for ${table}`);
    const all = db.prepare(`select * from ${q(table)}`).all() as Row[];
    if (f.link_column) return all.filter((r) => same(f.identity ?? '', r[f.link_column ?? ''], f.identity_value ?? ''));
    const parents = new Set(rowsOf(f.via_table ?? '').map((r) => String(r[f.via_references ?? ''])));
    return all.filter((r) => parents.has(String(r[f.via_column ?? ''])));
  };
  const steps = new Map<number, Line[]>();
  for (const l of lines) {
    if (!l.step) continue;
    const n = Number(l.step);
    steps.set(n, [...(steps.get(n) ?? []), l]);
  }
  const answer: Line[] = [];
  for (const [step, stepLines] of [...steps].sort((a, b) => a[0] - b[0])) {
    const first = stepLines[0] as Line;
    const table = first.table as string;
    const key = first.key as string;
    const failWith = opts.fail?.[step];
    if (failWith) {
      answer.push({ step: String(step), status: 'failed', table, reason: failWith });
      continue;
    }
    try {
      const found = rowsOf(table);
      const keys = found.map((r) => r[key]);
      if (first.op === 'select') {
        for (const r of found) {
          for (const [column, value] of Object.entries(r)) {
            answer.push({
              step: String(step),
              status: 'row',
              table,
              key: String(r[key]),
              column,
              value: value === null ? '' : String(value),
            });
          }
        }
      } else if (first.op === 'delete') {
        for (const k of keys) db.prepare(`delete from ${q(table)} where ${q(key)} = ?`).run(k);
      } else {
        for (const l of stepLines) {
          const value = l.action === 'set_null' ? null : (l.value ?? '');
          for (const k of keys) db.prepare(`update ${q(table)} set ${q(l.column ?? '')} = ? where ${q(key)} = ?`).run(value, k);
        }
      }
      answer.push({ step: String(step), status: 'done', table, rows: String(found.length) });
    } catch (e) {
      answer.push({ step: String(step), status: 'failed', table, reason: (e as Error).message });
    }
  }
  return answer;
}
