/**
 * Fault tests of a real `mamori serve` process (docs/operations.md, "Faults"), on SQLite and PostgreSQL:
 *  - an audit burst: many concurrent audited reads, the server SIGKILLed mid-burst; after a restart every read
 *    that got a 2xx answer has its entry and `mamori audit verify` passes (PostgreSQL: the test holds the chain
 *    head, so the killed server's entries are all still queued when it dies and the restarted server's
 *    sequencer chains them);
 *  - a request's answer: killed while the answer's mails are being sent (after the commit), and on PostgreSQL
 *    also while the answer's transaction waits inside (a row lock held by the test); after the restart the
 *    effects are applied exactly once;
 *  - a database connection cut mid-transaction (PostgreSQL): the server's backend terminated while a write
 *    waits on a lock; the request gets a 5xx, the server keeps serving, nothing is half-written.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/app/context.ts';
import { type DialectName, type OpenedDatabase, openDatabase } from '../../src/db/database.ts';
import { loadKeyRing } from '../../src/modules/crypto/data-keys.ts';
import { DEMO_ORG } from '../../src/modules/demo/seed.ts';
import { SystemTaskWorker } from '../../src/modules/system-tasks/worker.ts';
import { availableDialects, postgresUrl } from '../support/db.ts';
import { FakeSmtp } from '../support/fake-smtp.ts';
import { Browser, type Installation, newInstallation, runToEnd, type Server, startServer } from '../support/mamori-process.ts';

const BURST_REQUESTS = 400;
const BURST_CONCURRENCY = 16;
/** The server is killed once this many reads were answered 2xx. */
const KILL_AFTER_OK = 120;

describe.each(availableDialects())('faults of a mamori server on %s', (dialect: DialectName) => {
  let inst: Installation;
  let smtp: FakeSmtp;
  let server: Server | undefined;
  let db: OpenedDatabase;
  let totp: Record<string, string>;
  let memberIds: string[];

  const up = async () => {
    if (!server || server.child.exitCode !== null || server.child.signalCode !== null) server = await startServer(inst);
    return server;
  };
  const count = async (table: 'audit_log' | 'audit_queue', where: Record<string, string> = {}) => {
    let q = db.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n'));
    for (const [k, v] of Object.entries(where)) q = q.where(k as never, '=', v as never);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  /** Entries whose detail names `request` (and the mail `template`); JSON text on either dialect. */
  const requestEntries = async (action: string, requestId: string, template?: string) =>
    (await db.db.selectFrom('audit_log').select('detail').where('action', '=', action).execute()).filter((r) => {
      const detail = r.detail ? (JSON.parse(r.detail) as { request?: string; template?: string }) : {};
      return detail.request === requestId && (template === undefined || detail.template === template);
    }).length;
  /**
   * The officer, signed in once (a TOTP code is accepted once, so a second sign-in within its 30 s would be
   * refused): the session is a row and the port stays, so the cookie works on the restarted server too.
   */
  let officerBrowser: Browser | undefined;
  const officer = async () => {
    const s = await up();
    if (!officerBrowser) {
      officerBrowser = new Browser(s.base);
      await officerBrowser.signIn('officer', totp.officer);
    }
    return officerBrowser;
  };
  /** PostgreSQL: waits until the queue is empty, chained by a running server's sequencer (never by this test). */
  const queueChained = async () => {
    if (dialect !== 'postgres') return;
    const deadline = Date.now() + 20_000;
    while ((await count('audit_queue')) > 0) {
      if (Date.now() > deadline) throw new Error('the restarted server did not chain the queued audit entries');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const verify = () => {
    const r = runToEnd(inst, ['audit', 'verify', '--json']);
    expect(r.code, r.err).toBe(0);
    return JSON.parse(r.out) as { ok: boolean; entries: number };
  };
  /** PostgreSQL: a connection of the test's own, in a transaction, holding `lockSql`; the backends it blocks. */
  const holdLock = async (lockSql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: inst.url });
    await client.connect();
    await client.query('begin');
    await client.query(lockSql, params);
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const holder = rows[0]!.pid;
    return {
      /** Waits until a backend waits on this lock; its pid. */
      blocked: async (): Promise<number> => {
        const deadline = Date.now() + 15_000;
        for (;;) {
          // pg_stat_activity is read once per transaction: clear the snapshot of the holder's transaction.
          await client.query('select pg_stat_clear_snapshot()');
          const r = await client.query<{ pid: number }>('select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [holder]);
          if (r.rows[0]) return r.rows[0].pid;
          if (Date.now() > deadline) throw new Error('nothing waited on the lock');
          await new Promise((res) => setTimeout(res, 20));
        }
      },
      release: async () => {
        await client.query('rollback');
        await client.end();
      },
    };
  };
  /** PostgreSQL: waits until backend `pid` is gone (its transaction rolled back). */
  const backendGone = async (pid: number) => {
    const admin = new pg.Client({ connectionString: postgresUrl()! });
    await admin.connect();
    try {
      const deadline = Date.now() + 15_000;
      while ((await admin.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount) {
        if (Date.now() > deadline) throw new Error(`backend ${pid} still there`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await admin.end();
    }
  };

  beforeAll(async () => {
    smtp = new FakeSmtp();
    await smtp.start();
    inst = await newInstallation(dialect, { MAMORI_SMTP_URL: smtp.url });
    server = await startServer(inst); // seeds the demo co-op
    totp = server.totp;
    expect(totp.officer).toBeTruthy();
    db = openDatabase(inst.url);
    const org = await db.db.selectFrom('organizations').select('id').where('code', '=', DEMO_ORG).executeTakeFirstOrThrow();
    memberIds = (
      await db.db
        .selectFrom('members')
        .select('id')
        .where('org_id', '=', org.id)
        .where('erased_at', 'is', null)
        .orderBy('member_code')
        .execute()
    ).map((r) => r.id);
    expect(memberIds.length).toBeGreaterThanOrEqual(10);
  }, 90_000);
  afterAll(async () => {
    await server?.kill();
    await db?.close();
    await smtp?.close();
    inst?.dispose();
  });

  it('killed mid-burst of audited reads: after a restart every 2xx read has its entry and audit verify passes', async () => {
    const s = await up();
    const staff = new Browser(s.base);
    await staff.signIn('staff');
    const staffId = (await db.db.selectFrom('users').select('id').where('login', '=', 'staff').executeTakeFirstOrThrow()).id;
    const before = new Map<string, number>();
    const entriesOf = async () => {
      const rows = await db.db
        .selectFrom('audit_log')
        .select(['member_id', (eb) => eb.fn.countAll().as('n')])
        .where('action', '=', 'member.read')
        .where('outcome', '=', 'allowed')
        .where('actor_id', '=', staffId)
        .groupBy('member_id')
        .execute();
      return new Map(rows.map((r) => [r.member_id!, Number(r.n)]));
    };
    for (const [k, v] of await entriesOf()) before.set(k, v);
    // PostgreSQL: the chain head held, so no batch is chained until the server is dead.
    const head = dialect === 'postgres' ? await holdLock('select * from audit_head where id = 1 for update') : undefined;

    const ok = new Map<string, number>();
    let okTotal = 0;
    let failed = 0;
    let next = 0;
    let killed: Promise<NodeJS.Signals | null> | undefined;
    const worker = async () => {
      while (!killed && next < BURST_REQUESTS) {
        const id = memberIds[next++ % memberIds.length]!;
        try {
          const r = await staff.get(`/api/v1/members/${id}?purpose=P04`);
          if (r.status === 200) {
            ok.set(id, (ok.get(id) ?? 0) + 1);
            okTotal += 1;
            if (okTotal === KILL_AFTER_OK) killed = s.kill();
          } else failed += 1;
        } catch {
          failed += 1; // the connection died with the server
        }
      }
    };
    await Promise.all(Array.from({ length: BURST_CONCURRENCY }, worker));
    expect(await killed).toBe('SIGKILL');
    expect(okTotal).toBeGreaterThanOrEqual(KILL_AFTER_OK);
    expect(next).toBeLessThan(BURST_REQUESTS); // killed mid-burst, not after it
    expect(okTotal + failed).toBe(next); // every read sent was answered or cut off
    if (head) {
      expect(await count('audit_queue')).toBeGreaterThanOrEqual(okTotal);
      await head.release();
    }

    await up();
    await queueChained();
    const after = await entriesOf();
    for (const [id, n] of ok) expect(after.get(id) ?? 0, `reads of ${id}`).toBeGreaterThanOrEqual((before.get(id) ?? 0) + n);
    // Not more entries than reads were sent (none chained twice).
    const added = [...after].reduce((sum, [id, n]) => sum + n - (before.get(id) ?? 0), 0);
    expect(added).toBeLessThanOrEqual(next);
    expect(added).toBeGreaterThanOrEqual(okTotal);
    expect(verify().ok).toBe(true);
  }, 60_000);

  /**
   * A member with an e-mail address and a correction request for it (a new phone number), filed and approved
   * over HTTP, ready to be answered. (A correction, not a deletion: a deletion erases the address the answer
   * would be mailed to.)
   */
  const approvedCorrection = async (officer: Browser, index: number) => {
    const member = await db.db
      .selectFrom('members')
      .select(['id', 'member_code', 'version'])
      .where('id', 'in', memberIds)
      .where('email', 'is not', null)
      .orderBy('member_code')
      .limit(1)
      .offset(index)
      .executeTakeFirstOrThrow();
    let r = await officer.post('/api/v1/requests', {
      channel: 'phone',
      member_id: member.id,
      kind: 'correction',
      detail: { changes: { phone: `090-0000-${String(1000 + index)}` } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    for (const step of [{ step: 'verify', identity_method: 'callback' }, { step: 'start' }, { step: 'approve' }]) {
      r = await officer.post(`/api/v1/requests/${r.body.id}/steps`, { version: r.body.version, ...step });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    // The demo's connected systems hold the member too: their correction tasks are approved and run here (the
    // server's worker is off, MAMORI_JOBS=off), so that the answer is not held back by them (system_tasks_open).
    const approved = await officer.post(`/api/v1/requests/${r.body.id}/system-tasks/approve`, {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const ctx = createContext({
      db: db.db,
      dialect: db.dialect,
      ...(db.sqlite ? { sqlite: db.sqlite } : {}),
      keys: loadKeyRing(join(inst.dir, 'keys.json'), {}),
    });
    await new SystemTaskWorker(ctx, { pollMs: 1000, leaseMs: 60_000 }).poll();
    const open = await db.db
      .selectFrom('system_tasks')
      .select('state')
      .where('request_id', '=', String(r.body.id))
      .where('state', '!=', 'done')
      .execute();
    expect(open).toEqual([]);
    return { member, request: r.body as { id: string; version: number } };
  };
  const requestState = async (id: string) =>
    (await db.db.selectFrom('subject_requests').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  const memberRow = (memberId: string) =>
    db.db.selectFrom('members').select(['phone', 'version']).where('id', '=', memberId).executeTakeFirstOrThrow();

  it('killed while an answered correction sends its mails: after a restart the effects are there once, and cannot be applied again', async () => {
    const s = await up();
    const { member, request } = await approvedCorrection(await officer(), 0);
    const sending = smtp.hold();
    const answer = (await officer())
      .post(`/api/v1/requests/${request.id}/steps`, { version: request.version, step: 'answer' })
      .catch(() => null);
    await sending; // the first mail is being sent: the answer has committed
    expect(await s.kill()).toBe('SIGKILL');
    expect(await answer).toBeNull(); // no answer reached the officer
    smtp.release();

    await up();
    await queueChained();
    expect(await requestState(request.id)).toBe('answered');
    // Corrected once: one version more, one effect entry.
    expect(await memberRow(member.id)).toEqual({ phone: '090-0000-1000', version: member.version + 1 });
    expect(await requestEntries('request.effect', request.id)).toBe(1);
    // The answer's mail was lost with the process: sent after the commit, at most once (docs/operations.md).
    expect(await requestEntries('notify.sent', request.id, 'request.answer')).toBe(0);
    expect(await requestEntries('notify.sent', request.id, 'request.file')).toBe(1);

    // The officer, seeing no answer, tries again: refused, nothing applied twice.
    const retry = await (await officer()).post(`/api/v1/requests/${request.id}/steps`, { version: request.version, step: 'answer' });
    expect(retry.status).toBe(409);
    expect(await requestEntries('request.effect', request.id)).toBe(1);
    expect((await memberRow(member.id)).version).toBe(member.version + 1);
    expect(verify().ok).toBe(true);
  }, 60_000);

  if (dialect === 'postgres') {
    it('killed inside the answer’s transaction: nothing applied; after a restart the answer applies its effects once', async () => {
      const s = await up();
      const { member, request } = await approvedCorrection(await officer(), 1);
      const unchanged = await memberRow(member.id);
      const lock = await holdLock('select * from members where id = $1 for update', [member.id]);
      const answer = (await officer())
        .post(`/api/v1/requests/${request.id}/steps`, { version: request.version, step: 'answer' })
        .catch(() => null);
      const waiting = await lock.blocked(); // the answer's transaction is erasing the member
      expect(await s.kill()).toBe('SIGKILL');
      expect(await answer).toBeNull();
      await lock.release();
      await backendGone(waiting);

      expect(await requestState(request.id)).toBe('approved');
      expect(await memberRow(member.id)).toEqual(unchanged);
      expect(await requestEntries('request.effect', request.id)).toBe(0);

      await up();
      const retry = await (await officer()).post(`/api/v1/requests/${request.id}/steps`, { version: request.version, step: 'answer' });
      expect(retry.status, JSON.stringify(retry.body)).toBe(200);
      await queueChained();
      expect(await requestState(request.id)).toBe('answered');
      expect(await memberRow(member.id)).toEqual({ phone: '090-0000-1001', version: member.version + 1 });
      expect(await requestEntries('request.effect', request.id)).toBe(1);
      expect(await requestEntries('notify.sent', request.id, 'request.answer')).toBe(1);
      expect(verify().ok).toBe(true);
    }, 60_000);

    it('a connection cut mid-transaction: that request gets a 5xx, the server keeps serving, nothing is half-written', async () => {
      const s = await up();
      const service = new Browser(s.base);
      await service.signIn('service');
      const id = memberIds[memberIds.length - 1]!;
      const row = () => db.db.selectFrom('members').select(['phone', 'note', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
      const original = await row();
      const updates = async () => count('audit_log', { action: 'member.update', member_id: id });
      const updatesBefore = await updates();

      const lock = await holdLock('select * from members where id = $1 for update', [id]);
      const write = service.request('PATCH', `/api/v1/members/${id}`, { purpose: 'P01', changes: { note: '障害試験 1' } });
      const waiting = await lock.blocked();
      const admin = new pg.Client({ connectionString: postgresUrl()! });
      await admin.connect();
      await admin.query('select pg_terminate_backend($1)', [waiting]);
      await admin.end();
      await lock.release();
      const cut = await write.catch((e: unknown) => {
        throw new Error(`the server closed the connection (${String(e)}):\n${s.output()}`);
      });
      expect(cut.status).toBeGreaterThanOrEqual(500);
      expect(cut.status).toBeLessThan(600);
      expect(await row()).toEqual(original);

      // The same server goes on serving: reads and writes.
      expect((await service.get(`/api/v1/members/${id}?purpose=P01`)).status).toBe(200);
      const ok = await service.request('PATCH', `/api/v1/members/${id}`, { purpose: 'P01', changes: { note: '障害試験 2' } });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(s.child.exitCode).toBeNull();
      await queueChained();
      expect(await row()).toMatchObject({ note: '障害試験 2', version: original.version + 1 });
      expect(await updates()).toBe(updatesBefore + 1);
      expect(verify().ok).toBe(true);
    }, 60_000);
  }
});
