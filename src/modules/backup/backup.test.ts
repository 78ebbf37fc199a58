/**
 * A backup taken while another connection keeps appending to the audit trail (a running server) is one
 * consistent moment: its chain verifies and holds the backup’s own entry that its manifest records.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { availableDialects, chained, postgresUrl } from '../../../test/support/db.ts';
import { demoFixture } from '../../../test/support/fixtures.ts';
import { openDatabase } from '../../db/database.ts';
import { appendAuditAlone } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import { insertSyntheticMembers } from '../demo/seed.ts';
import { createBackup, restoreBackup } from './backup.ts';

const actor: Actor = { type: 'cli', id: null, orgId: null, label: 'test:backup' };
const dir = mkdtempSync(join(tmpdir(), 'mamori-backup-unit-'));
const databases: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const url = postgresUrl();
  if (!url || databases.length === 0) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const name of databases) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe.each(availableDialects())('backup under concurrent writes on %s', (dialect) => {
  it('is one consistent moment: the chain verifies and holds the backup’s own entry', async () => {
    const f = await demoFixture(dialect, { members: 10 });
    try {
      const org = await f.ctx.db.selectFrom('organizations').select('id').where('code', '=', 'demo-coop').executeTakeFirstOrThrow();
      await insertSyntheticMembers(f.ctx, org.id, 2_000_000, 3000); // a file of many pages: the copy takes steps
      const before = await f.ctx.db
        .selectFrom('members')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      let url: string;
      if (dialect === 'sqlite') url = `sqlite:${f.database.sqlite!.name}`;
      else {
        const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(f.ctx.db);
        url = `${postgresUrl()}?options=${encodeURIComponent(`-c search_path=${rows[0]!.s}`)}`;
      }
      // Another connection (on SQLite another handle: what the server's writes look like to the backup).
      const writer = openDatabase(url);
      let writing = true;
      let written = 0;
      const loop = (async () => {
        while (writing) {
          await appendAuditAlone(writer.db, actor, { action: 'audit.verify', outcome: 'ok', orgId: null, detail: { entries: written } });
          written++;
          await new Promise<void>((r) => setImmediate(r));
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      const out = join(dir, `${dialect}-${randomBytes(3).toString('hex')}.backup`);
      const writtenBefore = written;
      const manifest = await createBackup(f.database, url, out, actor);
      expect(written, 'the writer kept writing while the backup ran').toBeGreaterThan(writtenBefore);
      await new Promise((r) => setTimeout(r, 50));
      writing = false;
      await loop;
      await writer.close();
      expect(written).toBeGreaterThan(0);

      // Restore into a fresh database and verify what the backup holds.
      let target: string;
      if (dialect === 'sqlite') target = `sqlite:${join(dir, `restored-${randomBytes(3).toString('hex')}.db`)}`;
      else {
        const name = `mamori_restore_${randomBytes(5).toString('hex')}`;
        const admin = new pg.Client({ connectionString: postgresUrl()! });
        await admin.connect();
        await admin.query(`create database ${name}`);
        await admin.end();
        databases.push(name);
        const u = new URL(url);
        u.pathname = `/${name}`;
        target = u.toString();
      }
      const report = await restoreBackup(target, out, { force: false, keys: f.ctx.keys, actor });
      expect(report.verify.ok).toBe(true);
      expect(report.verify.entries).toBeGreaterThanOrEqual(manifest.backup_entry.seq);
      expect(report.ok).toBe(true);
      const restored = openDatabase(target);
      const members = await restored.db
        .selectFrom('members')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const backupEntry = await (await chained(restored.db))
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '=', manifest.backup_entry.seq)
        .executeTakeFirstOrThrow();
      const last = await (await chained(restored.db))
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      expect(await verifyAuditChain(restored.db)).toMatchObject({ ok: true, entries: report.verify.entries + 1 });
      expect(last).toMatchObject({ action: 'backup.restore', outcome: 'ok' });
      await restored.close();
      expect(Number(members.n)).toBe(Number(before.n));
      expect(Number(before.n)).toBeGreaterThan(3000);
      expect(backupEntry).toMatchObject({ action: 'backup.create', hash: manifest.backup_entry.hash });
    } finally {
      await f.dispose();
    }
  }, 120_000);
});
