/**
 * A real SFTP server on loopback for the drop-folder tests: the `ssh2` package's own Server, speaking SSH and the
 * SFTP subsystem over TCP, serving a temporary directory as `/` (a chroot of sorts), with password and public-key
 * authentication. Like OpenSSH's server, a RENAME onto an existing file fails (SFTP v3). Only what a file client
 * needs is served: open/read/write/close, stat, mkdir, rename, remove, realpath and directory listings.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import ssh2 from 'ssh2';

const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

export interface TestSftpServer {
  port: number;
  /** The served directory on this machine (the drop folder's `/`). */
  root: string;
  user: string;
  password: string;
  /** A private key (OpenSSH format) the server accepts for `user`. */
  privateKey: string;
  /** The server's host key fingerprint (`SHA256:…`) — unused unless a test pins it. */
  hostKey: Buffer;
  /** What clients did that changes files, in order: `write <path>` (opened for writing), `rename <from> <to>`. */
  log: string[];
  /** While stalled, the server takes requests and never answers them (a system hanging mid-transfer). */
  stall(on: boolean): void;
  /** While on, the server acknowledges writes without keeping their bytes (a disk that loses data). */
  dropWrites(on: boolean): void;
  close(): Promise<void>;
}

const attrsOf = (s: Stats) => ({
  mode: s.mode,
  uid: s.uid,
  gid: s.gid,
  size: s.size,
  atime: Math.floor(s.atimeMs / 1000),
  mtime: Math.floor(s.mtimeMs / 1000),
});

/**
 * An ed25519 key pair both halves of which ssh2 reads back. ssh2's own generator strips leading zero bytes of the
 * public key, so about one pair in 256 is unreadable (mscdex/ssh2#1390, #1513): such a pair is made again.
 */
export function sshKeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

export async function startSftpServer(): Promise<TestSftpServer> {
  const root = mkdtempSync(join(tmpdir(), 'mamori-sftp-'));
  const user = 'dropuser';
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const host = sshKeyPair();
  const client = sshKeyPair();
  const allowed = utils.parseKey(client.public);
  if (allowed instanceof Error) throw allowed;
  const hostKeyParsed = utils.parseKey(host.private);
  if (hostKeyParsed instanceof Error) throw hostKeyParsed;

  const local = (p: string) => join(root, posix.resolve('/', p));

  const log: string[] = [];
  let stalled = false;
  let dropping = false;
  const open = new Set<{ end(): unknown }>();
  const server = new Server({ hostKeys: [host.private] }, (conn) => {
    open.add(conn);
    (conn as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
    conn.on('close', () => open.delete(conn));
    conn.on('error', () => {});
    conn.on('authentication', (ctx) => {
      if (ctx.username !== user) return ctx.reject();
      if (ctx.method === 'password') return ctx.password === password ? ctx.accept() : ctx.reject();
      if (ctx.method === 'publickey') {
        const same = ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH());
        if (!same) return ctx.reject();
        if (!ctx.signature || !ctx.blob) return ctx.accept();
        return allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo as never) === true ? ctx.accept() : ctx.reject();
      }
      return ctx.reject(['password', 'publickey']);
    });
    conn.on('ready', () => {
      conn.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          const files = new Map<string, number>();
          const dirs = new Map<string, { path: string; done: boolean }>();
          let next = 0;
          const newHandle = () => {
            const h = Buffer.alloc(4);
            h.writeUInt32BE(next++);
            return h;
          };
          const fail = (id: number, e: unknown) => {
            const code = (e as { code?: string }).code;
            sftp.status(
              id,
              code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : code === 'EACCES' ? STATUS_CODE.PERMISSION_DENIED : STATUS_CODE.FAILURE,
            );
          };
          const guard = (id: number, work: () => void) => {
            if (stalled) return;
            try {
              work();
            } catch (e) {
              fail(id, e);
            }
          };
          sftp.on('OPEN', (id, filename, flags) =>
            guard(id, () => {
              const mode = utils.sftp.flagsToString(flags);
              if (!mode) return sftp.status(id, STATUS_CODE.FAILURE);
              if (mode !== 'r') log.push(`write ${posix.resolve('/', filename)}`);
              const h = newHandle();
              files.set(h.toString('hex'), openSync(local(filename), mode));
              sftp.handle(id, h);
            }),
          );
          sftp.on('READ', (id, handle, offset, length) =>
            guard(id, () => {
              const fd = files.get(handle.toString('hex'));
              if (fd === undefined) return sftp.status(id, STATUS_CODE.FAILURE);
              const buf = Buffer.alloc(length);
              const n = readSync(fd, buf, 0, length, offset);
              if (n === 0) return sftp.status(id, STATUS_CODE.EOF);
              sftp.data(id, buf.subarray(0, n));
            }),
          );
          sftp.on('WRITE', (id, handle, offset, data) =>
            guard(id, () => {
              const fd = files.get(handle.toString('hex'));
              if (fd === undefined) return sftp.status(id, STATUS_CODE.FAILURE);
              if (!dropping) writeSync(fd, data, 0, data.length, offset);
              sftp.status(id, STATUS_CODE.OK);
            }),
          );
          sftp.on('FSTAT', (id, handle) =>
            guard(id, () => {
              const fd = files.get(handle.toString('hex'));
              if (fd === undefined) return sftp.status(id, STATUS_CODE.FAILURE);
              sftp.attrs(id, attrsOf(fstatSync(fd)));
            }),
          );
          sftp.on('CLOSE', (id, handle) =>
            guard(id, () => {
              const key = handle.toString('hex');
              const fd = files.get(key);
              if (fd !== undefined) closeSync(fd);
              files.delete(key);
              dirs.delete(key);
              sftp.status(id, STATUS_CODE.OK);
            }),
          );
          sftp.on('STAT', (id, path) => guard(id, () => sftp.attrs(id, attrsOf(statSync(local(path))))));
          sftp.on('LSTAT', (id, path) => guard(id, () => sftp.attrs(id, attrsOf(lstatSync(local(path))))));
          sftp.on('SETSTAT', (id) => sftp.status(id, STATUS_CODE.OK));
          sftp.on('FSETSTAT', (id) => sftp.status(id, STATUS_CODE.OK));
          sftp.on('MKDIR', (id, path) =>
            guard(id, () => {
              mkdirSync(local(path));
              sftp.status(id, STATUS_CODE.OK);
            }),
          );
          sftp.on('RMDIR', (id, path) =>
            guard(id, () => {
              rmdirSync(local(path));
              sftp.status(id, STATUS_CODE.OK);
            }),
          );
          sftp.on('REMOVE', (id, path) =>
            guard(id, () => {
              unlinkSync(local(path));
              sftp.status(id, STATUS_CODE.OK);
            }),
          );
          sftp.on('RENAME', (id, from, to) =>
            guard(id, () => {
              if (existsSync(local(to))) return sftp.status(id, STATUS_CODE.FAILURE, 'the target exists');
              renameSync(local(from), local(to));
              log.push(`rename ${posix.resolve('/', from)} ${posix.resolve('/', to)}`);
              sftp.status(id, STATUS_CODE.OK);
            }),
          );
          sftp.on('REALPATH', (id, path) =>
            guard(id, () => {
              const resolved = posix.resolve('/', path);
              sftp.name(id, [{ filename: resolved, longname: resolved, attrs: attrsOf(statSync(local(resolved))) }]);
            }),
          );
          sftp.on('OPENDIR', (id, path) =>
            guard(id, () => {
              if (!statSync(local(path)).isDirectory()) return sftp.status(id, STATUS_CODE.FAILURE);
              const h = newHandle();
              dirs.set(h.toString('hex'), { path, done: false });
              sftp.handle(id, h);
            }),
          );
          sftp.on('READDIR', (id, handle) =>
            guard(id, () => {
              const dir = dirs.get(handle.toString('hex'));
              if (!dir) return sftp.status(id, STATUS_CODE.FAILURE);
              if (dir.done) return sftp.status(id, STATUS_CODE.EOF);
              dir.done = true;
              const names = readdirSync(local(dir.path)).map((name) => {
                const s = lstatSync(join(local(dir.path), name));
                return { filename: name, longname: name, attrs: attrsOf(s) };
              });
              if (names.length === 0) return sftp.status(id, STATUS_CODE.EOF);
              sftp.name(id, names);
            }),
          );
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    root,
    user,
    password,
    privateKey: client.private,
    hostKey: hostKeyParsed.getPublicSSH(),
    log,
    stall(on) {
      stalled = on;
    },
    dropWrites(on) {
      dropping = on;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A connection a test left open would keep close() waiting.
        for (const conn of open) conn.end();
      });
      rmSync(root, { recursive: true, force: true });
    },
  };
}
