/**
 * A request reaches a system that cannot be queried, end to end: the task layer, the real drop-folder connector
 * and a real SFTP server on loopback (the `ssh2` package's own), and on the other side the system's nightly batch
 * (test/support/drop-folder-batch.ts) that knows nothing of mamori but the file protocol. The deletion is planned
 * from the map, approved, its instruction written once; the task waits without using attempts until the batch has
 * run, then verifies the answer and is done; the welfare system's row is as planned. A disclosure waits the same
 * way and gathers the rows the answer lists.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertConnection, mapSystems } from '../../../test/support/connected-systems.ts';
import { runDropBatch } from '../../../test/support/drop-folder-batch.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { startSftpServer, type TestSftpServer } from '../../../test/support/sftp-server.ts';
import { systemSchema } from '../policy/document.ts';
import { fileRequest, stepRequest } from '../requests/requests.ts';
import { approveTasks } from './approve-tasks.ts';
import { SystemTaskWorker } from './worker.ts';

const FOLDER = '/drop/welfare';
const PENDING_MS = 60_000;

describe('a deletion and a disclosure through a real SFTP drop folder', () => {
  let f: Fixture;
  let server: TestSftpServer;
  let work: string;
  let welfare: BetterSqlite3.Database;
  let now = new Date('2026-11-24T03:00:00Z');
  const clock = () => now;
  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  const worker = () => new SystemTaskWorker(f.ctx, { pollMs: 1000, leaseMs: 60_000, pendingMs: PENDING_MS });
  const batch = () => runDropBatch(join(server.root, FOLDER), welfare);

  beforeAll(async () => {
    server = await startSftpServer();
    mkdirSync(join(server.root, FOLDER), { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'mamori-welfare-'));
    welfare = new BetterSqlite3(join(work, 'welfare.db'));
    welfare.exec(`
      create table kaiin (id integer primary key, kumiaiin_cd text, shimei text, tel text);
      create table riyou (id integer primary key, kaiin_id integer references kaiin(id), service text);
      insert into kaiin values (1, '1000001', '試験 花子', '09000001234'), (2, '1000002', '見本 太郎', '09000005678');
      insert into riyou values (1, 1, '配食サービス'), (2, 1, '見守り'), (3, 2, '配食サービス');`);
    f = await demoFixture('sqlite', { clock, members: 4 });
    const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
    const settings = {
      host: '127.0.0.1',
      port: server.port,
      user: server.user,
      secret: server.password,
      folder: FOLDER,
      timeoutSeconds: 10,
    };
    await insertConnection(f.ctx, { orgId: org.id, code: 'welfare', name: '福祉システム', kind: 'sftp_drop', settings });
    await mapSystems(f.ctx, org.id, [
      systemSchema.parse({
        code: 'welfare',
        name: '福祉システム',
        kind: 'sftp_drop',
        tables: [
          {
            table: 'kaiin',
            link: { column: 'kumiaiin_cd', identity: 'member_code' },
            columns: [
              { column: 'shimei', item: 'name', erase: 'mask' },
              { column: 'tel', item: 'phone', erase: 'set_null' },
            ],
          },
          {
            table: 'riyou',
            via: { table: 'kaiin', column: 'kaiin_id', references: 'id' },
            columns: [{ column: 'service', item: 'name', erase: 'delete_row' }],
          },
        ],
      }),
    ]);
  });
  afterAll(async () => {
    await f?.dispose();
    welfare?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const task = (requestId: string) =>
    f.ctx.db.selectFrom('system_tasks').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();

  it('a deletion: instruction written once, waits for the batch without attempts, then verified and done', async () => {
    const officer = await f.actor('officer');
    let r = await fileRequest(f.ctx, officer, { memberId: await f.memberId('1000001'), kind: 'deletion', detail: {}, channel: 'phone' });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'verify', identityMethod: 'callback', version: r.version });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'start', version: r.version });
    expect((await task(r.id)).state).toBe('planned');
    await approveTasks(f.ctx, { actor: officer, requestId: r.id });

    expect(await worker().poll()).toBe(1);
    let t = await task(r.id);
    expect(t).toMatchObject({ state: 'applied', error_code: null });
    expect(Number(t.attempts)).toBe(0);
    const instructions = readdirSync(join(server.root, FOLDER, 'out')).filter((n) => n.endsWith('.csv'));
    expect(instructions).toHaveLength(1);

    // The batch has not run: looked at again after the wait, still waiting, no second instruction.
    later(PENDING_MS);
    await worker().poll();
    t = await task(r.id);
    expect(t.state).toBe('applied');
    expect(Number(t.attempts)).toBe(0);
    expect(readdirSync(join(server.root, FOLDER, 'out')).filter((n) => n.endsWith('.csv'))).toEqual(instructions);

    // The system's batch runs; the next look verifies the answer.
    expect(batch()).toHaveLength(1);
    later(PENDING_MS);
    await worker().poll();
    t = await task(r.id);
    expect(t).toMatchObject({ state: 'done', error_code: null });
    expect(welfare.prepare('select shimei, tel from kaiin where id = 1').get()).toEqual({ shimei: '＊＊＊', tel: null });
    expect(welfare.prepare('select count(*) from riyou where kaiin_id = 1').pluck().get()).toBe(0);
    // The other member is untouched.
    expect(welfare.prepare('select shimei from kaiin where id = 2').pluck().get()).toBe('見本 太郎');
    expect(welfare.prepare('select count(*) from riyou where kaiin_id = 2').pluck().get()).toBe(1);
  });

  it('a disclosure waits queued and gathers the rows of the answer', async () => {
    const officer = await f.actor('officer');
    let r = await fileRequest(f.ctx, officer, { memberId: await f.memberId('1000002'), kind: 'disclosure', detail: {}, channel: 'phone' });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'verify', identityMethod: 'callback', version: r.version });
    r = await stepRequest(f.ctx, officer, r.id, { step: 'start', version: r.version });
    await worker().poll();
    expect((await task(r.id)).state).toBe('queued');
    expect(batch()).toHaveLength(1);
    later(PENDING_MS);
    await worker().poll();
    const t = await task(r.id);
    expect(t.state).toBe('done');
    const found = JSON.parse(f.ctx.keys.decrypt(t.result_enc!)) as { table: string; rows: Record<string, string | null>[] }[];
    expect(found.find((x) => x.table === 'kaiin')?.rows).toEqual([
      expect.objectContaining({ kumiaiin_cd: '1000002', shimei: '見本 太郎' }),
    ]);
    expect(found.find((x) => x.table === 'riyou')?.rows).toHaveLength(1);
  });
});
