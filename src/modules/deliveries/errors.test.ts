/**
 * What a destination says, as the catalogue's codes: the file system's errors (a real ENOSPC from /dev/full
 * through the hashing sink, as a full disk answers mid-file) and what ssh2 / ssh2-sftp-client throw.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fsError } from './folder-destination.ts';
import { sftpError } from './sftp-destination.ts';
import { HashingSink, writeCsv } from './table-file.ts';

const err = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('delivery error codes', () => {
  it('maps the file system’s errors', () => {
    expect(fsError(err('ENOSPC'), 'write').code).toBe('delivery_disk_full');
    expect(fsError(err('EDQUOT'), 'write').code).toBe('delivery_disk_full');
    expect(fsError(err('EACCES'), 'create').code).toBe('delivery_not_writable');
    expect(fsError(err('EROFS'), 'create').code).toBe('delivery_not_writable');
    expect(fsError(err('ENOENT'), 'open folder').code).toBe('delivery_dir_missing');
    expect(fsError(err('EEXIST'), 'publish').code).toBe('delivery_file_exists');
    expect(fsError(err('EIO'), 'write').code).toBe('delivery_failed');
  });

  it('maps what the SFTP client throws, never keeping more than the first 300 characters of its text', () => {
    expect(
      sftpError(Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' }), 'c').code,
    ).toBe('delivery_auth_failed');
    expect(sftpError(new Error('Timed out while waiting for handshake'), 'c').code).toBe('delivery_timeout');
    expect(sftpError(err('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), 'c').code).toBe('delivery_unreachable');
    expect(sftpError(err('ENOTFOUND', 'getaddrinfo ENOTFOUND sftp.invalid'), 'c').code).toBe('delivery_unreachable');
    expect(sftpError(new Error('Cannot parse privateKey: Unsupported key format'), 'c').code).toBe('delivery_settings_invalid');
    expect(sftpError(Object.assign(new Error('write: Permission denied'), { code: 3 }), 'w').code).toBe('delivery_not_writable');
    expect(sftpError(Object.assign(new Error('open: No such file'), { code: 2 }), 'w').code).toBe('delivery_dir_missing');
    expect(sftpError(new Error('write: No space left on device'), 'w').code).toBe('delivery_disk_full');
    expect(sftpError(new Error('x'.repeat(1000)), 'w').message.length).toBeLessThan(320);
  });

  if (existsSync('/dev/full'))
    it('a device that is full answers ENOSPC mid-file: the sink fails and it reads as delivery_disk_full', async () => {
      const out = createWriteStream('/dev/full');
      const sink = new HashingSink(out);
      function* rows() {
        for (let i = 0; i < 200_000; i++) yield [`row ${i}`, i] as const;
      }
      const error = await writeCsv(sink, ['a', 'b'], rows(), 'utf-8').then(
        () => {
          sink.end();
          return new Promise((resolve) => out.once('error', resolve));
        },
        (e: unknown) => e,
      );
      expect(fsError(error, 'write').code).toBe('delivery_disk_full');
    });
});
