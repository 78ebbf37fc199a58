/**
 * A release delivered to the partners' shared server over SFTP (a real OpenSSH-protocol server on loopback, with
 * its host key pinned): the file and its notice arrive under their final names. A server that refuses the key is
 * a clear refusal naming the cause (`delivery_auth_failed`), the failed run is kept with the release, and nothing
 * is left on the server.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { Client, testServer } from '../../../test/support/http.ts';
import { startSftpServer, type TestSftpServer } from '../../../test/support/sftp-server.ts';
import { registerTarget } from '../deliveries/register-target.ts';
import { sshFingerprint } from '../deliveries/sftp-destination.ts';
import { releaseTemplate } from './template.ts';

describe.each(availableDialects())('a release delivered over SFTP on %s', (dialect) => {
  let f: Fixture;
  let app: FastifyInstance;
  let server: TestSftpServer;
  let officer: Client;

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 30 });
    server = await startSftpServer();
    mkdirSync(join(server.root, 'drop'));
    app = await testServer(f);
    officer = new Client(app);
    await officer.login(f, 'officer');
    const actor = await f.actor('officer');
    const settings = {
      directory: '/drop',
      host: '127.0.0.1',
      port: server.port,
      user: server.user,
      host_key: sshFingerprint(server.hostKey),
    };
    await registerTarget(f.ctx, {
      actor,
      input: {
        code: 'partner-sftp',
        name: '取引先共有サーバー',
        kind: 'sftp',
        recipient: '一部の取引先',
        settings,
        secret: server.privateKey,
      },
    });
    const stranger = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    await registerTarget(f.ctx, {
      actor,
      input: {
        code: 'wrong-key',
        name: '鍵の違うサーバー',
        kind: 'sftp',
        recipient: '一部の取引先',
        settings,
        secret: stranger.privateKey,
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
    await f?.dispose();
  });

  const published = async (code: string) => {
    const created = await officer.post('/api/v1/releases', { yaml: releaseTemplate({ code, purchases: false }) });
    expect(created.status, created.raw).toBe(201);
    const r = created.body as { id: string; version: number };
    const p = await officer.post(`/api/v1/releases/${r.id}/publish-method`, {
      version: r.version,
      method_of_provision: '共有サーバーに置きます。',
    });
    expect(p.status, p.raw).toBe(200);
    return r.id;
  };

  it('delivers the file and its notice to the server', async () => {
    const id = await published(`sftp-${dialect}`);
    const d = await officer.post(`/api/v1/releases/${id}/deliver`, { target: 'partner-sftp' });
    expect(d.status, d.raw).toBe(200);
    const name = (d.body.delivery as { fileName: string }).fileName;
    const files = readdirSync(join(server.root, 'drop'));
    expect(files).toContain(name);
    expect(files.some((n) => n.startsWith(name) && n.endsWith('.txt'))).toBe(true);
    expect(readFileSync(join(server.root, 'drop', name), 'utf8')).toContain('顧客ID');
  });

  it('names a refused key, keeps the failed run, and leaves nothing on the server', async () => {
    const id = await published(`refused-${dialect}`);
    const before = readdirSync(join(server.root, 'drop'));
    const d = await officer.post(`/api/v1/releases/${id}/deliver`, { target: 'wrong-key' });
    expect(d.status).toBe(502);
    expect(d.body.error?.code).toBe('delivery_auth_failed');
    expect(d.body.error?.message_ja).toContain('鍵');
    expect(readdirSync(join(server.root, 'drop'))).toEqual(before);
    const view = await officer.get(`/api/v1/releases/${id}`);
    expect((view.body.runs as { kind: string; status: string; error_code: string }[])[0]).toMatchObject({
      kind: 'delivery',
      status: 'failed',
      error_code: 'delivery_auth_failed',
    });
  });
});
