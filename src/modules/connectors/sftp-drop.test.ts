/**
 * The drop-folder connector against a real SFTP server on loopback (the `ssh2` package's Server, password and key
 * authentication, test/support/sftp-server.ts) and a "system side" batch (test/support/drop-folder-batch.ts) that
 * carries the instructions out on the system's own SQLite database and writes the answers. Synthetic people only.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDropBatch } from '../../../test/support/drop-folder-batch.ts';
import { startSftpServer, type TestSftpServer } from '../../../test/support/sftp-server.ts';
import { AppError } from '../../base/errors.ts';
import { MASK } from '../../contract/connector-vocabulary.ts';
import { systemSchema } from '../policy/document.ts';
import { AnswerPending, type Connector, type PersonIdentities, type Plan } from './connector.ts';
import { answerFile, type DropPlan, instructionFile, UNKNOWN_ROWS } from './drop-protocol.ts';
import { openConnector } from './kinds.ts';
import { hostKeyFingerprint, openSftpDrop, type SftpDropConnector, type SftpDropSettings } from './sftp-drop.ts';

/** A welfare contractor's system: customers by member code, their orders and lines, deliveries by phone. */
const map = systemSchema.parse({
  code: 'welfare',
  name: '福祉サービス（委託先）',
  kind: 'sftp_drop',
  tables: [
    {
      table: 'customers',
      key: 'id',
      link: { column: 'member_code', identity: 'member_code' },
      columns: [
        { column: 'member_code', item: 'member_code', erase: 'keep', keep_rule: '生協法: 出資金の記録' },
        { column: 'name', item: 'name', erase: 'mask' },
        { column: 'phone', item: 'phone', erase: 'set_null' },
        { column: 'email', item: 'email', erase: 'set_null' },
      ],
    },
    {
      table: 'orders',
      key: 'order_no',
      via: { table: 'customers', column: 'customer_id', references: 'id' },
      columns: [
        { column: 'delivery_address', item: 'address', erase: 'set_null' },
        { column: 'total', item: 'purchase_history', erase: 'keep', keep_rule: '法人税法: 帳簿書類 7年', correct: false },
      ],
    },
    {
      table: 'order_lines',
      key: 'line_id',
      via: { table: 'orders', column: 'order_no', references: 'order_no' },
      columns: [{ column: 'gift_message', item: 'gift_message', erase: 'delete_row' }],
    },
    {
      table: 'deliveries',
      key: 'delivery_id',
      link: { column: 'phone', identity: 'phone' },
      columns: [
        { column: 'phone', item: 'phone', erase: 'delete_row' },
        { column: 'recipient', item: 'name', erase: 'delete_row' },
      ],
    },
  ],
});

const person: PersonIdentities = { member_code: 'M900001', email: 'Hanako.Test@Example.jp', phone: '090-0000-1234' };

let server: TestSftpServer;
let work: string;
let system: BetterSqlite3.Database;
const folder = '/drop/welfare';
const open: Connector[] = [];

const settings = (extra: Partial<SftpDropSettings> = {}): SftpDropSettings => ({
  host: '127.0.0.1',
  port: server.port,
  user: server.user,
  secret: server.password,
  folder,
  timeoutSeconds: 5,
  ...extra,
});

async function connect(extra: Partial<SftpDropSettings> = {}): Promise<SftpDropConnector> {
  const c = await openSftpDrop(settings(extra), { code: 'welfare' });
  open.push(c);
  return c;
}

/** What a call threw, for `expect`. */
async function thrown(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

const onDisk = (relative: string) => join(server.root, folder, relative);
const batch = (opts: Parameters<typeof runDropBatch>[2] = {}) => runDropBatch(join(server.root, folder), system, opts);

function seedSystem(): void {
  system.exec(`
    drop table if exists customers; drop table if exists orders; drop table if exists order_lines; drop table if exists deliveries;
    create table customers (id integer primary key, member_code text, name text, phone text, email text);
    create table orders (order_no text primary key, customer_id integer, delivery_address text, total integer);
    create table order_lines (line_id integer primary key, order_no text, product text, gift_message text);
    create table deliveries (delivery_id integer primary key, phone text, recipient text);
    insert into customers values (1, 'M900001', '試験 花子', '09000001234', 'hanako.test@example.jp'),
                                 (2, 'M900002', '見本 太郎', '09000005678', 'taro.sample@example.jp');
    insert into orders values ('A-1', 1, '東京都千代田区試験1-1', 1200), ('A-2', 1, '東京都千代田区試験1-1', 800),
                              ('B-1', 2, '大阪府大阪市見本2-2', 500);
    insert into order_lines values (1, 'A-1', 'りんご', 'お誕生日おめでとう'), (2, 'A-1', 'みかん', null),
                                   (3, 'A-2', 'たまご', null), (4, 'B-1', 'ぎゅうにゅう', 'よろしく');
    insert into deliveries values (1, '090-0000-1234', '試験 花子'), (2, '09000005678', '見本 太郎');
  `);
}

beforeAll(async () => {
  server = await startSftpServer();
  work = mkdtempSync(join(tmpdir(), 'mamori-drop-system-'));
  system = new BetterSqlite3(join(work, 'welfare.db'));
});

beforeEach(() => {
  rmSync(join(server.root, 'drop'), { recursive: true, force: true });
  mkdirSync(join(server.root, folder), { recursive: true });
  server.log.length = 0;
  seedSystem();
});

afterAll(async () => {
  for (const c of open) await c.close();
  system?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('erasure through a drop folder', () => {
  it('plans from the map alone: rows unknown, deepest tables first, the legal retention kept', async () => {
    const c = await connect();
    const plan = (await c.plan(map, person, { kind: 'erase' })) as DropPlan;
    expect(plan.rows).toBe(UNKNOWN_ROWS);
    expect(plan.steps.map((s) => [s.table, s.action])).toEqual([
      ['order_lines', 'delete'],
      ['orders', 'update'],
      ['customers', 'update'],
      ['deliveries', 'delete'],
    ]);
    expect(plan.steps.every((s) => s.keys.length === 0)).toBe(true);
    expect(plan.steps[1]?.set).toEqual({ delivery_address: null });
    expect(plan.steps[2]?.set).toEqual({ name: MASK, phone: null, email: null });
    expect(plan.kept.map((k) => [k.table, k.column, k.rows, k.rule])).toEqual([
      ['orders', 'total', UNKNOWN_ROWS, '法人税法: 帳簿書類 7年'],
      ['customers', 'member_code', UNKNOWN_ROWS, '生協法: 出資金の記録'],
    ]);
    // Planning does not touch the folder.
    expect(server.log).toEqual([]);
    // The same work has the same id; another person's has another.
    expect(((await c.plan(map, person, { kind: 'erase' })) as DropPlan).drop.id).toBe(plan.drop.id);
    expect(((await c.plan(map, { member_code: 'M900002' }, { kind: 'erase' })) as DropPlan).drop.id).not.toBe(plan.drop.id);
    // A reference (the task's id) tells the same work asked again apart.
    const again = (await c.plan(map, person, { kind: 'erase' }, { reference: 'task-2' })) as DropPlan;
    expect(again.drop.id).not.toBe(plan.drop.id);
    expect(again.drop.reference).toBe('task-2');
  });

  it('writes the instruction atomically and idempotently, waits for the answer, then reads it back', async () => {
    const c = await connect();
    const plan = (await c.plan(map, person, { kind: 'erase' })) as DropPlan;
    const file = instructionFile(plan.drop.id);

    expect(await c.apply(plan)).toEqual({ changed: UNKNOWN_ROWS });
    const first = readFileSync(onDisk(file));
    // Written under a temporary name, then renamed into place: the batch never sees half a file.
    const target = `${folder}/${file}`;
    expect(server.log.some((l) => l === `write ${target}`)).toBe(false);
    const rename = server.log.find((l) => l.startsWith('rename '));
    expect(rename).toMatch(new RegExp(`^rename ${folder}/out/\\.[^ ]+\\.tmp ${target}$`));

    const text = first.toString('utf8');
    expect(
      text.startsWith(
        '\ufeffstep,op,table,key,link_column,identity,identity_value,via_table,via_column,via_references,column,action,value,rule\r\n',
      ),
    ).toBe(true);
    expect(text).toContain(',find,customers,id,member_code,member_code,M900001,,,,,,,\r\n');
    expect(text).toContain(',find,deliveries,delivery_id,phone,phone,09000001234,,,,,,,\r\n');
    expect(text).toContain(',find,order_lines,line_id,,,,orders,order_no,order_no,,,,\r\n');
    expect(text).toContain('1,delete,order_lines,line_id,,,,,,,,delete_row,,\r\n');
    expect(text).toContain(`3,update,customers,id,,,,,,,name,mask,${MASK},\r\n`);
    expect(text).toContain('3,update,customers,id,,,,,,,phone,set_null,,\r\n');
    expect(text).toContain(',keep,orders,,,,,,,,total,keep,,法人税法: 帳簿書類 7年\r\n');

    // Twice: one file, the same content, nothing written.
    server.log.length = 0;
    expect(await c.apply(plan)).toEqual({ changed: 0 });
    expect(server.log).toEqual([]);
    expect(readdirSync(onDisk('out'))).toEqual([`${plan.drop.id}.csv`]);
    expect(readFileSync(onDisk(file)).equals(first)).toBe(true);

    // Pending until the system's batch has run, without an answer being invented.
    const pending = await thrown(() => c.verify(plan));
    expect(pending).toBeInstanceOf(AnswerPending);
    expect((pending as AnswerPending).file).toBe(answerFile(plan.drop.id));

    expect(batch()).toEqual([plan.drop.id]);
    expect(await c.verify(plan)).toEqual({ ok: true, differences: [] });

    // The system did what the instruction said, and nothing to the other member.
    expect(system.prepare('select order_no from order_lines order by line_id').pluck().all()).toEqual(['B-1']);
    expect(system.prepare('select order_no, delivery_address, total from orders order by order_no').all()).toEqual([
      { order_no: 'A-1', delivery_address: null, total: 1200 },
      { order_no: 'A-2', delivery_address: null, total: 800 },
      { order_no: 'B-1', delivery_address: '大阪府大阪市見本2-2', total: 500 },
    ]);
    expect(system.prepare('select * from customers where id = 1').get()).toEqual({
      id: 1,
      member_code: 'M900001',
      name: MASK,
      phone: null,
      email: null,
    });
    expect(system.prepare('select count(*) from deliveries').pluck().get()).toBe(1);

    // A re-run after a crash between applying and recording: the answer is back, nothing is written again.
    rmSync(onDisk(file));
    server.log.length = 0;
    expect(await c.apply(plan)).toEqual({ changed: 0 });
    expect(server.log).toEqual([]);

    // A plan with a reference applies and verifies as well (the reference is part of its id).
    const referenced = await c.plan(map, person, { kind: 'erase' }, { reference: 'task-2' });
    expect(await c.apply(referenced)).toEqual({ changed: UNKNOWN_ROWS });
    expect(await thrown(() => c.verify(referenced))).toBeInstanceOf(AnswerPending);
  });

  it('reports the steps the system failed as differences', async () => {
    const c = await connect();
    const plan = await c.plan(map, person, { kind: 'erase' });
    await c.apply(plan);
    batch({ fail: { 4: 'monthly close in progress' } });
    expect(await c.verify(plan)).toEqual({
      ok: false,
      differences: ['step 4: deliveries (delete) failed in the system: monthly close in progress'],
    });
  });

  it('a correction is an update of the mapped columns that take corrections', async () => {
    const c = await connect();
    const plan = await c.plan(map, person, { kind: 'correct', values: { phone: '08011112222', purchase_history: '0' } });
    expect(plan.steps.map((s) => [s.table, s.set])).toEqual([
      ['customers', { phone: '08011112222' }],
      ['deliveries', { phone: '08011112222' }],
    ]);
    await c.apply(plan);
    batch();
    expect(await c.verify(plan)).toEqual({ ok: true, differences: [] });
    expect(system.prepare('select phone from customers where id = 1').pluck().get()).toBe('08011112222');
  });

  it('a plan stored as JSON (as a task keeps it) applies the same; two workers at once leave one file', async () => {
    const [a, b] = [await connect(), await connect()];
    const plan = JSON.parse(JSON.stringify(await a.plan(map, person, { kind: 'erase' }))) as DropPlan;
    const results = await Promise.all([a.apply(plan), b.apply(plan)]);
    expect(results.map((r) => r.changed).sort()).toContain(UNKNOWN_ROWS);
    expect(readdirSync(onDisk('out'))).toEqual([`${plan.drop.id}.csv`]);
  });

  it('a server that stops answering mid-request is system_timeout', async () => {
    const c = await connect({ timeoutSeconds: 1 });
    const plan = await c.plan(map, person, { kind: 'erase' });
    server.stall(true);
    try {
      const started = Date.now();
      expect(((await thrown(() => c.apply(plan))) as AppError).code).toBe('system_timeout');
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      server.stall(false);
    }
  });

  it('refuses a plan altered after planning, or one of another kind', async () => {
    const c = await connect();
    const plan = (await c.plan(map, person, { kind: 'erase' })) as DropPlan;
    const altered: DropPlan = { ...plan, steps: plan.steps.slice(1) };
    expect(((await thrown(() => c.apply(altered))) as AppError).code).toBe('system_settings_invalid');
    const foreign: Plan = { system: 'welfare', steps: [], kept: [], rows: 0 };
    expect(((await thrown(() => c.verify(foreign))) as AppError).code).toBe('system_settings_invalid');
  });
});

describe('disclosure through a drop folder', () => {
  it('asks for the rows, waits, and reads them back (through link and via, phone by digits)', async () => {
    const c = await connect();
    const pending = await thrown(() => c.select(map, person));
    expect(pending).toBeInstanceOf(AnswerPending);
    const id = ((pending as AnswerPending).file.match(/^in\/(.+)\.answer\.csv$/) ?? [])[1] as string;
    expect(readFileSync(onDisk(instructionFile(id)), 'utf8')).toContain('1,select,customers,id,');
    // Asked again before the batch: the same instruction, still pending.
    expect(await thrown(() => c.select(map, person))).toBeInstanceOf(AnswerPending);
    expect(readdirSync(onDisk('out'))).toEqual([`${id}.csv`]);

    batch();
    const found = await c.select(map, person);
    expect(found.map((t) => [t.table, t.key, t.rows.length])).toEqual([
      ['customers', 'id', 1],
      ['deliveries', 'delivery_id', 1],
      ['orders', 'order_no', 2],
      ['order_lines', 'line_id', 3],
    ]);
    expect(found[0]?.rows[0]).toEqual({
      id: '1',
      member_code: 'M900001',
      name: '試験 花子',
      phone: '09000001234',
      email: 'hanako.test@example.jp',
    });
    expect(found[3]?.rows.find((r) => r.line_id === '2')?.gift_message).toBeNull();
  });

  it('a person the map cannot reach asks nothing', async () => {
    const c = await connect();
    expect(await c.select(map, {})).toEqual([]);
    expect(existsSync(onDisk('out'))).toBe(false);
  });

  it('a select step the system failed is system_step_failed with its reason', async () => {
    const c = await connect();
    await thrown(() => c.select(map, person));
    batch({ fail: { 2: 'table archived' } });
    const e = (await thrown(() => c.select(map, person))) as AppError;
    expect(e.code).toBe('system_step_failed');
    expect(e.message).toContain('step 2 (deliveries) failed: table archived');
  });
});

describe('a malformed answer is named by its line', () => {
  const cases: [string, string, RegExp][] = [
    ['an unknown status', 'step,status,table,rows\r\n1,done,order_lines,2\r\n2,ok,orders,2\r\n', /line 3: status "ok" is not one of/],
    ['a step the instruction lacks', 'step,status,table\r\n9,done,orders\r\n', /line 2: step "9" is not a step of the instruction/],
    ["another step's table", 'step,status,table\r\n1,done,orders\r\n', /line 2: the table is not step 1's table \(order_lines\)/],
    ['a missing column', 'step,state,table\r\n1,done,order_lines\r\n', /line 1: the header has no "status" column/],
    ['a broken quote', 'step,status,table\r\n1,done,order_lines\r\n2,"done,orders\r\n', /line 3: not valid CSV/],
    ['a step answered twice', 'step,status,table\r\n1,done,order_lines\r\n1,failed,order_lines\r\n', /line 3: step 1 is answered twice/],
    ['a count that is not a number', 'step,status,table,rows\r\n1,done,order_lines,two\r\n', /line 2: "rows" is not a whole number/],
    [
      'a step left unanswered',
      'step,status,table\r\n1,done,order_lines\r\n2,done,orders\r\n3,done,customers\r\n',
      /step 4 \(deliveries\) has no "done" or "failed" line/,
    ],
  ];
  it.each(cases)('%s', async (_, answer, message) => {
    const c = await connect();
    const plan = (await c.plan(map, person, { kind: 'erase' })) as DropPlan;
    await c.apply(plan);
    mkdirSync(onDisk('in'), { recursive: true });
    writeFileSync(onDisk(answerFile(plan.drop.id)), `\ufeff${answer}`);
    const e = (await thrown(() => c.verify(plan))) as AppError;
    expect(e.code).toBe('system_answer_invalid');
    expect(e.message).toMatch(message);
    expect(e.message).toContain(answerFile(plan.drop.id));
  });

  it('text that is not UTF-8 (a Shift_JIS line)', async () => {
    const c = await connect();
    const plan = (await c.plan(map, person, { kind: 'erase' })) as DropPlan;
    mkdirSync(onDisk('in'), { recursive: true });
    const sjis = Buffer.from([0x8a, 0xae, 0x97, 0xb9]); // 完了 in Shift_JIS
    writeFileSync(onDisk(answerFile(plan.drop.id)), Buffer.concat([Buffer.from('step,status,table,reason\r\n1,done,order_lines,'), sjis]));
    const e = (await thrown(() => c.verify(plan))) as AppError;
    expect(e.code).toBe('system_answer_invalid');
    expect(e.message).toMatch(/line 2: not UTF-8 text/);
  });
});

describe('connecting', () => {
  it('opens through the registry, with a password or a private key; describes no tables; cannot be sampled', async () => {
    const c = await openConnector('sftp_drop', settings(), { code: 'welfare' });
    open.push(c);
    expect(await c.describe()).toEqual([]);
    expect(((await thrown(() => c.sample())) as AppError).code).toBe('system_not_queryable');
    const byKey = await connect({ secret: server.privateKey });
    expect(await byKey.describe()).toEqual([]);
  });

  it('a wrong password is system_auth_failed, and the message holds no secret', async () => {
    const e = (await thrown(() => connect({ secret: 'wrong-password-123' }))) as AppError;
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('system_auth_failed');
    expect(e.message).not.toContain('wrong-password-123');
  });

  it('a private key that cannot be read is system_settings_invalid', async () => {
    const broken = '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n';
    const e = (await thrown(() => connect({ secret: broken }))) as AppError;
    expect(e.code).toBe('system_settings_invalid');
    expect(e.message).not.toContain('not a key');
  });

  it('a refused port is system_unreachable', async () => {
    const closed = await freePort();
    const e = (await thrown(() => connect({ port: closed }))) as AppError;
    expect(e.code).toBe('system_unreachable');
  });

  it('a server that never answers is system_timeout', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const started = Date.now();
      const e = (await thrown(() => connect({ port, timeoutSeconds: 1 }))) as AppError;
      expect(e.code).toBe('system_timeout');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });

  it('a missing folder is system_unreachable; bad settings are system_settings_invalid', async () => {
    expect(((await thrown(() => connect({ folder: '/drop/nowhere' }))) as AppError).code).toBe('system_unreachable');
    expect(((await thrown(() => connect({ host: '' }))) as AppError).code).toBe('system_settings_invalid');
    expect(((await thrown(() => connect({ port: 70000 }))) as AppError).code).toBe('system_settings_invalid');
  });

  it('a pinned host key must match', async () => {
    const good = hostKeyFingerprint(server.hostKey);
    expect(await (await connect({ hostKey: good })).describe()).toEqual([]);
    const e = (await thrown(() => connect({ hostKey: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }))) as AppError;
    expect(e.code).toBe('system_auth_failed');
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
