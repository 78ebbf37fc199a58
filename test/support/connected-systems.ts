/**
 * A connected ordering system for tests (synthetic data): a SQLite file with customers and their orders for some
 * demo members, registered in the systems register, and mapped in the policy in effect (the map added to the
 * active version, as a new version would carry it).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AppContext } from '../../src/base/context.ts';
import type { SystemKind } from '../../src/contract/connector-vocabulary.ts';
import { iso } from '../../src/db/time.ts';
import type { ConnectionSettings } from '../../src/modules/connectors/connector.ts';
import { type PolicySystem, policyDocumentSchema, systemSchema } from '../../src/modules/policy/document.ts';
import { sealSettings } from '../../src/modules/systems/settings.ts';

export const orderingMap: PolicySystem = systemSchema.parse({
  code: 'ordering',
  name: '注文システム',
  name_en: 'Ordering system',
  kind: 'sqlite',
  tables: [
    {
      table: 'customers',
      key: 'id',
      link: { column: 'member_code', identity: 'member_code' },
      columns: [
        { column: 'name', item: 'name', erase: 'mask' },
        { column: 'phone', item: 'phone', erase: 'set_null' },
      ],
    },
    {
      table: 'orders',
      key: 'id',
      via: { table: 'customers', column: 'customer_id', references: 'id' },
      purposes: ['P03'],
      columns: [
        { column: 'delivery_address', item: 'address', erase: 'set_null' },
        {
          column: 'item_name',
          item: 'purchase_history',
          erase: 'keep',
          keep_rule: '法人税法により帳簿書類として7年間保存',
          correct: false,
        },
      ],
    },
    {
      table: 'favorites',
      key: 'id',
      via: { table: 'customers', column: 'customer_id', references: 'id' },
      purposes: ['P03'],
      columns: [{ column: 'item_name', item: 'purchase_history', erase: 'delete_row', correct: false }],
    },
  ],
});

/** Creates the ordering system's SQLite file: two orders each for the given member codes. */
export function createOrderingDb(memberCodes: string[], dir = mkdtempSync(join(tmpdir(), 'mamori-ordering-'))): string {
  const file = join(dir, 'ordering.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`
    create table customers (id integer primary key, member_code text not null, name text, phone text);
    create table orders (id integer primary key, customer_id integer not null references customers(id), item_name text,
      delivery_address text, ordered_on text);
    create table favorites (id integer primary key, customer_id integer not null references customers(id), item_name text);
  `);
  const addFavorite = db.prepare('insert into favorites (customer_id, item_name) values (?, ?)');
  const addCustomer = db.prepare('insert into customers (member_code, name, phone) values (?, ?, ?)');
  const addOrder = db.prepare('insert into orders (customer_id, item_name, delivery_address, ordered_on) values (?, ?, ?, ?)');
  memberCodes.forEach((code, i) => {
    const id = Number(addCustomer.run(code, `試験 太郎${i}`, `090-0000-${String(1000 + i)}`).lastInsertRowid);
    addOrder.run(id, '牛乳 1L', `宮城県仙台市青葉区テスト町${i}-1`, '2025-04-01');
    addOrder.run(id, 'たまご 10個', `宮城県仙台市青葉区テスト町${i}-1`, '2025-05-01');
    addFavorite.run(id, '豆腐');
  });
  db.close();
  return file;
}

/**
 * Registers how to reach a system as the register stores it (settings sealed with the key ring, the secret
 * apart), without the register's API and its audit entry: the tests' shortcut, one for every test.
 */
export async function insertConnection(
  ctx: AppContext,
  opts: { orgId: string; code: string; name: string; kind: SystemKind; settings: ConnectionSettings },
): Promise<void> {
  const now = iso(new Date());
  const { secret, ...settings } = opts.settings;
  await ctx.db
    .insertInto('connected_systems')
    .values({
      id: randomUUID(),
      org_id: opts.orgId,
      code: opts.code,
      name: opts.name,
      kind: opts.kind,
      ...sealSettings(ctx.keys, settings, secret),
      status: 'unchecked',
      last_checked_at: null,
      last_error: null,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** Registers the system (its settings encrypted) and adds its map to the organization's policy in effect. */
export async function connectOrdering(ctx: AppContext, orgId: string, file: string, map: PolicySystem = orderingMap): Promise<void> {
  await insertConnection(ctx, { orgId, code: map.code, name: map.name, kind: map.kind, settings: { file } });
  await mapSystems(ctx, orgId, [map]);
}

/** Replaces the systems map of the active policy version (a test's shortcut for publishing a new version). */
export async function mapSystems(ctx: AppContext, orgId: string, systems: PolicySystem[]): Promise<void> {
  const row = await ctx.db
    .selectFrom('policy_versions')
    .select(['id', 'document'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const document = policyDocumentSchema.parse({ ...JSON.parse(row.document), systems });
  const json = JSON.stringify(document);
  await ctx.db
    .updateTable('policy_versions')
    .set({ document: json, sha256: createHash('sha256').update(json).digest('hex') })
    .where('id', '=', row.id)
    .execute();
}

/** The ordering system's rows, read directly. */
export function readOrdering(file: string): {
  customers: Record<string, unknown>[];
  orders: Record<string, unknown>[];
  favorites: Record<string, unknown>[];
} {
  const db = new Database(file, { readonly: true });
  try {
    return {
      customers: db.prepare('select * from customers order by id').all() as Record<string, unknown>[],
      orders: db.prepare('select * from orders order by id').all() as Record<string, unknown>[],
      favorites: db.prepare('select * from favorites order by id').all() as Record<string, unknown>[],
    };
  } finally {
    db.close();
  }
}
