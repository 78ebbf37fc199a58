/**
 * A fixture ordering system (注文システム) in a real database of each kind, with synthetic data: customers (member
 * code, name, kana, phone, e-mail, address), their orders, the orders' lines, and deliveries keyed by phone.
 * Created fresh — a SQLite file, a PostgreSQL database (tables in schema `ordering`), a MariaDB database — and
 * dropped by `dispose()`. `admin` runs SQL beside the connector (changes behind its back, a renamed table, a lock).
 *
 * The person of the fixture is customer 1 (M0000001): 1,200 orders (more than one batch of keys), three order
 * lines, two deliveries whose phone is written differently (09012345678, 090 1234 5678). Customer 2 is a
 * neighbour whose phone differs by one digit; nothing of theirs may ever be found.
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { ConnectionSettings, PersonIdentities } from '../../src/modules/connectors/connector.ts';
import { systemSchema } from '../../src/modules/policy/document.ts';
import { mysqlUrl, postgresUrl } from './db.ts';

export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';

/** The kinds whose server this run found (SQLite always). */
export function availableDatabaseKinds(): DatabaseKind[] {
  return ['sqlite', ...(postgresUrl() ? (['postgres'] as const) : []), ...(mysqlUrl() ? (['mysql'] as const) : [])];
}

export const PERSON: PersonIdentities = { member_code: 'M0000001', email: 'hanako.yamada@example.jp', phone: '090-1234-5678' };
export const PERSON_ORDERS = 1200;

/** The dataset map of the fixture system. */
export function orderingMap(kind: DatabaseKind) {
  return systemSchema.parse({
    code: 'ordering',
    name: '注文システム',
    kind,
    tables: [
      {
        table: 'customers',
        key: 'id',
        link: { column: 'member_code', identity: 'member_code' },
        columns: [
          { column: 'member_code', item: 'member_code', erase: 'keep', keep_rule: '法人税法: 帳簿書類 7年' },
          { column: 'name', item: 'name', erase: 'mask' },
          { column: 'name_kana', item: 'name_kana', erase: 'set_null' },
          { column: 'phone', item: 'phone', erase: 'set_null' },
          { column: 'email', item: 'email', erase: 'set_null' },
          { column: 'address', item: 'address', erase: 'set_null' },
        ],
      },
      {
        table: 'orders',
        key: 'id',
        via: { table: 'customers', column: 'customer_id', references: 'id' },
        columns: [{ column: 'amount', item: 'purchase_history', erase: 'delete_row', correct: false }],
      },
      {
        table: 'order_lines',
        key: 'id',
        via: { table: 'orders', column: 'order_id', references: 'id' },
        columns: [{ column: 'product', item: 'purchase_history', erase: 'delete_row', correct: false }],
      },
      {
        table: 'deliveries',
        key: 'id',
        link: { column: 'phone', identity: 'phone' },
        columns: [
          { column: 'phone', item: 'phone', erase: 'set_null' },
          { column: 'recipient', item: 'name', erase: 'mask' },
          { column: 'address', item: 'address', erase: 'set_null' },
        ],
      },
    ],
  });
}

const ddl = [
  `create table customers (id integer primary key, member_code varchar(20) not null, name varchar(100), name_kana varchar(100),
    phone varchar(20), email varchar(200), address varchar(300), points integer, memo varchar(100), registered_on date)`,
  `create table orders (id integer primary key, customer_id integer not null, ordered_on date not null, amount integer not null,
    foreign key (customer_id) references customers (id))`,
  `create table order_lines (id integer primary key, order_id integer not null, product varchar(100), quantity integer,
    foreign key (order_id) references orders (id))`,
  `create table deliveries (id integer primary key, phone varchar(20), recipient varchar(100), address varchar(300), delivered_on date)`,
];

function data(): string[] {
  const orders = [`(99, 2, '2025-03-01', 1500)`];
  for (let i = 0; i < PERSON_ORDERS; i++) {
    const day = `2025-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    orders.push(`(${101 + i}, 1, '${day}', ${300 + ((i * 97) % 4000)})`);
  }
  return [
    `insert into customers values
      (1, 'M0000001', '山田 花子', 'ヤマダ ハナコ', '090-1234-5678', 'Hanako.Yamada@EXAMPLE.jp', '東京都千代田区試験町1-2-3', 120, 'メモ', '2019-04-01'),
      (2, 'M0000002', '佐藤 太郎', 'サトウ タロウ', '090-1234-5679', 'taro.sato@example.jp', '東京都千代田区試験町4-5-6', 80, null, '2020-06-15'),
      (3, 'M0000003', '鈴木 一郎', 'スズキ イチロウ', '080-9999-0000', null, '大阪府大阪市試験区7-8', 0, null, '2021-01-10')`,
    `insert into orders values ${orders.join(', ')}`,
    `insert into order_lines values (1001, 101, '有機にんじん 500g', 2), (1002, 101, '産直たまご 10個', 1), (1003, 102, '国産大豆の豆腐', 3),
      (1004, 99, '低温殺菌牛乳 1L', 1)`,
    `insert into deliveries values (1, '09012345678', '山田 花子', '東京都千代田区試験町1-2-3', '2025-05-02'),
      (2, '090 1234 5678', '山田 花子', '東京都千代田区試験町1-2-3', '2025-05-09'),
      (3, '090-1234-5679', '佐藤 太郎', '東京都千代田区試験町4-5-6', '2025-05-09')`,
  ];
}

export interface OrderingSystem {
  kind: DatabaseKind;
  settings: ConnectionSettings;
  /** Runs SQL beside the connector, as the system's owner; resolves with the rows of a query. */
  admin(sql: string): Promise<Record<string, unknown>[]>;
  /** Holds a lock that keeps the connector's reads of `table` waiting, until the returned function is called. */
  lock(table: string): Promise<() => Promise<void>>;
  /** Settings of an account (SQLite: a file) that may be read but not written. */
  readOnlySettings(): Promise<ConnectionSettings>;
  /** Settings with a wrong password (or an unknown account where the server trusts local connections). */
  wrongPasswordSettings(): Promise<ConnectionSettings | null>;
  /** Settings naming a place where nothing answers. */
  unreachableSettings(): ConnectionSettings;
  dispose(): Promise<void>;
}

export async function createOrderingSystem(kind: DatabaseKind): Promise<OrderingSystem> {
  if (kind === 'sqlite') return sqliteSystem();
  if (kind === 'postgres') return postgresSystem();
  return mysqlSystem();
}

function sqliteSystem(): OrderingSystem {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-connector-fixture-'));
  const file = join(dir, 'ordering.db');
  const db = new BetterSqlite3(file);
  db.pragma('foreign_keys = on');
  db.transaction(() => {
    for (const sql of [...ddl, ...data()]) db.exec(sql);
  })();
  db.close();
  const immutable: string[] = [];
  return {
    kind: 'sqlite',
    settings: { file },
    admin: async (sql) => {
      const conn = new BetterSqlite3(file);
      try {
        const stmt = conn.prepare(sql);
        if (stmt.reader) return stmt.all() as Record<string, unknown>[];
        stmt.run();
        return [];
      } finally {
        conn.close();
      }
    },
    lock: async () => {
      const conn = new BetterSqlite3(file);
      conn.exec('begin exclusive');
      return async () => {
        conn.exec('rollback');
        conn.close();
      };
    },
    // A copy of the file marked immutable (chattr +i): even root may then open it for reading only.
    readOnlySettings: async () => {
      const copy = join(dir, 'read-only.db');
      copyFileSync(file, copy);
      execFileSync('chattr', ['+i', copy]);
      immutable.push(copy);
      return { file: copy };
    },
    wrongPasswordSettings: async () => null,
    unreachableSettings: () => ({ file: join(dir, 'no-such-file.db') }),
    dispose: async () => {
      for (const f of immutable) execFileSync('chattr', ['-i', f]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresSystem(): Promise<OrderingSystem> {
  const base = postgresUrl()!;
  const name = `mamori_t_ordering_${randomBytes(5).toString('hex')}`;
  const roles: string[] = [];
  const root = async (sql: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await root(`create database ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const url = u.toString();
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('set search_path to ordering');
    return c;
  };
  const c = await connect();
  try {
    await c.query('create schema ordering');
    await c.query('set search_path to ordering');
    for (const sql of [...ddl, ...data()]) await c.query(sql);
  } finally {
    await c.end();
  }
  return {
    kind: 'postgres',
    settings: { url, schema: 'ordering' },
    admin: async (sql) => {
      const a = await connect();
      try {
        return (await a.query(sql)).rows;
      } finally {
        await a.end();
      }
    },
    lock: async (table) => {
      const a = await connect();
      await a.query('begin');
      await a.query(`lock table ${table} in access exclusive mode`);
      return async () => {
        await a.query('rollback');
        await a.end();
      };
    },
    readOnlySettings: async () => {
      const role = `${name}_ro`;
      roles.push(role);
      await root(`create role ${role} login password 'reader-secret'`);
      const a = await connect();
      try {
        await a.query(`grant usage on schema ordering to ${role}; grant select on all tables in schema ordering to ${role}`);
      } finally {
        await a.end();
      }
      const ro = new URL(url);
      ro.username = role;
      return { url: ro.toString(), schema: 'ordering', secret: 'reader-secret' };
    },
    // The test server trusts local connections (any password): an account it does not know is refused the same way.
    wrongPasswordSettings: async () => {
      const wrong = new URL(url);
      wrong.username = `${name}_nobody`;
      return { url: wrong.toString(), schema: 'ordering', secret: 'Wr0ng-Secret-4711' };
    },
    unreachableSettings: () => ({
      url: 'postgres://root:Url-Secret-4711@127.0.0.1:1/test',
      secret: 'Unreachable-Secret-4711',
      timeoutSeconds: 2,
    }),
    dispose: async () => {
      await root(`drop database if exists ${name} with (force)`);
      for (const role of roles) await root(`drop role if exists ${role}`);
    },
  };
}

async function mysqlSystem(): Promise<OrderingSystem> {
  const base = mysqlUrl()!;
  const name = `mamori_t_ordering_${randomBytes(5).toString('hex')}`;
  const users: string[] = [];
  const connect = () => mysql.createConnection({ uri: base, multipleStatements: true, dateStrings: true });
  const root = async (sql: string) => {
    const c = await connect();
    try {
      const [rows] = await c.query(sql);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    } finally {
      await c.end();
    }
  };
  await root(`create database ${name} character set utf8mb4`);
  await root([`use ${name}`, ...ddl, ...data()].join(';\n'));
  const user = async (suffix: string, grants: string) => {
    const account = `${name.slice(-10)}_${suffix}`;
    users.push(account);
    await root(`create user '${account}'@'%' identified by 'Account-Secret-4711'; grant ${grants} on ${name}.* to '${account}'@'%'`);
    const v = new URL(base);
    v.username = account;
    return v;
  };
  return {
    kind: 'mysql',
    settings: { url: base, schema: name },
    admin: (sql) => root(`use ${name}; ${sql}`).then((r) => (Array.isArray(r[1]) ? (r[1] as Record<string, unknown>[]) : [])),
    lock: async (table) => {
      const a = await connect();
      await a.query(`use ${name}; lock tables ${table} write`);
      return async () => {
        await a.query('unlock tables');
        await a.end();
      };
    },
    readOnlySettings: async () => ({ url: (await user('ro', 'select')).toString(), schema: name, secret: 'Account-Secret-4711' }),
    wrongPasswordSettings: async () => ({ url: (await user('rw', 'all')).toString(), schema: name, secret: 'Wr0ng-Secret-4711' }),
    unreachableSettings: () => ({
      url: `mysql://root:Url-Secret-4711@127.0.0.1:1/${name}`,
      secret: 'Unreachable-Secret-4711',
      timeoutSeconds: 2,
    }),
    dispose: async () => {
      await root(`drop database if exists ${name}`);
      for (const account of users) await root(`drop user if exists '${account}'@'%'`);
    },
  };
}
