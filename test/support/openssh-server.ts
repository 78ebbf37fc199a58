/**
 * A real OpenSSH server on loopback (`/usr/sbin/sshd`, Debian's openssh-server) for tests that must meet the
 * server partners actually run: its own host key, public-key authentication only, the SFTP subsystem
 * (internal-sftp), a temporary folder to deliver into. Started in the foreground (`-D -e`) with a configuration of
 * its own on a free port, as the user running the tests; stopped by its process id. Tests that need it register
 * themselves only when `opensshAvailable()` (no skipped test under MAMORI_TEST_STRICT).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

export const opensshAvailable = (): boolean => existsSync(SSHD) && existsSync('/usr/bin/ssh-keygen');

export interface TestOpenSsh {
  port: number;
  user: string;
  /** The folder to deliver into (an absolute path on the server, which is this machine). */
  dropDir: string;
  /** An ed25519 private key (OpenSSH format) the server accepts. */
  privateKey: string;
  /** The host key's fingerprint as `ssh-keygen -l` prints it (`SHA256:…`). */
  fingerprint: string;
  /**
   * Stops (SIGSTOP) or resumes (SIGCONT) the server's per-connection processes — a server hanging mid-transfer —
   * leaving the listener alone.
   */
  pauseSessions(on: boolean): void;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** The processes under `pid` (the sessions sshd forked), from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const keygen = (file: string) => execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mamori-test', '-f', file]);

export async function startOpenSsh(): Promise<TestOpenSsh> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-openssh-'));
  const dropDir = join(dir, 'drop');
  mkdirSync(dropDir);
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  const fingerprint = execFileSync('/usr/bin/ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')], {
    encoding: 'utf8',
  }).split(' ')[1]!;
  // Privilege separation needs its empty directory (normally made by the service's start script).
  mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d) => {
    log += d;
  });
  for (let i = 0; i < 100 && !(await listening(port)); i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const server: TestOpenSsh = {
    port,
    user: userInfo().username,
    dropDir,
    privateKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    fingerprint,
    pauseSessions(on) {
      for (const pid of descendants(child.pid!)) {
        try {
          process.kill(pid, on ? 'SIGSTOP' : 'SIGCONT');
        } catch {
          // The session ended meanwhile.
        }
      }
    },
    async close() {
      server.pauseSessions(false);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
