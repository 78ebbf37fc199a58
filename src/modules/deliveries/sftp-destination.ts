/**
 * The partners' SFTP server as a delivery destination (ssh2-sftp-client): password or private-key authentication,
 * and the server's host key checked against the registered fingerprint before anything is sent — a server with
 * another key (or a target without a fingerprint) is refused as `delivery_host_key_unknown`. Each step has the
 * target's time limit. Publishing is a plain SFTP rename, which OpenSSH refuses onto an existing file; the
 * existence is also checked first for servers that would replace it.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { AppError, type ErrorCode } from '../../base/errors.ts';
import type { Destination } from './destination.ts';
import type { DeliverySettings } from './settings.ts';

const DEFAULT_TIMEOUT_SECONDS = 30;

/** The SSH host key's fingerprint as OpenSSH prints it (`ssh-keygen -l`). */
export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** A connection refused for its host key: the fingerprint the server presented (not a secret), for the check's answer. */
export class HostKeyRefused extends AppError {
  readonly presented: string | undefined;
  constructor(presented: string | undefined) {
    super('delivery_host_key_unknown', undefined, `The server presented host key ${presented ?? '(none)'}.`);
    this.presented = presented;
  }
}

/** Turns what ssh2 / ssh2-sftp-client throw into a delivery error code; the message never holds the secret. */
export function sftpError(e: unknown, where: string): AppError {
  if (e instanceof AppError) return e;
  const err = e as { code?: string | number; message?: string; level?: string };
  const message = err.message ?? String(e);
  const code = String(err.code ?? '');
  let mapped: ErrorCode = 'delivery_failed';
  if (/authentication methods failed/i.test(message) || err.level === 'client-authentication' || code === 'ERR_BAD_AUTH') {
    mapped = 'delivery_auth_failed';
  } else if (/cannot parse privatekey|unsupported key format|passphrase/i.test(message)) {
    mapped = 'delivery_settings_invalid';
  } else if (/timed out/i.test(message) || code === 'ETIMEDOUT' || err.level === 'client-timeout') {
    mapped = 'delivery_timeout';
  } else if (
    ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET'].includes(code) ||
    err.level === 'client-socket'
  ) {
    mapped = 'delivery_unreachable';
  } else if (/no space|quota/i.test(message)) {
    mapped = 'delivery_disk_full';
  } else if (/permission denied/i.test(message) || code === '3') {
    mapped = 'delivery_not_writable';
  } else if (/no such file/i.test(message) || code === '2') {
    mapped = 'delivery_dir_missing';
  }
  return new AppError(mapped, undefined, `${where}: ${message.slice(0, 300)}`);
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('delivery_timeout', undefined, `${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function openSftp(settings: DeliverySettings): Promise<Destination> {
  const { host, user, hostKey } = settings;
  if (!host || !user) throw new AppError('delivery_settings_invalid', undefined, 'An SFTP target needs a host and an account.');
  const port = settings.port ?? 22;
  const timeoutMs = (settings.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  const client = new SftpClient('mamori-delivery', { error: () => {}, end: () => {}, close: () => {} });
  const secret = settings.secret ?? '';
  const isKey = /^\s*-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(secret);
  let presented: string | undefined;
  let refusedHostKey = false;
  try {
    await withTimeout(
      client.connect({
        host,
        port,
        username: user,
        ...(isKey ? { privateKey: secret.trim() } : { password: secret }),
        readyTimeout: timeoutMs,
        hostVerifier: (key: Buffer) => {
          presented = sshFingerprint(key);
          refusedHostKey = !hostKey || presented !== hostKey;
          return !refusedHostKey;
        },
      }),
      timeoutMs + 1000,
      'connect',
    );
  } catch (e) {
    await withTimeout(client.end(), 2000, 'close').catch(() => {});
    if (refusedHostKey) throw new HostKeyRefused(presented);
    throw sftpError(e, `sftp ${host}:${port}`);
  }
  (client as unknown as { client?: { setNoDelay?: (on: boolean) => void } }).client?.setNoDelay?.(true);
  const dir = settings.directory;
  const path = (name: string) => posix.join(dir, name);
  const op = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(work(), timeoutMs, what);
    } catch (e) {
      throw sftpError(e, what);
    }
  };
  const close = () => withTimeout(client.end(), 2000, 'close').catch(() => {}) as Promise<void>;
  try {
    const type = await op('stat directory', () => client.exists(dir));
    if (type !== 'd') throw new AppError('delivery_dir_missing', undefined, `The server folder ${dir} does not exist.`);
  } catch (e) {
    await close();
    throw e;
  }
  const destination: Destination = {
    async exists(name) {
      return (await op('exists', () => client.exists(path(name)))) !== false;
    },
    async create(name) {
      const stream = client.createWriteStream(path(name), { flags: 'wx' });
      try {
        await withTimeout(once(stream, 'open'), timeoutMs, 'open');
      } catch (e) {
        stream.destroy();
        throw sftpError(e, 'open');
      }
      // Listened for now (the event must not be missed), waited for with a time limit once the stream has ended.
      const closedEvent = once(stream, 'close');
      closedEvent.catch(() => {});
      return { stream, closed: () => withTimeout(closedEvent, timeoutMs, 'close file').then(() => undefined), stepMs: timeoutMs };
    },
    async size(name) {
      return (await op('stat', () => client.stat(path(name)))).size;
    },
    async publish(from, to) {
      if (await destination.exists(to)) throw new AppError('delivery_file_exists');
      await op('rename', () => client.rename(path(from), path(to)));
    },
    async remove(name) {
      await op('remove', () => client.delete(path(name), true));
    },
    close,
  };
  return destination;
}
