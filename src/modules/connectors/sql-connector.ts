/**
 * The connector of every SQL database kind, over a small driver (sql-driver.ts): finding the person's rows by
 * the dataset map (`link`, then `via` from rows already found), planning an erasure or a correction without
 * writing, applying the plan in one transaction so that a second run changes nothing, and reading it back.
 *
 * Only parameterised queries; identifiers always quoted; lists of keys sent in batches of at most
 * `BATCH` per query. Values travel as text: the database converts them to the column's type.
 */
import { AppError } from '../../base/errors.ts';
import { MASK } from '../../contract/connector-vocabulary.ts';
import type { PolicySystem, PolicySystemTable } from '../policy/document.ts';
import { eraseTables } from '../policy/erase-rule.ts';
import type {
  AggregateQuery,
  AggregateResult,
  ApplyResult,
  Change,
  ColumnDescription,
  Connector,
  FoundTable,
  KeptColumn,
  PersonIdentities,
  Plan,
  PlanStep,
  VerifyResult,
} from './connector.ts';
import type { ColumnSample } from './detect.ts';
import { guarded, type SqlDriver, type SqlParam, type SqlSession, splitName, type TextRow } from './sql-driver.ts';

/** Values read per column for discovery: enough for a share to mean something, few enough for wide tables. */
export const SAMPLE_SIZE = 200;
/** Keys per `in (…)` list. */
export const BATCH = 1000;

function chunks<T>(list: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** A query's text and parameters built side by side, so that `$n` and `?` placeholders both come out in order. */
class Query {
  readonly params: SqlParam[] = [];
  private readonly driver: SqlDriver;
  constructor(driver: SqlDriver) {
    this.driver = driver;
  }
  p(value: SqlParam): string {
    this.params.push(value);
    return this.driver.param(this.params.length);
  }
  list(values: readonly SqlParam[]): string {
    return values.map((v) => this.p(v)).join(', ');
  }
}

type Columns = Map<string, ColumnDescription>;

/**
 * Checks the map against the system's catalogue before anything is read: a table renamed or a column dropped
 * since the map was written fails here with the name in the message (never a value).
 */
async function checkMap(driver: SqlDriver, s: SqlSession, map: PolicySystem): Promise<Map<string, Columns>> {
  const schemas = new Set(map.tables.map((t) => splitName(t.table)[0]));
  const known = new Map<string, Columns>();
  for (const schema of schemas) {
    for (const t of await driver.catalog(s, schema)) {
      known.set(schema ? `${schema}.${t.table}` : t.table, new Map(t.columns.map((c) => [c.name, c])));
    }
  }
  for (const t of map.tables) {
    const columns = known.get(t.table);
    if (!columns) throw new AppError('system_table_missing', undefined, `The mapped table ${t.table} is missing in the system.`);
    const needed = [t.key, t.link?.column, t.via?.column, ...t.columns.map((c) => c.column)];
    for (const name of needed) {
      if (name && !columns.has(name))
        throw new AppError('system_column_missing', undefined, `The mapped column ${t.table}.${name} is missing in the system.`);
    }
    if (t.via) {
      const parent = known.get(t.via.table);
      if (!parent) throw new AppError('system_table_missing', undefined, `The table ${t.via.table} (via of ${t.table}) is missing.`);
      if (!parent.has(t.via.references))
        throw new AppError('system_column_missing', undefined, `The column ${t.via.table}.${t.via.references} is missing.`);
    }
  }
  return known;
}

/** The person's rows per mapped table (map order), found by `link` and then through `via`, repeatedly. */
async function findRows(
  driver: SqlDriver,
  s: SqlSession,
  map: PolicySystem,
  person: PersonIdentities,
  columns: Map<string, Columns>,
): Promise<Map<string, TextRow[]>> {
  const found = new Map<string, TextRow[]>();
  const byLink = async (t: PolicySystemTable): Promise<TextRow[]> => {
    if (!t.link) return [];
    const raw = person[t.link.identity]?.trim();
    if (!raw) return [];
    const q = new Query(driver);
    const declared = columns.get(t.table)?.get(t.link.column);
    let column = driver.quote(t.link.column);
    if (declared && !driver.isText(declared.type)) column = driver.text(column);
    let where: string;
    if (t.link.identity === 'email') where = `lower(${column}) = lower(${q.p(raw)})`;
    else if (t.link.identity === 'phone') {
      const digits = raw.replace(/\D/g, '');
      if (!digits) return [];
      where = `${driver.digits(column)} = ${q.p(digits)}`;
    } else where = `${column} = ${q.p(raw)}`;
    return s.query(`select * from ${driver.table(t.table)} where ${where}`, q.params);
  };
  const byVia = async (t: PolicySystemTable, parents: TextRow[]): Promise<TextRow[]> => {
    const via = t.via!;
    const values = [...new Set(parents.map((r) => r[via.references]).filter((v): v is string => v !== null && v !== undefined))];
    const rows: TextRow[] = [];
    for (const part of chunks(values)) {
      const q = new Query(driver);
      rows.push(
        ...(await s.query(`select * from ${driver.table(t.table)} where ${driver.quote(via.column)} in (${q.list(part)})`, q.params)),
      );
    }
    return rows;
  };
  for (const t of map.tables) if (!t.via) found.set(t.table, await byLink(t));
  // Tables reached through others, as soon as the table they hang from is done (order lines after orders).
  let pending = map.tables.filter((t) => t.via);
  while (pending.length) {
    const ready = pending.filter((t) => found.has(t.via!.table));
    if (!ready.length) break;
    for (const t of ready) {
      const rows = [...(await byLink(t)), ...(await byVia(t, found.get(t.via!.table)!))];
      const seen = new Set<string | null>();
      found.set(
        t.table,
        rows.filter((r) => {
          const k = r[t.key] ?? null;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        }),
      );
    }
    pending = pending.filter((t) => !ready.includes(t));
  }
  // A table hanging from a table the map does not reach: found by its own link alone.
  for (const t of pending) found.set(t.table, await byLink(t));
  return found;
}

const keysOf = (t: PolicySystemTable, rows: TextRow[]): string[] =>
  rows.map((r) => r[t.key]).filter((k): k is string => k !== null && k !== undefined);

/** How deep a table hangs below a linked one (customers 0, orders 1, order lines 2). */
function depthOf(map: PolicySystem, table: string, seen = new Set<string>()): number {
  const t = map.tables.find((x) => x.table === table);
  if (!t?.via || seen.has(table)) return 0;
  seen.add(table);
  return 1 + depthOf(map, t.via.table, seen);
}

function buildPlan(
  driver: SqlDriver,
  code: string,
  map: PolicySystem,
  change: Change,
  found: Map<string, TextRow[]>,
  columns: Map<string, Columns>,
): Plan {
  const steps: PlanStep[] = [];
  const kept: KeptColumn[] = [];
  const updates: PlanStep[] = [];
  const update = (t: PolicySystemTable, set: Record<string, string | null>) => {
    const names = Object.keys(set);
    if (!names.length) return;
    for (const name of names) {
      const declared = columns.get(t.table)!.get(name)!;
      if (set[name] === null && !declared.nullable)
        throw new AppError('system_column_type', undefined, `The column ${t.table}.${name} cannot be set to null.`);
    }
    // Only rows not yet as planned: a plan made after an apply changes nothing.
    const keys = keysOf(
      t,
      (found.get(t.table) ?? []).filter((r) => names.some((n) => r[n] !== set[n])),
    );
    if (keys.length) updates.push({ table: t.table, key: t.key, action: 'update', keys, set });
  };

  if (change.kind === 'erase') {
    const asked = change.items ? new Set(change.items) : null;
    const considered = (t: PolicySystemTable) => t.columns.filter((c) => !asked || asked.has(c.item));
    const { deleted, retained } = eraseTables(map, (item) => !asked || asked.has(item));
    const order = map.tables
      .filter((t) => deleted.has(t.table))
      .map((t, i) => ({ t, i, depth: depthOf(map, t.table) }))
      .sort((a, b) => b.depth - a.depth || a.i - b.i);
    for (const { t } of order) {
      const keys = keysOf(t, found.get(t.table) ?? []);
      if (keys.length) steps.push({ table: t.table, key: t.key, action: 'delete', keys });
    }
    for (const t of map.tables) {
      if (deleted.has(t.table)) continue;
      const set: Record<string, string | null> = {};
      // A table kept for the law's sake keeps every kept column and clears the others, `delete_row` ones too.
      const columnsOf = retained.has(t.table) ? t.columns.filter((c) => c.erase === 'keep' || !asked || asked.has(c.item)) : considered(t);
      for (const c of columnsOf) {
        if (c.erase === 'delete_row') {
          // The row stays (retained): its value goes as far as the column allows — masked, else emptied.
          const declared = columns.get(t.table)!.get(c.column)!;
          if (driver.isText(declared.type)) set[c.column] = MASK;
          else if (declared.nullable) set[c.column] = null;
        } else if (c.erase === 'set_null') set[c.column] = null;
        else if (c.erase === 'mask') {
          const declared = columns.get(t.table)!.get(c.column)!;
          if (!driver.isText(declared.type))
            throw new AppError(
              'system_column_type',
              undefined,
              `The column ${t.table}.${c.column} (${declared.type}) is not text and cannot be masked.`,
            );
          set[c.column] = MASK;
        } else if (c.erase === 'keep') {
          kept.push({ table: t.table, column: c.column, item: c.item, rows: found.get(t.table)?.length ?? 0, rule: c.keep_rule ?? '' });
        }
      }
      update(t, set);
    }
  } else {
    for (const t of map.tables) {
      const set: Record<string, string | null> = {};
      for (const c of t.columns) if (c.correct && Object.hasOwn(change.values, c.item)) set[c.column] = change.values[c.item] ?? null;
      update(t, set);
    }
  }
  steps.push(...updates);
  // Only columns the person has rows in are kept: a table without their rows keeps nothing of theirs.
  return { system: code, steps, kept: kept.filter((k) => k.rows > 0), rows: steps.reduce((n, s) => n + s.keys.length, 0) };
}

/**
 * Sums `amount` and counts rows of a mapped table per person: the table is joined up its `via` chain to the
 * table the map links to the person, and grouped by that link column. One query, whatever the number of people.
 */
async function aggregateRows(driver: SqlDriver, s: SqlSession, map: PolicySystem, query: AggregateQuery): Promise<AggregateResult> {
  const columns = await checkMap(driver, s, map);
  const byName = new Map(map.tables.map((t) => [t.table, t]));
  const target = byName.get(query.table);
  if (!target) throw new AppError('system_table_missing', undefined, `The table ${query.table} is not in the dataset map.`);
  for (const name of [query.amount, query.date]) {
    if (!columns.get(query.table)?.has(name))
      throw new AppError('system_column_missing', undefined, `The column ${query.table}.${name} is missing in the system.`);
  }
  const joins: string[] = [];
  let current = target;
  let alias = 't0';
  for (let depth = 1; !current.link; depth++) {
    if (!current.via || depth > 8)
      throw new AppError('system_table_missing', undefined, `The table ${query.table} is not linked to the person in the dataset map.`);
    const parent = byName.get(current.via.table);
    if (!parent) throw new AppError('system_table_missing', undefined, `The table ${current.via.table} is not in the dataset map.`);
    const next = `t${depth}`;
    joins.push(
      `join ${driver.table(parent.table)} ${next} on ${alias}.${driver.quote(current.via.column)} = ${next}.${driver.quote(current.via.references)}`,
    );
    current = parent;
    alias = next;
  }
  const link = current.link;
  const q = new Query(driver);
  const person = driver.text(`${alias}.${driver.quote(link.column)}`);
  const rows = await s.query(
    `select ${person} as person, sum(t0.${driver.quote(query.amount)}) as total, count(*) as n from ${driver.table(query.table)} t0 ${joins.join(' ')} ` +
      `where t0.${driver.quote(query.date)} >= ${q.p(query.from)} and t0.${driver.quote(query.date)} < ${q.p(query.to)} ` +
      `and ${alias}.${driver.quote(link.column)} is not null group by ${person}`,
    q.params,
  );
  return {
    identity: link.identity,
    rows: rows.map((r) => ({ person: r.person ?? '', total: Number(r.total ?? 0), count: Number(r.n ?? 0) })),
  };
}

/** The connector of a SQL database over its driver. */
export function sqlConnector(driver: SqlDriver, opts: { code: string }): Connector {
  const g = <T>(fn: () => Promise<T>) => guarded(driver, fn);
  let closed = false;
  return {
    describe: () => g(() => driver.read((s) => driver.catalog(s, null))),

    sample: (size = SAMPLE_SIZE) =>
      g(() =>
        driver.read(async (s) => {
          const limit = Math.max(1, Math.min(10_000, Math.trunc(size)));
          const out: ColumnSample[] = [];
          for (const t of await driver.catalog(s, null)) {
            for (const c of t.columns) {
              const col = driver.quote(c.name);
              const rows = await s.query(`select ${col} as v from ${driver.table(t.table)} where ${col} is not null limit ${limit}`);
              out.push({ table: t.table, column: c.name, type: c.type, values: rows.map((r) => r.v) });
            }
          }
          return out;
        }),
      ),

    memberCodes: (map, opts = {}) =>
      g(() =>
        driver.read(async (s): Promise<string[]> => {
          await checkMap(driver, s, map);
          const tables = map.tables.filter((t) => t.link?.identity === 'member_code' && (!opts.table || t.table === opts.table));
          if (!tables.length) {
            throw new AppError(
              'system_table_missing',
              undefined,
              `No mapped table of ${map.code} is linked by member code${opts.table ? ` named ${opts.table}` : ''}.`,
            );
          }
          const codes = new Set<string>();
          for (const t of tables) {
            const col = driver.quote(t.link!.column);
            for (const r of await s.query(`select distinct ${col} as v from ${driver.table(t.table)} where ${col} is not null`)) {
              const v = r.v?.trim();
              if (v) codes.add(v);
            }
          }
          return [...codes].sort();
        }),
      ),

    select: (map, person) =>
      g(() =>
        driver.read(async (s): Promise<FoundTable[]> => {
          const columns = await checkMap(driver, s, map);
          const found = await findRows(driver, s, map, person, columns);
          return map.tables.map((t) => ({ table: t.table, key: t.key, rows: found.get(t.table) ?? [] }));
        }),
      ),

    plan: (map, person, change) =>
      g(() =>
        driver.read(async (s) => {
          const columns = await checkMap(driver, s, map);
          const found = await findRows(driver, s, map, person, columns);
          return buildPlan(driver, opts.code, map, change, found, columns);
        }),
      ),

    apply: (plan) =>
      g(() =>
        driver.write(async (s): Promise<ApplyResult> => {
          let changed = 0;
          for (const step of plan.steps) {
            const table = driver.table(step.table);
            const key = driver.quote(step.key);
            for (const part of chunks(step.keys)) {
              const q = new Query(driver);
              if (step.action === 'delete') {
                changed += await s.execute(`delete from ${table} where ${key} in (${q.list(part)})`, q.params);
                continue;
              }
              const set = Object.entries(step.set ?? {});
              if (!set.length) continue;
              const assignments = set.map(([c, v]) => `${driver.quote(c)} = ${q.p(v)}`).join(', ');
              const keys = q.list(part);
              // A row already as planned is not written: applying twice changes nothing the second time.
              const differs = set.map(([c, v]) => driver.distinct(driver.quote(c), q.p(v))).join(' or ');
              changed += await s.execute(`update ${table} set ${assignments} where ${key} in (${keys}) and (${differs})`, q.params);
            }
          }
          return { changed };
        }),
      ),

    verify: (plan) =>
      g(() =>
        driver.read(async (s): Promise<VerifyResult> => {
          const differences: string[] = [];
          for (const step of plan.steps) {
            const set = Object.entries(step.set ?? {});
            const cols = [step.key, ...set.map(([c]) => c)].map((c) => driver.quote(c)).join(', ');
            for (const part of chunks(step.keys)) {
              const q = new Query(driver);
              const rows = await s.query(
                `select ${cols} from ${driver.table(step.table)} where ${driver.quote(step.key)} in (${q.list(part)})`,
                q.params,
              );
              const byKey = new Map(rows.map((r) => [r[step.key], r]));
              for (const k of part) {
                const row = byKey.get(k);
                const where = `${step.table} (${step.key} ${k})`;
                if (step.action === 'delete') {
                  if (row) differences.push(`${where}: the row is still there`);
                } else if (!row) differences.push(`${where}: the row is missing`);
                else for (const [c, v] of set) if (row[c] !== v) differences.push(`${step.table}.${c} (${step.key} ${k}): not as planned`);
              }
            }
          }
          return { ok: differences.length === 0, differences };
        }),
      ),

    aggregate: (map, query) => g(() => driver.read((s) => aggregateRows(driver, s, map, query))),

    close: async () => {
      if (closed) return;
      closed = true;
      await driver.close();
    },
  };
}
