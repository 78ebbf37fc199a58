/**
 * The drop folder's file protocol (docs/connected-systems.md, "Drop folder"), free of any transport: what mamori
 * asks of a system that cannot be queried, as an instruction file its own batch can carry out without mamori's
 * database, and how the answer file that batch writes back is read.
 *
 * An instruction (`out/<id>.csv`) has `find` lines — how to find the person's rows in each table, by an identity
 * or through the rows found in another table — then numbered steps (`select`, `delete`, `update`) in the order
 * they must run, then `keep` lines naming what stays for a legal reason. The `<id>` is a hash of the work (the
 * system, the kind of work and the file's whole content), so the same work always has the same file: writing it
 * twice leaves one file with the same content, and a re-run after a crash reads the answer already there.
 */
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../../base/errors.ts';
import { type IdentityKind, MASK } from '../../contract/connector-vocabulary.ts';
import type { PolicySystem } from '../policy/document.ts';
import { eraseTables } from '../policy/erase-rule.ts';
import type { Change, KeptColumn, PersonIdentities, Plan, PlanStep } from './connector.ts';

/** Row counts a drop folder cannot know before the system's batch has run (a plan's `rows`, `kept[].rows`). */
export const UNKNOWN_ROWS = -1;

/** The columns of an instruction file, in this order. */
export const instructionColumns = [
  'step',
  'op',
  'table',
  'key',
  'link_column',
  'identity',
  'identity_value',
  'via_table',
  'via_column',
  'via_references',
  'column',
  'action',
  'value',
  'rule',
] as const;

/** The columns of an answer file (any order; others are ignored). `step`, `status` and `table` are required. */
export const answerColumns = ['step', 'status', 'table', 'rows', 'key', 'column', 'value', 'reason'] as const;

/** An answer larger than this is refused (a person's rows in a handful of tables are far smaller). */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** How the system finds the person's rows in one table: by an identity (already normalised), or through another table. */
export interface DropFind {
  table: string;
  key: string;
  link?: { column: string; identity: IdentityKind; value: string };
  via?: { table: string; column: string; references: string };
}

export type DropWorkKind = 'select' | 'erase' | 'correct';

/** What a drop folder's plan carries beyond `Plan`, so that `apply` and `verify` need nothing else. */
export interface DropWork {
  /** The instruction's id: `out/<id>.csv`, answered in `in/<id>.answer.csv`. */
  id: string;
  kind: DropWorkKind;
  finds: DropFind[];
  /** What told this work apart from the same work asked before (a task's id), when the caller gave one. */
  reference?: string;
}

/** A plan made by the drop-folder connector: rows are unknown (`UNKNOWN_ROWS`), steps name no keys. */
export interface DropPlan extends Plan {
  drop: DropWork;
}

export function isDropPlan(plan: Plan): plan is DropPlan {
  const drop = (plan as Partial<DropPlan>).drop;
  return !!drop && typeof drop.id === 'string' && Array.isArray(drop.finds);
}

/** The file names of one piece of work, relative to the drop folder. */
export const instructionFile = (id: string) => `out/${id}.csv`;
export const answerFile = (id: string) => `in/${id}.answer.csv`;

/** An identity as the instruction gives it: e-mail in lower case, phone as its digits; empty → not known. */
export function normaliseIdentity(kind: IdentityKind, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.normalize('NFKC').trim();
  const out = kind === 'email' ? text.toLowerCase() : kind === 'phone' ? text.replace(/\D/g, '') : text;
  return out === '' ? undefined : out;
}

/**
 * The tables where the person's rows can be found, parents before the tables reached through them: by `link`
 * when the person has that identity, then by `via` from a table already found. A table reached by neither is
 * left out (nothing of the person can be found there).
 */
export function findTables(map: PolicySystem, person: PersonIdentities): { finds: DropFind[]; depth: Map<string, number> } {
  const finds: DropFind[] = [];
  const depth = new Map<string, number>();
  for (const t of map.tables) {
    if (!t.link) continue;
    const value = normaliseIdentity(t.link.identity, person[t.link.identity]);
    if (value === undefined) continue;
    finds.push({ table: t.table, key: t.key, link: { column: t.link.column, identity: t.link.identity, value } });
    depth.set(t.table, 0);
  }
  for (let grown = true; grown; ) {
    grown = false;
    for (const t of map.tables) {
      if (!t.via || depth.has(t.table)) continue;
      const parent = depth.get(t.via.table);
      if (parent === undefined) continue;
      finds.push({ table: t.table, key: t.key, via: { ...t.via } });
      depth.set(t.table, parent + 1);
      grown = true;
    }
  }
  return { finds, depth };
}

/** Deepest first, so that a table's rows are changed before the rows they were found through. */
function deepestFirst(finds: DropFind[], depth: Map<string, number>): DropFind[] {
  return finds
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (depth.get(b.f.table) ?? 0) - (depth.get(a.f.table) ?? 0) || a.i - b.i)
    .map(({ f }) => f);
}

/**
 * Plans from the map alone (a drop folder cannot read rows first): which tables are deleted, which columns are
 * written, which are kept — the same rule as every kind (erase-rule.ts): the law's retention wins, so a table
 * with a `keep` column, and any table such rows are reached through, keeps its rows and only their other erased
 * columns are cleared (their kept columns are listed in `kept`).
 */
export function planDrop(code: string, map: PolicySystem, person: PersonIdentities, change: Change, reference?: string): DropPlan {
  const { finds, depth } = findTables(map, person);
  const tableOf = new Map(map.tables.map((t) => [t.table, t]));
  const steps: PlanStep[] = [];
  const kept: KeptColumn[] = [];
  const keep = (table: string, c: { column: string; item: string; keep_rule?: string | undefined }) =>
    kept.push({ table, column: c.column, item: c.item, rows: UNKNOWN_ROWS, rule: c.keep_rule ?? '' });

  if (change.kind === 'erase') {
    const wanted = (item: string) => !change.items || change.items.includes(item);
    const { deleted, retained } = eraseTables(map, wanted);
    for (const f of deepestFirst(finds, depth)) {
      const t = tableOf.get(f.table);
      if (!t) continue;
      if (deleted.has(f.table)) {
        steps.push({ table: f.table, key: f.key, action: 'delete', keys: [] });
        continue;
      }
      const set: Record<string, string | null> = {};
      for (const c of t.columns) {
        if (c.erase === 'keep') {
          if (wanted(c.item) || retained.has(f.table)) keep(f.table, c);
        } else if (wanted(c.item)) {
          // A `delete_row` column of a row kept for the law's sake (retained) is masked, as the SQL kinds do.
          set[c.column] = c.erase === 'mask' || (c.erase === 'delete_row' && retained.has(f.table)) ? MASK : null;
        }
      }
      if (Object.keys(set).length > 0) steps.push({ table: f.table, key: f.key, action: 'update', keys: [], set });
    }
  } else {
    for (const f of deepestFirst(finds, depth)) {
      const t = tableOf.get(f.table);
      if (!t) continue;
      const set: Record<string, string | null> = {};
      for (const c of t.columns) {
        if (c.correct && Object.hasOwn(change.values, c.item)) set[c.column] = change.values[c.item] ?? null;
      }
      if (Object.keys(set).length > 0) steps.push({ table: f.table, key: f.key, action: 'update', keys: [], set });
    }
  }
  const kind: DropWorkKind = change.kind;
  const rows = steps.length === 0 ? 0 : UNKNOWN_ROWS;
  const id = workId(code, kind, renderBody(kind, finds, steps, kept), reference);
  return { system: code, steps, kept, rows, drop: { id, kind, finds, ...(reference === undefined ? {} : { reference }) } };
}

/**
 * The select work: one `select` step per table where the person's rows can be found (a step's `action` means
 * nothing here; the instruction names it `select`).
 */
export function selectWork(
  code: string,
  map: PolicySystem,
  person: PersonIdentities,
  reference?: string,
): { work: DropWork; steps: PlanStep[] } {
  const { finds } = findTables(map, person);
  const steps: PlanStep[] = finds.map((f) => ({ table: f.table, key: f.key, action: 'update', keys: [] }));
  const body = renderBody('select', finds, steps, []);
  const work: DropWork = { id: workId(code, 'select', body, reference), kind: 'select', finds };
  if (reference !== undefined) work.reference = reference;
  return { work, steps };
}

function workId(code: string, kind: DropWorkKind, body: string, reference: string | undefined): string {
  const hash = createHash('sha256').update(`${code}\n${reference === undefined ? '' : `${reference}\n`}${body}`);
  return `${kind}-${hash.digest('hex').slice(0, 32)}`;
}

/** The instruction's lines without the header (what its id is a hash of). */
function renderBody(kind: DropWorkKind, finds: DropFind[], steps: PlanStep[], kept: KeptColumn[]): string {
  const lines: Partial<Record<(typeof instructionColumns)[number], string | number>>[] = [];
  for (const f of finds) {
    lines.push({
      op: 'find',
      table: f.table,
      key: f.key,
      link_column: f.link?.column,
      identity: f.link?.identity,
      identity_value: f.link?.value,
      via_table: f.via?.table,
      via_column: f.via?.column,
      via_references: f.via?.references,
    });
  }
  steps.forEach((s, i) => {
    const step = i + 1;
    if (kind === 'select') lines.push({ step, op: 'select', table: s.table, key: s.key });
    else if (s.action === 'delete') lines.push({ step, op: 'delete', table: s.table, key: s.key, action: 'delete_row' });
    else {
      for (const [column, value] of Object.entries(s.set ?? {})) {
        const action = value === null ? 'set_null' : kind === 'erase' ? 'mask' : 'set';
        lines.push({ step, op: 'update', table: s.table, key: s.key, column, action, value: value ?? '' });
      }
    }
  });
  for (const k of kept) lines.push({ op: 'keep', table: k.table, column: k.column, action: 'keep', rule: k.rule });
  return stringify(
    lines.map((l) => instructionColumns.map((c) => l[c] ?? '')),
    { record_delimiter: '\r\n' },
  );
}

/** The whole instruction file: UTF-8 with a BOM, a header row, CRLF line ends. */
export function renderInstruction(plan: DropPlan | { drop: DropWork; steps: PlanStep[]; kept: KeptColumn[] }): Buffer {
  const body = renderBody(plan.drop.kind, plan.drop.finds, plan.steps, plan.kept);
  return Buffer.from(`\ufeff${instructionColumns.join(',')}\r\n${body}`, 'utf8');
}

/** True when the plan's instruction is still the one its id names (a stored plan was not altered). */
export function workIdMatches(code: string, plan: DropPlan): boolean {
  const body = renderBody(plan.drop.kind, plan.drop.finds, plan.steps, plan.kept);
  return plan.drop.id === workId(code, plan.drop.kind, body, plan.drop.reference);
}

/** One step of the answer. */
export interface AnsweredStep {
  step: number;
  table: string;
  status: 'done' | 'failed';
  /** Rows the system changed (or found), when it says. */
  rows?: number;
  reason?: string;
  /** `select`: the rows found, each with its key column. */
  found: Record<string, string | null>[];
}

const invalid = (file: string, line: number | null, what: string) =>
  new AppError('system_answer_invalid', undefined, `${file}${line === null ? '' : ` line ${line}`}: ${what}`);

/**
 * Reads an answer file against the steps of its instruction. Anything that does not fit — text that is not
 * UTF-8, a CSV error, a missing header, an unknown status, a step or table the instruction does not have, a
 * step answered twice or not at all — is `system_answer_invalid` naming the file and the line. Values are
 * never repeated in the message (they may be personal data).
 */
export function parseAnswer(file: string, data: Buffer, steps: { table: string; key: string; select: boolean }[]): AnsweredStep[] {
  if (data.length > MAX_ANSWER_BYTES) throw invalid(file, null, `larger than ${MAX_ANSWER_BYTES} bytes`);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    let start = 0;
    for (let line = 1; ; line++) {
      const end = data.indexOf(0x0a, start);
      try {
        decoder.decode(data.subarray(start, end === -1 ? data.length : end));
      } catch {
        throw invalid(file, line, 'not UTF-8 text');
      }
      if (end === -1) throw invalid(file, null, 'not UTF-8 text');
      start = end + 1;
    }
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count_less: true }) as unknown as typeof records;
  } catch (e) {
    const reported = typeof (e as { lines?: unknown }).lines === 'number' ? (e as { lines: number }).lines : null;
    const line = (e as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED' ? (unclosedQuoteLine(text) ?? reported) : reported;
    throw invalid(file, line, `not valid CSV (${(e as { code?: string }).code ?? 'error'})`);
  }
  const header = records[0]?.record.map((h) => h.trim().toLowerCase());
  if (!header) throw invalid(file, 1, 'empty: a header row is required');
  const at = Object.fromEntries(answerColumns.map((c) => [c, header.indexOf(c)])) as Record<(typeof answerColumns)[number], number>;
  for (const c of ['step', 'status', 'table'] as const) {
    if (at[c] < 0) throw invalid(file, 1, `the header has no "${c}" column`);
  }
  const answered = new Map<number, AnsweredStep>();
  const found = new Map<number, Map<string, Record<string, string | null>>>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const cell = (c: (typeof answerColumns)[number]) => (at[c] < 0 ? '' : (record[at[c]] ?? '').trim());
    const stepText = cell('step');
    const step = /^\d{1,6}$/.test(stepText) ? Number(stepText) : Number.NaN;
    const planned = steps[step - 1];
    if (!planned) throw invalid(file, line, `step "${stepText.slice(0, 12)}" is not a step of the instruction (1–${steps.length})`);
    if (cell('table') !== planned.table) throw invalid(file, line, `the table is not step ${step}'s table (${planned.table})`);
    const status = cell('status');
    if (status === 'row') {
      if (!planned.select) throw invalid(file, line, `"row" answers a select step; step ${step} is not one`);
      const key = cell('key');
      const column = cell('column');
      if (key === '' || column === '') throw invalid(file, line, 'a "row" line needs its key and column');
      const rows = found.get(step) ?? new Map<string, Record<string, string | null>>();
      found.set(step, rows);
      const row = rows.get(key) ?? { [planned.key]: key };
      rows.set(key, row);
      const value = at.value < 0 ? '' : (record[at.value] ?? '');
      row[column] = value === '' ? null : value;
    } else if (status === 'done' || status === 'failed') {
      if (answered.has(step)) throw invalid(file, line, `step ${step} is answered twice`);
      const rowsText = cell('rows');
      if (rowsText !== '' && !/^\d{1,12}$/.test(rowsText)) throw invalid(file, line, '"rows" is not a whole number');
      const reason = cell('reason').slice(0, 500);
      answered.set(step, {
        step,
        table: planned.table,
        status,
        found: [],
        ...(rowsText === '' ? {} : { rows: Number(rowsText) }),
        ...(reason === '' ? {} : { reason }),
      });
    } else {
      throw invalid(file, line, `status "${status.slice(0, 12)}" is not one of row, done, failed`);
    }
  }
  return steps.map((s, i) => {
    const a = answered.get(i + 1);
    if (!a) throw invalid(file, null, `step ${i + 1} (${s.table}) has no "done" or "failed" line`);
    return { ...a, found: [...(found.get(i + 1)?.values() ?? [])] };
  });
}

/** The line where a quoted field opens and is never closed (csv-parse names the end of the file instead). */
function unclosedQuoteLine(text: string): number | null {
  let line = 1;
  let openedAt: number | null = null;
  let fieldStart = true;
  for (let i = text.startsWith('\ufeff') ? 1 : 0; i < text.length; i++) {
    const ch = text[i];
    if (openedAt !== null) {
      if (ch === '"' && text[i + 1] === '"') i++;
      else if (ch === '"') {
        openedAt = null;
        fieldStart = false;
      } else if (ch === '\n') line++;
      continue;
    }
    if (ch === '"' && fieldStart) openedAt = line;
    else if (ch === '\n') line++;
    fieldStart = ch === ',' || ch === '\n' || ch === '\r';
  }
  return openedAt;
}
