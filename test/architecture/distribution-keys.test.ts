/**
 * Every table has a decision for a distributed PostgreSQL (Citus), distributing by organization
 * (src/db/distribution.ts, docs/scaling.md), checked against the schema the migrations build — on SQLite and,
 * when the run has it, PostgreSQL: a new table without a decision fails here. A table sharded by organization
 * holds a NOT NULL organization column, or reaches one through NOT NULL columns with foreign keys; a reference
 * table (copied to every node) holds no personal data; every table holding a member's data is sharded with
 * the member or named as a single-shard exception with its reason.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Db, DialectName } from '../../src/db/database.ts';
import { type Distribution, distribution } from '../../src/db/distribution.ts';
import { availableDialects, createTestDatabase } from '../support/db.ts';

interface TableShape {
  /** Column name → NOT NULL. */
  columns: Map<string, boolean>;
  /** Column name → referenced table. */
  references: Map<string, string>;
}

async function shapeOf(db: Db, dialect: DialectName): Promise<Map<string, TableShape>> {
  const tables = new Map<string, TableShape>();
  const table = (name: string) => {
    let t = tables.get(name);
    if (!t) {
      t = { columns: new Map(), references: new Map() };
      tables.set(name, t);
    }
    return t;
  };
  if (dialect === 'sqlite') {
    const names = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
    for (const { name } of names.rows) {
      const cols = await sql<{
        name: string;
        notnull: number;
        pk: number;
      }>`select name, "notnull", pk from pragma_table_info(${name})`.execute(db);
      for (const c of cols.rows) table(name).columns.set(c.name, c.notnull === 1 || c.pk > 0);
      const fks = await sql<{ from: string; table: string }>`select "from", "table" from pragma_foreign_key_list(${name})`.execute(db);
      for (const fk of fks.rows) table(name).references.set(fk.from, fk.table);
    }
    return tables;
  }
  // PostgreSQL: the tables of this schema (partitions count as their parent), their columns and foreign keys.
  const names = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition`.execute(db);
  for (const { name } of names.rows) table(name);
  const cols = await sql<{ table_name: string; column_name: string; is_nullable: string }>`
    select table_name, column_name, is_nullable from information_schema.columns where table_schema = current_schema()`.execute(db);
  for (const c of cols.rows) tables.get(c.table_name)?.columns.set(c.column_name, c.is_nullable === 'NO');
  const fks = await sql<{ table_name: string; column_name: string; referenced: string }>`
    select cl.relname as table_name, a.attname as column_name, rt.relname as referenced
    from pg_constraint k
    join pg_class cl on cl.oid = k.conrelid join pg_namespace n on n.oid = cl.relnamespace
    join pg_class rt on rt.oid = k.confrelid
    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
    where k.contype = 'f' and n.nspname = current_schema()`.execute(db);
  for (const fk of fks.rows) tables.get(fk.table_name)?.references.set(fk.column_name, fk.referenced);
  return tables;
}

/** Problems with one table's decision, as sentences (empty when it holds). */
function problems(name: string, decision: Distribution, tables: Map<string, TableShape>): string[] {
  const shape = tables.get(name)!;
  const found: string[] = [];
  if (decision.kind === 'reference' && decision.personalData) found.push(`${name}: a reference table must hold no personal data`);
  if (decision.kind !== 'distributed') return found;
  if (!decision.via) {
    const column = decision.column ?? 'org_id';
    if (!shape.columns.has(column)) found.push(`${name}: no distribution column ${column}`);
    else if (!shape.columns.get(column)) found.push(`${name}: distribution column ${column} may be NULL`);
    if (shape.references.get(column) !== undefined && shape.references.get(column) !== 'organizations') {
      found.push(`${name}: ${column} references ${shape.references.get(column)}, not organizations`);
    }
    return found;
  }
  let at = name;
  for (const hop of decision.via) {
    const here = tables.get(at);
    if (!here?.columns.has(hop.column)) {
      found.push(`${name}: path column ${at}.${hop.column} does not exist`);
      return found;
    }
    if (!here.columns.get(hop.column)) found.push(`${name}: path column ${at}.${hop.column} may be NULL`);
    if (hop.foreignKey === false) {
      if (!hop.why) found.push(`${name}: ${at}.${hop.column} has no foreign key and no reason why`);
    } else if (here.references.get(hop.column) !== hop.table) {
      found.push(`${name}: ${at}.${hop.column} has no foreign key to ${hop.table}`);
    }
    at = hop.table;
  }
  const end = distribution[at as keyof typeof distribution];
  if (end?.kind !== 'distributed' || end.via) found.push(`${name}: its path ends at ${at}, which is not sharded by its own column`);
  return found;
}

describe.each(availableDialects())('distribution keys for a distributed PostgreSQL (%s schema)', (dialect) => {
  it('gives every table of the migrated schema a decision, and every decision a table', async () => {
    const database = await createTestDatabase(dialect);
    try {
      const tables = await shapeOf(database.db, dialect);
      const undecided = [...tables.keys()].filter((t) => !(t in distribution)).sort();
      expect(undecided, 'tables without a decision in src/db/distribution.ts (see docs/scaling.md)').toEqual([]);
      const missing = Object.keys(distribution).filter((t) => !tables.has(t));
      expect(missing, 'decisions for tables the migrations do not create').toEqual([]);
      const found = Object.entries(distribution).flatMap(([name, decision]) => problems(name, decision, tables));
      expect(found).toEqual([]);
    } finally {
      await database.dispose();
    }
  });
});

describe('the decisions themselves', () => {
  it('keep every table about a member with the member, except the single-shard exceptions named with a reason', () => {
    const memberTables = Object.entries(distribution).filter(([, d]) => d.personalData);
    for (const [name, d] of memberTables) {
      expect(d.kind === 'distributed' || (d.kind === 'single' && d.why.length > 20), name).toBe(true);
    }
    // The ledger of members itself and what hangs off it are sharded, never copied or centralised.
    for (const name of ['members', 'member_purpose_blocks', 'member_consents', 'consent_events', 'subject_requests', 'provision_records']) {
      expect(distribution[name as keyof typeof distribution].kind, name).toBe('distributed');
    }
    expect(
      Object.entries(distribution)
        .filter(([, d]) => d.kind === 'reference')
        .map(([n]) => n),
    ).toEqual(['organizations']);
  });

  it('fails on a table without a distribution column or a path (the check is not vacuous)', () => {
    const tables = new Map<string, TableShape>([
      ['members', { columns: new Map([['org_id', true]]), references: new Map([['org_id', 'organizations']]) }],
      ['notes', { columns: new Map([['member_id', false]]), references: new Map() }],
    ]);
    expect(problems('notes', { kind: 'distributed', personalData: true }, tables)).toEqual(['notes: no distribution column org_id']);
    expect(
      problems('notes', { kind: 'distributed', personalData: true, via: [{ column: 'member_id', table: 'members' }] }, tables),
    ).toEqual(['notes: path column notes.member_id may be NULL', 'notes: notes.member_id has no foreign key to members']);
    expect(problems('notes', { kind: 'reference', personalData: true as false, why: 'x' }, tables)).toEqual([
      'notes: a reference table must hold no personal data',
    ]);
  });
});
