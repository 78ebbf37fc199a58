/**
 * A real `mamori serve` for HTTP benchmarks: a free port, the server started as a child process with a demo
 * data folder and waited for until healthy, and stopped (SIGTERM, then SIGKILL after 10 s).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the server on `port` with its data in `dataDir` and `demoMembers` demo members; resolves when healthy.
 * `env` adds to the environment (e.g. `DATABASE_URL` for PostgreSQL), `args` to the command line (`--no-demo`).
 */
export async function startServer(
  dataDir: string,
  port: number,
  demoMembers: number,
  opts: { env?: Record<string, string>; args?: string[] } = {},
): Promise<ChildProcess> {
  // BENCH_CPU_PROF=DIR: each server writes a V8 CPU profile into DIR when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const child = spawn(
    process.execPath,
    [...profile, join(root, 'bin', 'mamori.js'), 'serve', '--port', String(port), ...(opts.args ?? [])],
    {
      cwd: root,
      env: {
        ...process.env,
        MAMORI_DATA_DIR: dataDir,
        MAMORI_DEMO_MEMBERS: String(demoMembers),
        LOG_LEVEL: 'warn',
        MAMORI_COOKIE_SECURE: 'false',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (r.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((res) => setTimeout(res, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start within 120 s:\n${output}`);
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((res) => child.once('exit', res));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Runs `mamori <args>` with `env` added to the environment; resolves with its exit code and output. */
export function mamoriCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'mamori.js'), ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resident set size of `pid` in bytes (VmRSS), or 0 when it is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
