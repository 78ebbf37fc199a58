/**
 * The delivery targets register and the deliveries list over HTTP on both dialects: the privacy officer registers
 * a folder and an SFTP target (to the SFTP server on loopback), checks and removes them; the secret (a private
 * key) is write-only — never in an answer, a list or the audit trail, the screen learns only 設定済み; the auditor
 * reads the list without settings and the deliveries with their checksums; deliveries are listed per origin and per
 * target; a rotated key ring still opens every target's settings and the old key is no longer used.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { startSftpServer, type TestSftpServer } from '../../../test/support/sftp-server.ts';
import { KeyRing } from '../crypto/data-keys.ts';
import { deliverTable } from './deliver-table.ts';
import { readTarget } from './read-target.ts';
import { reencryptTargetSettings } from './reencrypt-settings.ts';
import { sshFingerprint } from './sftp-destination.ts';

describe.each(availableDialects())('deliveries API on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let server: TestSftpServer;
  let dir: string;
  const clients: Record<string, Client> = {};

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 3 });
    server = await startSftpServer();
    mkdirSync(join(server.root, 'drop'));
    dir = mkdtempSync(join(tmpdir(), 'mamori-deliveries-api-'));
    app = await testServer(f, { sessionIdleMinutes: 24 * 60 });
    for (const login of ['officer', 'admin', 'auditor', 'manager', 'staff']) {
      clients[login] = new Client(app);
      expect((await clients[login].login(f, login)).status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
    await f?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sftpBody = () => ({
    code: 'partner-sftp',
    name: '取引先共有サーバー',
    kind: 'sftp',
    recipient: '株式会社みやぎ流通研究所',
    settings: { directory: '/drop', host: '127.0.0.1', port: server.port, user: server.user, host_key: sshFingerprint(server.hostKey) },
    secret: server.privateKey,
  });
  const keyLine = () => server.privateKey.split('\n')[1]!;

  it('registers an SFTP target and a folder target; the key never comes back, only that one is set', async () => {
    const officer = clients.officer!;
    const created = await officer.post('/api/v1/delivery-targets', sftpBody());
    expect(created.status, created.raw).toBe(201);
    expect(created.body).toMatchObject({
      code: 'partner-sftp',
      kind: 'sftp',
      has_secret: true,
      status: 'unchecked',
      version: 1,
      settings: { directory: '/drop', host: '127.0.0.1', host_key: sshFingerprint(server.hostKey) },
    });
    expect(created.raw).not.toContain(keyLine());
    expect(created.raw).not.toContain('PRIVATE KEY');
    const folder = await officer.post('/api/v1/delivery-targets', {
      code: 'share',
      name: '共有フォルダ',
      kind: 'folder',
      recipient: '共同研究先',
      settings: { directory: dir },
    });
    expect(folder.status, folder.raw).toBe(201);
    expect(folder.body).toMatchObject({ has_secret: false, settings: { directory: dir } });
    const again = await officer.post('/api/v1/delivery-targets', sftpBody());
    expect(again.status).toBe(409);
    expect((again.body.error as { code: string }).code).toBe('delivery_target_exists');
    // The key is stored encrypted and reaches the delivery code only.
    const { settings } = await readTarget(f.ctx.db, f.ctx.keys, (await f.actor('officer')).orgId, 'partner-sftp');
    expect(settings.secret).toBe(server.privateKey);
  });

  it('refuses an SFTP target without a fingerprint or a key, and a folder outside the allowed folders', async () => {
    const officer = clients.officer!;
    const { host_key: _fp, ...noFingerprint } = sftpBody().settings;
    let r = await officer.post('/api/v1/delivery-targets', { ...sftpBody(), code: 'x1', settings: noFingerprint });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'delivery_settings_invalid', issues: [{ field: 'settings.host_key', code: 'required' }] });
    const { secret: _s, ...noSecret } = sftpBody();
    r = await officer.post('/api/v1/delivery-targets', { ...noSecret, code: 'x2' });
    expect(r.body.error).toMatchObject({ code: 'delivery_settings_invalid', issues: [{ field: 'secret' }] });
    r = await officer.post('/api/v1/delivery-targets', {
      code: 'x3',
      name: 'x',
      kind: 'folder',
      recipient: 'x',
      settings: { directory: '/etc' },
    });
    expect(r.body.error).toMatchObject({
      code: 'delivery_settings_invalid',
      issues: [{ field: 'settings.directory', code: 'not_allowed' }],
    });
  });

  it('checks a target over the API and records its status; a failure is an answer', async () => {
    const ok = await clients.officer!.post('/api/v1/delivery-targets/partner-sftp/check');
    expect(ok.status, ok.raw).toBe(200);
    expect(ok.body).toMatchObject({ check: { ok: true }, target: { status: 'ok', last_error: null } });
    const missing = mkdtempSync(join(dir, 'gone-'));
    const t = await clients.officer!.post('/api/v1/delivery-targets', {
      code: 'gone',
      name: '消えるフォルダ',
      kind: 'folder',
      recipient: 'x',
      settings: { directory: missing },
    });
    expect(t.status).toBe(201);
    rmSync(missing, { recursive: true });
    const failed = await clients.officer!.post('/api/v1/delivery-targets/gone/check');
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ check: { ok: false, error: { code: 'delivery_dir_missing' } }, target: { status: 'failing' } });
  });

  it('the auditor reads the list without settings and the deliveries; others are refused', async () => {
    const officer = await f.actor('officer');
    const result = await deliverTable(f.ctx, officer, {
      targetCode: 'partner-sftp',
      origin: { kind: 'anonymized_release', id: 'rel-api', name: '購買傾向' },
      fileName: `api-${dialect}.csv`,
      format: 'csv',
      columns: ['年代', '件数'],
      rows: [
        ['30代', 12],
        ['40代', 30],
      ],
      notice: ['この情報は匿名加工情報です。'],
    });
    const list = await clients.auditor!.get('/api/v1/delivery-targets');
    expect(list.status).toBe(200);
    const targets = list.body.targets as Record<string, unknown>[];
    expect(targets.map((t) => t.code)).toContain('partner-sftp');
    expect(targets.every((t) => t.settings === undefined)).toBe(true);
    expect(list.body.can_manage).toBe(false);
    for (const who of ['auditor', 'officer', 'admin']) {
      const byOrigin = await clients[who]!.get('/api/v1/deliveries?origin_kind=anonymized_release&origin_id=rel-api');
      expect(byOrigin.status, who).toBe(200);
      expect(byOrigin.body.deliveries).toEqual([
        expect.objectContaining({ id: result.id, sha256: result.sha256, rows: 2, bytes: result.bytes, status: 'ok', by: 'officer' }),
      ]);
    }
    const byTarget = await clients.auditor!.get('/api/v1/deliveries?target=partner-sftp');
    expect((byTarget.body.deliveries as { id: string }[]).map((d) => d.id)).toContain(result.id);
    const none = await clients.auditor!.get('/api/v1/deliveries?target=share');
    expect(none.body.deliveries).toEqual([]);
    for (const who of ['manager', 'staff']) {
      expect((await clients[who]!.get('/api/v1/delivery-targets')).status, who).toBe(403);
      expect((await clients[who]!.get('/api/v1/deliveries')).status, who).toBe(403);
    }
    expect((await clients.auditor!.post('/api/v1/delivery-targets/partner-sftp/check')).status).toBe(403);
    expect((await clients.admin!.post('/api/v1/delivery-targets', { ...sftpBody(), code: 'by-admin' })).status).toBe(403);
  });

  it('never writes the secret or a setting value into the audit trail', async () => {
    const rows = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('action', 'like', 'delivery%')
      .execute();
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['delivery_target.register', 'delivery_target.check', 'delivery.send']),
    );
    const text = JSON.stringify(rows);
    expect(text).not.toContain(keyLine());
    expect(text).not.toContain(server.user);
    expect(text).not.toContain(dir);
  });

  it('removes a target at the version seen; its deliveries stay on record', async () => {
    const stale = await clients.officer!.request('DELETE', '/api/v1/delivery-targets/partner-sftp?version=9');
    expect(stale.status).toBe(409);
    const removed = await clients.officer!.request('DELETE', '/api/v1/delivery-targets/partner-sftp?version=1');
    expect(removed.status, removed.raw).toBe(200);
    expect((await clients.officer!.get('/api/v1/delivery-targets/partner-sftp')).status).toBe(404);
    const kept = await clients.officer!.get('/api/v1/deliveries?target=partner-sftp');
    expect((kept.body.deliveries as unknown[]).length).toBe(1);
  });

  it('a rotated key ring still opens every target’s settings, and the old key is no longer used', async () => {
    const orgId = (await f.actor('officer')).orgId;
    const before = await readTarget(f.ctx.db, f.ctx.keys, orgId, 'share');
    const rotated = f.ctx.keys.rotated();
    expect(await f.ctx.db.transaction().execute((tx) => reencryptTargetSettings(tx, rotated))).toBeGreaterThan(0);
    const rows = await f.ctx.db.selectFrom('delivery_targets').select('settings_enc').execute();
    expect(rows.every((r) => KeyRing.keyIdOf(r.settings_enc) === rotated.primaryId)).toBe(true);
    const newOnly = new KeyRing({ primary: rotated.primaryId, keys: rotated.file.keys.filter((k) => k.id === rotated.primaryId) });
    expect(await readTarget(f.ctx.db, newOnly, orgId, 'share')).toEqual(before);
    expect(await f.ctx.db.transaction().execute((tx) => reencryptTargetSettings(tx, rotated))).toBe(0);
  });
});
