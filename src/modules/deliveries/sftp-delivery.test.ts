/**
 * Delivering to an SFTP server on loopback (test/support/sftp-server.ts: the ssh2 package's SSH server speaking
 * the SFTP subsystem over TCP, refusing a RENAME onto an existing file as OpenSSH does), on both dialects:
 * key authentication with the host key pinned; the file read back from the server's disk equals what was sent
 * (SHA-256); a key the server does not accept is `delivery_auth_failed`; a server whose host key differs from the
 * registered fingerprint is `delivery_host_key_unknown`; a missing remote folder is `delivery_dir_missing`; a
 * server that stops answering mid-upload, or that loses written bytes, never leaves the delivered name behind
 * and is never recorded as `ok`; the check action reports and records each of these.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import { opensshAvailable, startOpenSsh, type TestOpenSsh } from '../../../test/support/openssh-server.ts';
import { sshKeyPair, startSftpServer, type TestSftpServer } from '../../../test/support/sftp-server.ts';
import type { StaffActor } from '../../base/actors.ts';
import type { AppError } from '../../base/errors.ts';
import type { Cell } from '../anonymize/types.ts';
import { checkTarget } from './check-target.ts';
import { type DeliverTableInput, deliverTable } from './deliver-table.ts';
import { registerTarget } from './register-target.ts';
import { sshFingerprint } from './sftp-destination.ts';

const columns = ['仮名ID', '年代', '配達区分', '月間利用額'];
function* synthetic(n: number): Generator<readonly Cell[]> {
  for (let i = 0; i < n; i++)
    yield [`h${String(i).padStart(8, '0')}`, `${20 + (i % 6) * 10}代`, i % 2 ? '個配' : '班配', 1000 + (i % 40) * 100];
}
const notice = ['この情報は匿名加工情報です。本人の識別は禁止されています。'];
const origin = { kind: 'anonymized_release' as const, id: 'rel-sftp', name: '購買傾向（SFTP）' };

describe.each(availableDialects())('deliveries over SFTP on %s', (dialect) => {
  let f: Fixture;
  let officer: StaffActor;
  let server: TestSftpServer;
  let n = 0;
  const otherKey = sshKeyPair().private;

  const register = async (code: string, opts: { secret?: string; hostKey?: string; directory?: string; timeout?: number } = {}) =>
    registerTarget(f.ctx, {
      actor: officer,
      input: {
        code,
        name: '取引先共有サーバー',
        kind: 'sftp',
        recipient: '株式会社みやぎ流通研究所',
        settings: {
          directory: opts.directory ?? '/drop',
          host: '127.0.0.1',
          port: server.port,
          user: server.user,
          host_key: opts.hostKey ?? sshFingerprint(server.hostKey),
          timeout_seconds: opts.timeout ?? 10,
        },
        secret: opts.secret ?? server.privateKey,
      },
    });
  const input = (targetCode: string, rows: DeliverTableInput['rows'] = synthetic(2000)): DeliverTableInput => ({
    targetCode,
    origin,
    fileName: `release-${dialect}-${++n}.csv`,
    format: 'csv',
    columns,
    rows,
    notice,
  });
  const outcome = async (fileName: string) =>
    f.ctx.db
      .selectFrom('deliveries')
      .select(['status', 'error_code', 'sha256'])
      .where('file_name', '=', fileName)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    f = await demoFixture(dialect, { members: 3 });
    officer = await f.actor('officer');
    server = await startSftpServer();
    mkdirSync(join(server.root, 'drop'));
    await register('partner');
    await register('wrong-key', { secret: otherKey });
    await register('wrong-host', { hostKey: `SHA256:${'A'.repeat(43)}` });
    await register('no-folder', { directory: '/missing' });
    await register('slow', { timeout: 1 });
  });
  afterAll(async () => {
    await server?.close();
    await f?.dispose();
  });

  it('delivers with key authentication: the server holds exactly the bytes sent, and the notice beside them', async () => {
    const i = input('partner');
    const result = await deliverTable(f.ctx, officer, i);
    const onServer = readFileSync(join(server.root, 'drop', i.fileName));
    expect(result.bytes).toBe(onServer.length);
    expect(result.sha256).toBe(createHash('sha256').update(onServer).digest('hex'));
    expect(result.rows).toBe(2000);
    expect(readFileSync(join(server.root, 'drop', `${i.fileName}.お読みください.txt`), 'utf8')).toContain(result.sha256);
    // Written under a temporary name, then renamed into place.
    expect(server.log.some((l) => l.startsWith('rename ') && l.endsWith(`/drop/${i.fileName}`))).toBe(true);
    expect(readdirSync(join(server.root, 'drop')).filter((x) => x.endsWith('.part'))).toEqual([]);
    expect(await outcome(i.fileName)).toMatchObject({ status: 'ok', sha256: result.sha256 });
  });

  it('authenticates with a password as well; a wrong password is delivery_auth_failed', async () => {
    await register('by-password', { secret: server.password });
    await register('bad-password', { secret: `${server.password}-wrong` });
    const i = input('by-password', synthetic(10));
    const result = await deliverTable(f.ctx, officer, i);
    expect(result.rows).toBe(10);
    expect(readFileSync(join(server.root, 'drop', i.fileName)).length).toBe(result.bytes);
    const error = await deliverTable(f.ctx, officer, input('bad-password', synthetic(1))).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('delivery_auth_failed');
  });

  it('refuses to replace a file already delivered under the same name', async () => {
    const i = input('partner');
    await deliverTable(f.ctx, officer, i);
    const again = await deliverTable(f.ctx, officer, { ...i, rows: synthetic(3) }).catch((e: unknown) => e);
    expect((again as AppError).code).toBe('delivery_file_exists');
  });

  it('a key the server does not accept is delivery_auth_failed, recorded as failed', async () => {
    const i = input('wrong-key');
    const error = await deliverTable(f.ctx, officer, i).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('delivery_auth_failed');
    expect(await outcome(i.fileName)).toMatchObject({ status: 'failed', error_code: 'delivery_auth_failed', sha256: null });
    const checked = await checkTarget(f.ctx, { actor: officer, code: 'wrong-key' });
    expect(checked.check).toMatchObject({ ok: false, error: { code: 'delivery_auth_failed' } });
    expect(checked.target).toMatchObject({ status: 'failing', last_error: { code: 'delivery_auth_failed' } });
  });

  it('a host key other than the registered fingerprint is refused before authenticating; the check names the one presented', async () => {
    const i = input('wrong-host');
    const before = server.log.length;
    const error = await deliverTable(f.ctx, officer, i).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('delivery_host_key_unknown');
    expect(server.log.length).toBe(before);
    expect(await outcome(i.fileName)).toMatchObject({ status: 'failed', error_code: 'delivery_host_key_unknown' });
    const checked = await checkTarget(f.ctx, { actor: officer, code: 'wrong-host' });
    expect(checked.check).toMatchObject({
      ok: false,
      error: { code: 'delivery_host_key_unknown' },
      presented_host_key: sshFingerprint(server.hostKey),
    });
  });

  it('a server nobody answers on is delivery_unreachable', async () => {
    await registerTarget(f.ctx, {
      actor: officer,
      input: {
        code: 'closed-port',
        name: '停止中のサーバー',
        kind: 'sftp',
        recipient: 'x',
        settings: {
          directory: '/drop',
          host: '127.0.0.1',
          port: 1,
          user: 'x',
          host_key: sshFingerprint(server.hostKey),
          timeout_seconds: 5,
        },
        secret: server.privateKey,
      },
    });
    const error = await deliverTable(f.ctx, officer, input('closed-port', synthetic(1))).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('delivery_unreachable');
  });

  it('a remote folder that does not exist is delivery_dir_missing', async () => {
    const error = await deliverTable(f.ctx, officer, input('no-folder')).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('delivery_dir_missing');
  });

  it('a server that stops answering mid-upload: delivery_timeout, nothing under the delivered name, not recorded as ok', async () => {
    function* rows() {
      let i = 0;
      for (const row of synthetic(400_000)) {
        if (++i === 50_000) server.stall(true);
        yield row;
      }
    }
    const i = input('slow', rows());
    try {
      const error = await deliverTable(f.ctx, officer, i).catch((e: unknown) => e);
      expect((error as AppError).code).toBe('delivery_timeout');
    } finally {
      server.stall(false);
    }
    expect(readdirSync(join(server.root, 'drop'))).not.toContain(i.fileName);
    expect(await outcome(i.fileName)).toMatchObject({ status: 'failed', error_code: 'delivery_timeout', sha256: null });
  }, 30_000);

  it('a server that loses written bytes: the remote size differs, delivery_incomplete, the file is not published', async () => {
    const i = input('partner');
    server.dropWrites(true);
    try {
      const error = await deliverTable(f.ctx, officer, i).catch((e: unknown) => e);
      expect((error as AppError).code).toBe('delivery_incomplete');
    } finally {
      server.dropWrites(false);
    }
    const names = readdirSync(join(server.root, 'drop'));
    expect(names.filter((x) => x.includes(i.fileName))).toEqual([]);
    expect(await outcome(i.fileName)).toMatchObject({ status: 'failed', error_code: 'delivery_incomplete' });
  });

  it('the check writes and removes a probe file and records the target as ok', async () => {
    const checked = await checkTarget(f.ctx, { actor: officer, code: 'partner' });
    expect(checked.check).toEqual({ ok: true });
    expect(checked.target).toMatchObject({ status: 'ok', last_error: null, has_secret: true });
    expect(JSON.stringify(checked)).not.toContain('PRIVATE KEY');
    expect(readdirSync(join(server.root, 'drop')).filter((x) => x.includes('probe'))).toEqual([]);
  });
});

/**
 * The same deliveries against Debian's OpenSSH server (test/support/openssh-server.ts) where it is installed:
 * key authentication with the host key pinned, the bytes on its disk equal to what was sent, a key it does not
 * accept and a host key that differs refused with their codes.
 */
if (opensshAvailable())
  describe.each(availableDialects())('deliveries to a real OpenSSH server on %s', (dialect) => {
    let f: Fixture;
    let officer: StaffActor;
    let sshd: TestOpenSsh;
    const register = (code: string, opts: { secret?: string; hostKey?: string; timeout?: number } = {}) =>
      registerTarget(f.ctx, {
        actor: officer,
        input: {
          code,
          name: '取引先共有サーバー（OpenSSH）',
          kind: 'sftp',
          recipient: '株式会社みやぎ流通研究所',
          settings: {
            directory: sshd.dropDir,
            host: '127.0.0.1',
            port: sshd.port,
            user: sshd.user,
            host_key: opts.hostKey ?? sshd.fingerprint,
            timeout_seconds: opts.timeout ?? 10,
          },
          secret: opts.secret ?? sshd.privateKey,
        },
      });
    beforeAll(async () => {
      f = await demoFixture(dialect, { members: 3 });
      officer = await f.actor('officer');
      sshd = await startOpenSsh();
      await register('openssh');
      await register('openssh-wrong-key', { secret: sshKeyPair().private });
      await register('openssh-wrong-host', { hostKey: `SHA256:${'C'.repeat(43)}` });
    });
    afterAll(async () => {
      await sshd?.close();
      await f?.dispose();
    });

    it('delivers CSV and Parquet with key authentication; the files on the server are the bytes sent', async () => {
      for (const format of ['csv', 'parquet'] as const) {
        const fileName = `openssh-${dialect}.${format}`;
        const result = await deliverTable(f.ctx, officer, {
          targetCode: 'openssh',
          origin,
          fileName,
          format,
          columns,
          rows: synthetic(20_000),
          notice,
        });
        const onServer = readFileSync(join(sshd.dropDir, fileName));
        expect(result.sha256).toBe(createHash('sha256').update(onServer).digest('hex'));
        expect(readFileSync(join(sshd.dropDir, `${fileName}.お読みください.txt`), 'utf8')).toContain(result.sha256);
      }
      expect(readdirSync(sshd.dropDir).filter((x) => x.endsWith('.part'))).toEqual([]);
      expect((await checkTarget(f.ctx, { actor: officer, code: 'openssh' })).check).toEqual({ ok: true });
    });

    it('an OpenSSH session that hangs mid-upload: delivery_timeout, nothing under the delivered name, never ok', async () => {
      await register('openssh-slow', { timeout: 1 });
      const fileName = `hang-${dialect}.csv`;
      function* rows() {
        let i = 0;
        for (const row of synthetic(2_000_000)) {
          if (++i === 100_000) sshd.pauseSessions(true);
          yield row;
        }
      }
      try {
        const error = await deliverTable(f.ctx, officer, {
          targetCode: 'openssh-slow',
          origin,
          fileName,
          format: 'csv',
          columns,
          rows: rows(),
          notice,
        }).catch((e: unknown) => e);
        expect((error as AppError).code).toBe('delivery_timeout');
      } finally {
        sshd.pauseSessions(false);
      }
      expect(readdirSync(sshd.dropDir)).not.toContain(fileName);
      const row = await f.ctx.db
        .selectFrom('deliveries')
        .select(['status', 'error_code'])
        .where('file_name', '=', fileName)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'failed', error_code: 'delivery_timeout' });
    }, 30_000);

    it('refuses a key OpenSSH does not accept, and a host key other than the registered one', async () => {
      const auth = await checkTarget(f.ctx, { actor: officer, code: 'openssh-wrong-key' });
      expect(auth.check.error?.code).toBe('delivery_auth_failed');
      const host = await checkTarget(f.ctx, { actor: officer, code: 'openssh-wrong-host' });
      expect(host.check).toMatchObject({ error: { code: 'delivery_host_key_unknown' }, presented_host_key: sshd.fingerprint });
      const error = await deliverTable(f.ctx, officer, {
        targetCode: 'openssh-wrong-host',
        origin,
        fileName: `refused-${dialect}.csv`,
        format: 'csv',
        columns,
        rows: synthetic(3),
        notice,
      }).catch((e: unknown) => e);
      expect((error as AppError).code).toBe('delivery_host_key_unknown');
      expect(readdirSync(sshd.dropDir)).not.toContain(`refused-${dialect}.csv`);
    });
  });
