/**
 * A policy publication killed (SIGKILL) while `mamori policy import --publish` runs (docs/operations.md,
 * "Faults"): afterwards the version is either fully published — the version row, its `policy.publish` audit
 * entry and the materialised registers — or not at all, and the next run publishes it exactly once.
 *
 * PostgreSQL: the test holds a SHARE lock on `purposes`, so the publication is stopped inside its transaction
 * after the version row, its audit entry and the data items were written and while the purposes are being
 * materialised; the kill lands there. SQLite: the test holds the write lock, so the command is killed while it
 * waits to begin its transaction (one writer at a time: there is no "inside" another process can wait for).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DialectName, type OpenedDatabase, openDatabase } from '../../src/db/database.ts';
import { japanDate } from '../../src/db/time.ts';
import { DEMO_ORG } from '../../src/modules/demo/seed.ts';
import { availableDialects, postgresUrl } from '../support/db.ts';
import { type Installation, newInstallation, run, runToEnd, startServer } from '../support/mamori-process.ts';

describe.each(availableDialects())('a policy publication killed on %s', (dialect: DialectName) => {
  let inst: Installation;
  let db: OpenedDatabase;
  let orgId: string;
  let file: string;

  beforeAll(async () => {
    inst = await newInstallation(dialect);
    // The demo co-op with its published policy: seeded by a first start of the server, which then stops.
    await (await startServer(inst)).kill();
    db = openDatabase(inst.url);
    orgId = (await db.db.selectFrom('organizations').select('id').where('code', '=', DEMO_ORG).executeTakeFirstOrThrow()).id;
    // The version in effect with one wording change that needs no prior notice.
    file = join(inst.dir, 'policy.yaml');
    const exported = runToEnd(inst, ['policy', 'export', '--org', DEMO_ORG, '--version', '1', '--out', file]);
    expect(exported.code, exported.err).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('name_en: Member code\n');
    writeFileSync(file, text.replace('name_en: Member code\n', 'name_en: Member number\n'));
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    inst?.dispose();
  });

  /**
   * Published versions, `policy.publish` entries and the materialised item. Read after `verify()`: on PostgreSQL
   * that command (with the installation's keys) chains what is queued first.
   */
  const state = async () => ({
    versions: (
      await db.db
        .selectFrom('policy_versions')
        .select(['number', 'status'])
        .where('org_id', '=', orgId)
        .where('number', 'is not', null)
        .orderBy('number')
        .execute()
    ).map((v) => `${v.number}:${v.status}`),
    publishEntries: (
      await db.db.selectFrom('audit_log').select('detail').where('action', '=', 'policy.publish').where('org_id', '=', orgId).execute()
    ).map((e) => (JSON.parse(e.detail!) as { number: number }).number),
    item: (
      await db.db
        .selectFrom('data_items')
        .select('name_en')
        .where('org_id', '=', orgId)
        .where('code', '=', 'member_code')
        .executeTakeFirstOrThrow()
    ).name_en,
  });
  const verify = () => {
    const r = runToEnd(inst, ['audit', 'verify', '--json']);
    expect(r.code, r.err).toBe(0);
  };
  const publish = ['policy', 'import', '', '--org', DEMO_ORG, '--publish', ''];

  it('killed during the publication: not published at all; the next run publishes it once, with its entry and registers', async () => {
    const args = publish.map((a, i) => (i === 2 ? file : i === 6 ? japanDate(new Date()) : a));
    verify();
    const before = await state();
    expect(before).toEqual({ versions: ['1:active'], publishEntries: [1], item: 'Member code' });

    const cli = run(inst, args);
    if (dialect === 'postgres') {
      const locker = new pg.Client({ connectionString: inst.url });
      await locker.connect();
      await locker.query('begin');
      await locker.query('lock table purposes in share mode');
      const holder = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const admin = new pg.Client({ connectionString: postgresUrl()! });
      await admin.connect();
      let waiting: number | undefined;
      const deadline = Date.now() + 20_000;
      while (!waiting) {
        if (Date.now() > deadline || cli.child.exitCode !== null)
          throw new Error(`the publication did not reach the lock:\n${cli.output()}`);
        waiting = (await admin.query<{ pid: number }>('select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))', [holder]))
          .rows[0]?.pid;
        if (!waiting) await new Promise((r) => setTimeout(r, 20));
      }
      expect(await cli.kill()).toBe('SIGKILL');
      await locker.query('rollback');
      await locker.end();
      // The killed command's backend finds its client gone and rolls the transaction back.
      for (let i = 0; (await admin.query('select 1 from pg_stat_activity where pid = $1', [waiting])).rowCount; i++) {
        if (i > 500) throw new Error('the killed publication’s backend stayed');
        await new Promise((r) => setTimeout(r, 20));
      }
      await admin.end();
    } else {
      const lock = new BetterSqlite3(join(inst.dir, 'mamori.db'));
      lock.exec('begin immediate');
      // The command starts and waits for the write lock (busy timeout 10 s): it cannot have published.
      await new Promise((r) => setTimeout(r, 2000));
      expect(cli.child.exitCode).toBeNull();
      expect(await cli.kill()).toBe('SIGKILL');
      lock.exec('rollback');
      lock.close();
    }
    verify();
    expect(await state()).toEqual(before);

    const again = runToEnd(inst, args);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/published version 2/);
    verify();
    expect(await state()).toEqual({ versions: ['1:superseded', '2:active'], publishEntries: [1, 2], item: 'Member number' });
  }, 60_000);
});
