/**
 * A database with the demo organizations, purposes and users (`seedDemo(ctx, 0)`) and N synthetic members
 * written directly: values normalised and search keys derived exactly as the ledger does
 * (`normalizeMemberInput`, `toRow`), without a member.create audit entry each. Shared by the benchmarks that
 * need a large ledger (member search, disclosure package), on SQLite (a file: prepared statements) or
 * PostgreSQL (a database of its own on the bench server, bench/pg.ts: the import's set-based insert,
 * `PgMemberStore`). Built once and reused while it exists.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createContext } from '../src/app/context.ts';
import type { AppContext } from '../src/base/context.ts';
import { type DialectName, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { MemberTable } from '../src/db/schema.ts';
import { iso } from '../src/db/time.ts';
import type { KeyRing } from '../src/modules/crypto/data-keys.ts';
import { DEMO_ORG, seedDemo } from '../src/modules/demo/seed.ts';
import { syntheticMember } from '../src/modules/demo/synthetic.ts';
import { memberColumns, PgMemberStore } from '../src/modules/import/store.ts';
import { pushRowCells, type RowCells } from '../src/modules/import/transform.ts';
import { normalizeMemberInput, toRow } from '../src/modules/members/fields.ts';
import { dropPgDatabase, freshPgDatabase, pgDatabaseExists, pgDatabaseUrl } from './pg.ts';

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Where a benchmark's ledger lives: a SQLite file in `dir`, or PostgreSQL database `mamori_bench_<bench>_<count>`. */
export interface MemberDb {
  dialect: DialectName;
  /** The SQLite file or the PostgreSQL database name. */
  name: string;
  count: number;
}

export function memberDb(dialect: DialectName, dir: string, bench: string, count: number): MemberDb {
  return dialect === 'sqlite'
    ? { dialect, name: join(dir, `members-${count}.db`), count }
    : { dialect, name: `mamori_bench_${bench}_${count}`, count };
}

export async function openMemberDb(target: MemberDb, keys: KeyRing): Promise<{ ctx: AppContext; close(): Promise<void> }> {
  const url = target.dialect === 'sqlite' ? `sqlite:${target.name}` : await pgDatabaseUrl(target.name);
  const opened = openDatabase(url);
  await migrateToLatest(opened.db, target.dialect);
  const ctx = createContext({ db: opened.db, dialect: target.dialect, ...(opened.sqlite ? { sqlite: opened.sqlite } : {}), keys });
  return { ctx, close: () => opened.close() };
}

/** Builds the ledger unless it exists (a `.building`/`_building` one is never taken for a finished one). */
export async function prepareMemberDb(target: MemberDb, keys: KeyRing): Promise<void> {
  const building = target.dialect === 'sqlite' ? `${target.name}.building` : `${target.name}_building`;
  if (target.dialect === 'sqlite' ? existsSync(target.name) : await pgDatabaseExists(target.name)) {
    console.log(`  reusing ${target.name}`);
    return;
  }
  const began = Date.now();
  if (target.dialect === 'sqlite') {
    rmSync(building, { force: true });
    await build({ ...target, name: building }, keys);
    renameSync(building, target.name);
  } else {
    await freshPgDatabase(building);
    await build({ ...target, name: building }, keys);
    await renameDatabase(building, target.name);
  }
  console.log(`  built ${target.count.toLocaleString()} members (${target.dialect}) in ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

/** Removes the ledger (after a run without BENCH_KEEP=1). */
export async function disposeMemberDb(target: MemberDb): Promise<void> {
  if (target.dialect === 'sqlite') for (const f of ['', '-wal', '-shm']) rmSync(`${target.name}${f}`, { force: true });
  else await dropPgDatabase(target.name);
}

async function renameDatabase(from: string, to: string): Promise<void> {
  const client = new pg.Client({ connectionString: await pgDatabaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(`alter database "${from}" rename to "${to}"`);
  } finally {
    await client.end();
  }
}

/** The row of synthetic member `i`, as the ledger would store it. */
function memberRow(ctx: AppContext, i: number): Partial<MemberTable> {
  const { values, issues } = normalizeMemberInput(syntheticMember(i) as never, 'create');
  if (issues.length) throw new Error(`synthetic member ${i}: ${JSON.stringify(issues)}`);
  return toRow(ctx, values);
}

async function build(target: MemberDb, keys: KeyRing): Promise<void> {
  const { ctx, close } = await openMemberDb(target, keys);
  await seedDemo(ctx, 0);
  const org = await ctx.db.selectFrom('organizations').select('id').where('code', '=', DEMO_ORG).executeTakeFirstOrThrow();
  const now = iso(new Date());
  const began = Date.now();
  const batch = 50_000;
  const progress = (done: number) => {
    if (done % 200_000 === 0)
      console.log(`  … ${done.toLocaleString()} members (${Math.round(done / ((Date.now() - began) / 1000)).toLocaleString()}/s)`);
  };
  if (target.dialect === 'sqlite') {
    const raw = ctx.sqlite!;
    const insert = raw.prepare(`insert into members (${memberColumns.join(', ')}) values (${memberColumns.map(() => '?').join(', ')})`);
    for (let first = 1; first <= target.count; first += batch) {
      raw.transaction(() => {
        for (let i = first; i < Math.min(first + batch, target.count + 1); i++) {
          const row = { id: crypto.randomUUID(), org_id: org.id, ...memberRow(ctx, i), version: 1, created_at: now, updated_at: now };
          insert.run(memberColumns.map((c) => (row as Record<string, unknown>)[c] ?? null));
        }
      })();
      progress(Math.min(first + batch - 1, target.count));
    }
    raw.exec('analyze');
  } else {
    // Random (version 4) ids, as the SQLite ledger has: members created one by one over years.
    const rows = 5_000;
    for (let first = 1; first <= target.count; first += batch) {
      await ctx.db.transaction().execute(async (tx) => {
        const store = new PgMemberStore(tx, org.id);
        for (let from = first; from < Math.min(first + batch, target.count + 1); from += rows) {
          const cells: RowCells = [];
          const ids: string[] = [];
          for (let i = from; i < Math.min(from + rows, first + batch, target.count + 1); i++) {
            pushRowCells(cells, memberRow(ctx, i));
            ids.push(crypto.randomUUID());
          }
          await store.insert({ cells, rows: ids.map((_, k) => k), ids }, now);
        }
      });
      progress(Math.min(first + batch - 1, target.count));
    }
    await sql`analyze`.execute(ctx.db);
  }
  await close();
}
