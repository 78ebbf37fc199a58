/**
 * A SQLite database with the demo organizations, purposes and users (`seedDemo(ctx, 0)`) and N synthetic
 * members written directly with a prepared statement: values normalised and search keys derived exactly as
 * the ledger does (`normalizeMemberInput`, `toRow`), without a member.create audit entry each. Shared by the
 * benchmarks that need a large ledger (member search, disclosure package). Built once per file and reused.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { createContext } from '../src/app/context.ts';
import type { AppContext } from '../src/base/context.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { MemberTable } from '../src/db/schema.ts';
import { iso } from '../src/db/time.ts';
import type { KeyRing } from '../src/modules/crypto/data-keys.ts';
import { DEMO_ORG, seedDemo } from '../src/modules/demo/seed.ts';
import { syntheticMember } from '../src/modules/demo/synthetic.ts';
import { memberColumns } from '../src/modules/import/store.ts';
import { normalizeMemberInput, toRow } from '../src/modules/members/fields.ts';

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function openMemberDb(file: string, keys: KeyRing): Promise<{ ctx: AppContext; close(): Promise<void> }> {
  const opened = openDatabase(`sqlite:${file}`);
  await migrateToLatest(opened.db, 'sqlite');
  const ctx = createContext({ db: opened.db, dialect: 'sqlite', ...(opened.sqlite ? { sqlite: opened.sqlite } : {}), keys });
  return { ctx, close: () => opened.close() };
}

/** Builds `file` with `count` members unless it exists (a `.building` file is never taken for a finished one). */
export async function prepareMemberDb(file: string, keys: KeyRing, count: number): Promise<void> {
  if (existsSync(file)) {
    console.log(`  reusing ${file}`);
    return;
  }
  const began = Date.now();
  rmSync(`${file}.building`, { force: true });
  await build(`${file}.building`, keys, count);
  renameSync(`${file}.building`, file);
  console.log(`  built ${count.toLocaleString()} members in ${((Date.now() - began) / 1000).toFixed(0)} s`);
}

async function build(file: string, keys: KeyRing, count: number): Promise<void> {
  const { ctx, close } = await openMemberDb(file, keys);
  await seedDemo(ctx, 0);
  const org = await ctx.db.selectFrom('organizations').select('id').where('code', '=', DEMO_ORG).executeTakeFirstOrThrow();
  const raw = ctx.sqlite!;
  const insert = raw.prepare(`insert into members (${memberColumns.join(', ')}) values (${memberColumns.map(() => '?').join(', ')})`);
  const now = iso(new Date());
  const began = Date.now();
  const batch = 50_000;
  for (let first = 1; first <= count; first += batch) {
    raw.transaction(() => {
      for (let i = first; i < Math.min(first + batch, count + 1); i++) {
        const { values, issues } = normalizeMemberInput(syntheticMember(i) as never, 'create');
        if (issues.length) throw new Error(`synthetic member ${i}: ${JSON.stringify(issues)}`);
        const row = {
          id: crypto.randomUUID(),
          org_id: org.id,
          ...toRow(ctx, values),
          version: 1,
          created_at: now,
          updated_at: now,
        } as MemberTable;
        insert.run(memberColumns.map((c) => row[c] ?? null));
      }
    })();
    const done = Math.min(first + batch - 1, count);
    if (done % 200_000 === 0)
      console.log(`  … ${done.toLocaleString()} members (${Math.round(done / ((Date.now() - began) / 1000)).toLocaleString()}/s)`);
  }
  raw.exec('analyze');
  await close();
}
