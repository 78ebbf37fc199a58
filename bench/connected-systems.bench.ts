/**
 * Requests across connected systems (issue 13), for one member among 1,000,000:
 *  - disclosure across mamori plus three connected systems — an ordering system on PostgreSQL whose orders table
 *    holds 50,000,000 rows indexed on the customer, a 共済 system on MariaDB, a welfare system in a SQLite file —
 *    each system's rows gathered through its connector as a task does, beside mamori's own package: p95 ≤ 500 ms;
 *  - erasure across the three: plan, apply and verify, systems in parallel: ≤ 2 s (the slowest of 10 members).
 *
 * The systems are built once and kept (BENCH_KEEP=1 keeps mamori's ledger too): PostgreSQL database
 * `mamori_bench_ordering_<orders>`, MariaDB database `mamori_bench_kyosai_<members>`, bench/tmp/systems/welfare.db.
 * BENCH_SYSTEMS_MEMBERS and BENCH_SYSTEMS_ORDERS change the sizes; MAMORI_BENCH_MYSQL_URL the MariaDB server.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { AppContext } from '../src/base/context.ts';
import type { Connector, PersonIdentities } from '../src/modules/connectors/connector.ts';
import { openConnector } from '../src/modules/connectors/kinds.ts';
import { loadKeyRing } from '../src/modules/crypto/data-keys.ts';
import { buildPackage } from '../src/modules/disclosure/build.ts';
import { type PolicySystem, systemSchema } from '../src/modules/policy/document.ts';
import { disposeMemberDb, memberDb, openMemberDb, percentile, prepareMemberDb } from './member-db.ts';
import { freshPgDatabase, pgDatabaseExists, pgDatabaseUrl } from './pg.ts';
import type { BenchResult } from './types.ts';

const MEMBERS = Number(process.env.BENCH_SYSTEMS_MEMBERS ?? 1_000_000);
const ORDERS = Number(process.env.BENCH_SYSTEMS_ORDERS ?? 50_000_000);
const TARGET_DISCLOSURE_MS = 500;
const TARGET_ERASURE_MS = 2000;
const dir = join(import.meta.dirname, 'tmp', 'systems');
// The welfare system's file is a connected SQLite system: its folder must be one they may be in.
process.env.MAMORI_SQLITE_SYSTEM_DIRS ??= dir;
const mysqlBase = process.env.MAMORI_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
const memberCode = (i: number) => String(1_000_000 + i);
const f1 = (n: number) => n.toFixed(1);

const orderingMap: PolicySystem = systemSchema.parse({
  code: 'ordering',
  name: '注文システム',
  kind: 'postgres',
  tables: [
    {
      table: 'customers',
      link: { column: 'member_code', identity: 'member_code' },
      columns: [
        { column: 'member_code', item: 'member_code', erase: 'keep', keep_rule: '法人税法: 帳簿書類 7年' },
        { column: 'shimei', item: 'name', erase: 'mask' },
        { column: 'tel', item: 'phone', erase: 'set_null' },
      ],
    },
    {
      table: 'orders',
      via: { table: 'customers', column: 'customer_id', references: 'id' },
      columns: [{ column: 'ship_to', item: 'address', erase: 'mask', correct: false }],
    },
  ],
});
const kyosaiMap: PolicySystem = systemSchema.parse({
  code: 'kyosai',
  name: '共済システム',
  kind: 'mysql',
  tables: [
    {
      table: 'keiyaku',
      key: 'keiyaku_no',
      link: { column: 'kumiaiin_cd', identity: 'member_code' },
      columns: [
        { column: 'keiyakusha_mei', item: 'name', erase: 'keep', keep_rule: '共済事業規約: 10年' },
        { column: 'renrakusaki', item: 'phone', erase: 'set_null' },
      ],
    },
    { table: 'kyufu', via: { table: 'keiyaku', column: 'keiyaku_no', references: 'keiyaku_no' } },
  ],
});
const welfareMap: PolicySystem = systemSchema.parse({
  code: 'welfare',
  name: '福祉サービスシステム',
  kind: 'sqlite',
  tables: [
    {
      table: 'riyousha',
      link: { column: 'member_code', identity: 'member_code' },
      columns: [
        { column: 'shimei', item: 'name', erase: 'delete_row' },
        { column: 'tel', item: 'phone', erase: 'set_null' },
      ],
    },
    { table: 'kiroku', via: { table: 'riyousha', column: 'riyousha_id', references: 'id' } },
  ],
});

/** PostgreSQL: customers for every member, ORDERS orders spread over them, indexed on the customer. */
async function buildOrdering(): Promise<string> {
  const name = `mamori_bench_ordering_${ORDERS}`;
  if (await pgDatabaseExists(name)) {
    console.log(`  reusing ${name}`);
    return pgDatabaseUrl(name);
  }
  const began = Date.now();
  const url = await freshPgDatabase(`${name}_building`);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`create table customers (id bigint primary key, member_code text not null, shimei text, tel text)`);
    await c.query(
      `insert into customers select g, (1000000 + g)::text, '合成 太郎' || g, '090' || lpad((g % 100000000)::text, 8, '0')
       from generate_series(1, $1::bigint) g`,
      [MEMBERS],
    );
    await c.query('create unique index customers_member_code on customers (member_code)');
    await c.query(
      `create table orders (id bigint primary key, customer_id bigint not null, ordered_on date not null, total_yen integer not null, ship_to text)`,
    );
    const chunk = 5_000_000;
    for (let from = 1; from <= ORDERS; from += chunk) {
      const to = Math.min(ORDERS, from + chunk - 1);
      await c.query(
        `insert into orders select g, 1 + (g * 7919) % $3::bigint, date '2021-01-01' + (g % 1800)::int, 100 + (g % 9000)::int,
           '宮城県仙台市青葉区（合成）' || (g % 1000)
         from generate_series($1::bigint, $2::bigint) g`,
        [from, to, MEMBERS],
      );
      console.log(`  ordering: ${to.toLocaleString()} orders (${((Date.now() - began) / 1000).toFixed(0)} s)`);
    }
    await c.query('create index orders_customer on orders (customer_id)');
    await c.query('analyze');
  } finally {
    await c.end();
  }
  const admin = new pg.Client({ connectionString: await pgDatabaseUrl('postgres') });
  await admin.connect();
  await admin.query(`alter database "${name}_building" rename to "${name}"`);
  await admin.end();
  console.log(`  built ${name} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  return pgDatabaseUrl(name);
}

/** MariaDB: a third of the members hold a 共済 contract, each with two benefits paid. */
async function buildKyosai(): Promise<{ url: string; schema: string }> {
  const schema = `mamori_bench_kyosai_${MEMBERS}`;
  const c = await mysql.createConnection({ uri: mysqlBase, multipleStatements: true });
  try {
    const [rows] = await c.query('select schema_name from information_schema.schemata where schema_name = ?', [schema]);
    if ((rows as unknown[]).length) {
      console.log(`  reusing ${schema}`);
      return { url: mysqlBase, schema };
    }
    const began = Date.now();
    const building = `${schema}_b`;
    await c.query(`drop database if exists \`${building}\`; create database \`${building}\`; use \`${building}\``);
    await c.query(`create table keiyaku (keiyaku_no varchar(12) primary key, kumiaiin_cd varchar(12) not null, keiyakusha_mei varchar(60),
      seinengappi date, renrakusaki varchar(20), index keiyaku_member (kumiaiin_cd)) engine=InnoDB`);
    await c.query(`create table kyufu (id bigint primary key, keiyaku_no varchar(12) not null, shiharai_bi date, kingaku int,
      index kyufu_keiyaku (keiyaku_no)) engine=InnoDB`);
    // MariaDB's sequence engine: seq_1_to_N is a table of 1…N.
    await c.query(`insert into keiyaku select concat('K', lpad(seq, 9, '0')), cast(1000000 + seq * 3 as char), concat('合成 花子', seq),
      date '1960-01-01' + interval (seq % 20000) day, concat('080', lpad(seq, 8, '0')) from seq_1_to_${Math.floor(MEMBERS / 3)}`);
    await c.query(`insert into kyufu select seq, concat('K', lpad(1 + (seq - 1) div 2, 9, '0')), date '2024-01-01' + interval (seq % 700) day,
      5000 * (1 + seq % 20) from seq_1_to_${2 * Math.floor(MEMBERS / 3)}`);
    // MariaDB cannot rename a database: the tables move into the finished one.
    await c.query(`create database \`${schema}\``);
    await c.query(`rename table \`${building}\`.keiyaku to \`${schema}\`.keiyaku, \`${building}\`.kyufu to \`${schema}\`.kyufu`);
    await c.query(`drop database \`${building}\``);
    console.log(`  built ${schema} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
    return { url: mysqlBase, schema };
  } finally {
    await c.end();
  }
}

/** SQLite: a tenth of the members use a welfare service, three records each. */
function buildWelfare(): string {
  const file = join(dir, `welfare-${MEMBERS}.db`);
  if (existsSync(file)) {
    console.log(`  reusing ${file}`);
    return file;
  }
  const began = Date.now();
  const building = `${file}.building`;
  rmSync(building, { force: true });
  const db = new BetterSqlite3(building);
  try {
    db.pragma('journal_mode = OFF');
    db.exec(`create table riyousha (id integer primary key, member_code text not null, shimei text, tel text);
      create table kiroku (id integer primary key, riyousha_id integer not null references riyousha(id), riyou_bi text, service text);`);
    const n = Math.floor(MEMBERS / 10);
    db.exec(`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n})
      insert into riyousha select i, cast(1000000 + i * 10 as text), '合成 次郎' || i, '070' || substr('0000000' || i, -8) from s`);
    db.exec(`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${3 * n})
      insert into kiroku select i, 1 + (i - 1) / 3, '2025-0' || (1 + i % 9) || '-01', '配食サービス' from s`);
    db.exec('create unique index riyousha_member on riyousha (member_code); create index kiroku_riyousha on kiroku (riyousha_id)');
  } finally {
    db.close();
  }
  renameSync(building, file);
  console.log(`  built ${file} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  return file;
}

export default async function run(): Promise<BenchResult[]> {
  mkdirSync(dir, { recursive: true });
  const keep = process.env.BENCH_KEEP === '1';
  const keys = loadKeyRing(join(dir, 'keys.json'));
  const ledger = memberDb('sqlite', dir, 'systems', MEMBERS);
  await prepareMemberDb(ledger, keys);
  const orderingUrl = await buildOrdering();
  const kyosai = await buildKyosai();
  const welfareFile = buildWelfare();
  const { ctx, close } = await openMemberDb(ledger, keys);
  const systems: [Connector, PolicySystem][] = [
    [await openConnector('postgres', { url: orderingUrl }, { code: 'ordering' }), orderingMap],
    [await openConnector('mysql', { url: kyosai.url, schema: kyosai.schema }, { code: 'kyosai' }), kyosaiMap],
    [await openConnector('sqlite', { file: welfareFile }, { code: 'welfare' }), welfareMap],
  ];
  try {
    const disclosure = await measureDisclosure(ctx, systems);
    const erasure = await measureErasure(systems);
    return [disclosure, erasure];
  } finally {
    for (const [c] of systems) await c.close();
    await close();
    if (!keep) await disposeMemberDb(ledger);
  }
}

/** Members whose code is a multiple of 30 are in all three systems (a contract: ×3; the welfare service: ×10). */
const everywhere = (k: number) => 30 * (1 + ((k * 7919) % Math.floor(MEMBERS / 30 - 1)));

async function measureDisclosure(ctx: AppContext, systems: [Connector, PolicySystem][]): Promise<BenchResult> {
  const disclose = async (i: number) => {
    const person: PersonIdentities = { member_code: memberCode(i) };
    const member = await ctx.db.selectFrom('members').select('id').where('member_code', '=', person.member_code!).executeTakeFirstOrThrow();
    const [pkg, ...found] = await Promise.all([buildPackage(ctx, member.id), ...systems.map(([c, map]) => c.select(map, person))]);
    return { pkg, rows: found.map((tables) => tables.reduce((n, t) => n + t.rows.length, 0)) };
  };
  for (let k = 0; k < 5; k++) await disclose(everywhere(1000 + k));
  const times: number[] = [];
  let rows: number[] = [];
  for (let k = 0; k < 60; k++) {
    const t = performance.now();
    const out = await disclose(everywhere(k));
    times.push(performance.now() - t);
    rows = out.rows;
  }
  times.sort((a, b) => a - b);
  const p95 = percentile(times, 95);
  console.log(`  disclosure across mamori + 3 systems: p50 ${f1(percentile(times, 50))} ms, p95 ${f1(p95)} ms`);
  return {
    name: 'disclosure across mamori + 3 connected systems p95',
    target: `≤ ${TARGET_DISCLOSURE_MS} ms`,
    value: Math.round(p95 * 10) / 10,
    unit: 'ms',
    ok: p95 <= TARGET_DISCLOSURE_MS,
    notes: `60 members among ${MEMBERS.toLocaleString('en-US')}; PostgreSQL orders ${ORDERS.toLocaleString('en-US')} rows (the last member: ${rows.join(' / ')} rows in ordering / kyosai / welfare), MariaDB, SQLite; mamori's package (SQLite) and the three selects in parallel; p50 ${f1(percentile(times, 50))} ms`,
  };
}

async function measureErasure(systems: [Connector, PolicySystem][]): Promise<BenchResult> {
  // Different members on every run (a kept database has the earlier runs' members erased already).
  const offset = Math.floor(Date.now() / 1000) % 10_000;
  const times: number[] = [];
  let changed = 0;
  for (let k = 0; k < 10; k++) {
    const person: PersonIdentities = { member_code: memberCode(everywhere(20_000 + offset + k)) };
    const t = performance.now();
    const results = await Promise.all(
      systems.map(async ([c, map]) => {
        const plan = await c.plan(map, person, { kind: 'erase' });
        const applied = await c.apply(plan);
        const verified = await c.verify(plan);
        if (!verified.ok) throw new Error(`verify failed on ${map.code}: ${verified.differences.join('; ')}`);
        return applied.changed;
      }),
    );
    times.push(performance.now() - t);
    changed += results.reduce((a, b) => a + b, 0);
  }
  times.sort((a, b) => a - b);
  const worst = times.at(-1)!;
  console.log(`  erasure across 3 systems: p50 ${f1(percentile(times, 50))} ms, max ${f1(worst)} ms`);
  return {
    name: 'erasure plan + apply + verify across 3 systems (slowest of 10)',
    target: `≤ ${TARGET_ERASURE_MS} ms`,
    value: Math.round(worst * 10) / 10,
    unit: 'ms',
    ok: worst <= TARGET_ERASURE_MS,
    notes: `10 members, each in all three systems (${changed.toLocaleString('en-US')} rows changed in all); systems in parallel; p50 ${f1(percentile(times, 50))} ms`,
  };
}
