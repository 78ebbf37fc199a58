/**
 * The demo co-op's connected systems (issue 13): an ordering system (注文システム: customers, three years of orders
 * and their lines) and a 共済 system (契約 and 給付), each a SQLite database of its own beside mamori's, made from
 * the same synthetic members (synthetic.ts) so that a member found in mamori is found in them too. The systems
 * speak their own dialect, as real ones do: romanised column names (shimei, furigana, tel, kumiaiin_cd), phone
 * numbers without hyphens, their own keys. Their dataset maps are in the demo policy (`demoSystemsMap`), and the
 * register knows how to open them (`registerDemoSystems`), so requests reach them out of the box.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Tx } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import type { PolicyDocumentInput } from '../policy/document.ts';
import { sealSettings } from '../systems/settings.ts';
import { rng, syntheticMember } from './synthetic.ts';

/** Members of the demo co-op who have orders and (some of them) 共済 contracts: the first ones by member code. */
export const DEMO_SYSTEM_MEMBERS = 1_000;

const products: [string, string, number][] = [
  ['4901234567894', 'コープ牛乳 1000ml', 238],
  ['4901234567900', '産直たまご 10個', 298],
  ['4901234567917', '国産若鶏もも肉 300g', 498],
  ['4901234567924', 'ほうれん草 1束', 158],
  ['4901234567931', 'コープ食パン 6枚切', 168],
  ['4901234567948', '冷凍コロッケ 10個入', 328],
  ['4901234567955', '宮城県産ひとめぼれ 5kg', 2380],
  ['4901234567962', 'トイレットペーパー 12ロール', 498],
  ['4901234567979', '有機にんじん 500g', 258],
  ['4901234567986', '生鮭切身 3切', 598],
];
const slots = ['午前', '午後', '夕方', '置き配'];
const plans = ['たすけあい ジュニア20コース', 'たすけあい 医療コース', 'あいぷらす', '火災共済'];

export const demoSystemFiles = (dir: string) => ({ ordering: join(dir, 'ordering.db'), kyosai: join(dir, 'kyosai.db') });

/** Creates the two demo systems' databases in `dir` (replacing any left from before) for members 1…`members`. */
export function createDemoSystems(dir: string, members: number): { ordering: string; kyosai: string } {
  mkdirSync(dir, { recursive: true });
  const files = demoSystemFiles(dir);
  const count = Math.min(members, DEMO_SYSTEM_MEMBERS);
  createOrdering(files.ordering, count);
  createKyosai(files.kyosai, count);
  return files;
}

function fresh(file: string): BetterSqlite3.Database {
  for (const side of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${side}`, { force: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  return db;
}

function createOrdering(file: string, count: number): void {
  const db = fresh(file);
  try {
    db.exec(`
      create table customers (
        id integer primary key, member_code text not null unique, shimei text not null, furigana text,
        tel text, mail text, yubin text, jusho text, registered_on text not null);
      create table orders (
        id integer primary key, customer_id integer not null references customers(id), ordered_on text not null,
        delivery_slot text not null, ship_to text not null, total_yen integer not null);
      create index orders_customer on orders(customer_id);
      create table order_lines (
        id integer primary key, order_id integer not null references orders(id), jan_code text not null,
        product text not null, qty integer not null, price_yen integer not null);
      create index order_lines_order on order_lines(order_id);`);
    const customer = db.prepare('insert into customers values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const order = db.prepare('insert into orders values (?, ?, ?, ?, ?, ?)');
    const line = db.prepare('insert into order_lines values (?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      let orderId = 0;
      let lineId = 0;
      for (let i = 1; i <= count; i++) {
        const m = syntheticMember(i);
        const r = rng(7_000_000 + i);
        customer.run(
          i,
          m.member_code,
          m.name,
          m.name_kana,
          m.phone?.replaceAll('-', '') ?? null,
          m.email,
          m.postal_code,
          m.address,
          m.join_date,
        );
        // Three years of weekly deliveries, some weeks skipped: about 100 orders of one to four lines.
        for (let week = 0; week < 156; week++) {
          if (r() < 0.35) continue;
          const day = new Date(Date.UTC(2023, 11, 4) + week * 7 * 86_400_000).toISOString().slice(0, 10);
          orderId++;
          const lines = Array.from({ length: 1 + Math.floor(r() * 4) }, () => {
            const [jan, name, price] = products[Math.floor(r() * products.length)]!;
            return { jan, name, price, qty: 1 + Math.floor(r() * 3) };
          });
          const total = lines.reduce((sum, l) => sum + l.qty * l.price, 0);
          order.run(orderId, i, day, slots[Math.floor(r() * slots.length)]!, `${m.postal_code ?? ''} ${m.address ?? ''}`.trim(), total);
          for (const l of lines) line.run(++lineId, orderId, l.jan, l.name, l.qty, l.price);
        }
      }
    })();
  } finally {
    db.close();
  }
}

function createKyosai(file: string, count: number): void {
  const db = fresh(file);
  try {
    db.exec(`
      create table keiyaku (
        keiyaku_no text primary key, kumiaiin_cd text not null, keiyakusha_mei text not null, seinengappi text,
        renrakusaki text, plan text not null, kaishi_bi text not null);
      create index keiyaku_member on keiyaku(kumiaiin_cd);
      create table kyufu (
        id integer primary key, keiyaku_no text not null references keiyaku(keiyaku_no), shiharai_bi text not null,
        kingaku integer not null, riyu text not null);`);
    const contract = db.prepare('insert into keiyaku values (?, ?, ?, ?, ?, ?, ?)');
    const claim = db.prepare('insert into kyufu values (?, ?, ?, ?, ?)');
    db.transaction(() => {
      let claimId = 0;
      for (let i = 1; i <= count; i++) {
        const r = rng(9_000_000 + i);
        // About a third of the members hold a 共済 contract; the first member always does (the demo's journeys).
        if (i > 1 && r() > 0.33) continue;
        const m = syntheticMember(i);
        const no = `K${String(i).padStart(8, '0')}`;
        contract.run(no, m.member_code, m.name, m.birth_date, m.phone, plans[Math.floor(r() * plans.length)]!, m.join_date);
        const claims = Math.floor(r() * 3);
        for (let c = 0; c < claims; c++) {
          claim.run(
            ++claimId,
            no,
            `202${4 + c}-0${1 + Math.floor(r() * 9)}-15`,
            (1 + Math.floor(r() * 20)) * 5000,
            r() < 0.5 ? '入院' : '通院',
          );
        }
      }
    })();
  } finally {
    db.close();
  }
}

const KEEP_ORDERS = '取引の記録（帳簿書類）として法人税法により7年間保存';
const KEEP_KYOSAI = '共済契約の記録として契約の終了後10年間保存（共済事業規約）';

/** The two systems' dataset maps, in the demo policy's registers (items and purposes of the Miyagi preset). */
export function demoSystemsMap(): NonNullable<PolicyDocumentInput['systems']> {
  return [
    {
      code: 'ordering',
      name: '注文システム（デモ）',
      name_en: 'Ordering system (demo)',
      kind: 'sqlite',
      owner: '物流部',
      country: 'JP',
      description: '宅配の注文・お届けの記録。',
      tables: [
        {
          table: 'customers',
          key: 'id',
          link: { column: 'member_code', identity: 'member_code' },
          columns: [
            { column: 'member_code', item: 'member_code', erase: 'keep', keep_rule: KEEP_ORDERS, correct: false },
            { column: 'shimei', item: 'name', erase: 'mask' },
            { column: 'furigana', item: 'name_kana', erase: 'set_null' },
            { column: 'tel', item: 'phone', erase: 'set_null' },
            { column: 'mail', item: 'email', erase: 'set_null' },
            { column: 'yubin', item: 'postal_code', erase: 'set_null' },
            { column: 'jusho', item: 'address', erase: 'set_null' },
          ],
          purposes: ['P01', 'P02', 'P03'],
        },
        {
          table: 'orders',
          key: 'id',
          via: { table: 'customers', column: 'customer_id', references: 'id' },
          columns: [{ column: 'ship_to', item: 'address', erase: 'mask', correct: false }],
          purposes: ['P02', 'P03'],
        },
        {
          table: 'order_lines',
          key: 'id',
          via: { table: 'orders', column: 'order_id', references: 'id' },
          columns: [{ column: 'product', item: 'purchase_history', erase: 'keep', keep_rule: KEEP_ORDERS, correct: false }],
          purposes: ['P03', 'P06'],
        },
      ],
    },
    {
      code: 'kyosai',
      name: '共済システム（デモ）',
      name_en: 'Kyosai system (demo)',
      kind: 'sqlite',
      owner: '共済部',
      country: 'JP',
      description: '共済の契約と給付の記録。',
      tables: [
        {
          table: 'keiyaku',
          key: 'keiyaku_no',
          link: { column: 'kumiaiin_cd', identity: 'member_code' },
          columns: [
            { column: 'keiyakusha_mei', item: 'name', erase: 'keep', keep_rule: KEEP_KYOSAI },
            { column: 'seinengappi', item: 'birth_date', erase: 'keep', keep_rule: KEEP_KYOSAI },
            { column: 'renrakusaki', item: 'phone', erase: 'set_null' },
          ],
          purposes: ['P14', 'P15'],
        },
        {
          table: 'kyufu',
          key: 'id',
          via: { table: 'keiyaku', column: 'keiyaku_no', references: 'keiyaku_no' },
          columns: [],
          purposes: ['P14', 'P15'],
        },
      ],
    },
  ];
}

/** Registers how mamori opens the demo systems (the SQLite files in `dir`), in the seed's transaction. */
export async function registerDemoSystems(tx: Tx, keys: KeyRing, orgId: string, dir: string, now: Date): Promise<void> {
  const files = demoSystemFiles(resolve(dir));
  const systems = [
    { code: 'ordering', name: '注文システム（デモ）', file: files.ordering },
    { code: 'kyosai', name: '共済システム（デモ）', file: files.kyosai },
  ];
  for (const s of systems) {
    await tx
      .insertInto('connected_systems')
      .values({
        id: randomUUID(),
        org_id: orgId,
        code: s.code,
        name: s.name,
        kind: 'sqlite',
        ...sealSettings(keys, { file: s.file }, undefined),
        status: 'unchecked',
        last_checked_at: null,
        last_error: null,
        version: 1,
        created_at: iso(now),
        updated_at: iso(now),
      })
      .execute();
  }
}
