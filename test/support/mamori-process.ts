/**
 * A real `mamori` process for fault tests (test/faults): a server or a CLI command as a child process on a
 * SQLite file or a PostgreSQL test schema of its own, its output collected, killed with SIGKILL at a moment the
 * test chooses, and an HTTP client with cookies and the CSRF header like the web console's.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DialectName } from '../../src/db/database.ts';
import { currentTotp } from '../../src/modules/auth/totp.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/seed.ts';
import { postgresUrl, testSchemaName } from './db.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'mamori.js');

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

/** A data folder and a database (SQLite file, or a new PostgreSQL schema named in the URL) for mamori processes. */
export interface Installation {
  dialect: DialectName;
  dir: string;
  /** DATABASE_URL of the processes (on PostgreSQL with `search_path` set to the schema). */
  url: string;
  /** PostgreSQL only: the schema. */
  schema?: string;
  env: NodeJS.ProcessEnv;
  /** The server's port, chosen at its first start and kept across restarts (cookies stay valid: sessions are rows). */
  port?: number;
  dispose(): void;
}

export async function newInstallation(dialect: DialectName, env: NodeJS.ProcessEnv = {}): Promise<Installation> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-fault-'));
  let url = `sqlite:${join(dir, 'mamori.db')}`;
  let schema: string | undefined;
  if (dialect === 'postgres') {
    schema = testSchemaName();
    const admin = new pg.Client({ connectionString: postgresUrl()! });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    // Dropped with every test schema in the global teardown (test/global-setup.ts).
    url = `${postgresUrl()}${postgresUrl()!.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  const all: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    MAMORI_DATA_DIR: dir,
    MAMORI_KEY_FILE: join(dir, 'keys.json'),
    MAMORI_COOKIE_SECURE: 'false',
    MAMORI_DEMO_MEMBERS: '20',
    MAMORI_JOBS: 'off',
    LOG_LEVEL: 'warn',
    ...env,
  };
  delete all.MAMORI_DATA_KEYS;
  return {
    dialect,
    dir,
    url,
    ...(schema ? { schema } : {}),
    env: all,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A running child process with its output so far and a promise of its end. */
export interface Running {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the signal that ended it (null for a normal exit) and its exit code. */
  exited: Promise<{ signal: NodeJS.Signals | null; code: number | null }>;
  /** Resolves once `text` appears in the output; rejects if the process ends first. */
  waitFor(text: string | RegExp): Promise<void>;
  /** SIGKILL, and the end awaited. */
  kill(): Promise<NodeJS.Signals | null>;
}

export function run(inst: Installation, args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...inst.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ signal: NodeJS.Signals | null; code: number | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ signal, code });
      for (const w of [...waiters]) w();
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (typeof text === 'string' ? out.includes(text) : text.test(out)) {
            waiters.delete(check);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check);
            reject(new Error(`the process ended before ${String(text)} appeared:\n${out}`));
          }
        };
        waiters.add(check);
        check();
      }),
    kill: async () => {
      child.kill('SIGKILL');
      return (await exited).signal;
    },
  };
}

/** `mamori <args>` to its end (exit code and output). */
export function runToEnd(inst: Installation, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env: inst.env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export interface Server extends Running {
  base: string;
  /** The TOTP secrets printed on the first start (seeded demo), by login. */
  totp: Record<string, string>;
}

/** `mamori serve` on a free port (the same one on a restart), resolved once it answers `/health` (the demo is seeded on the first start). */
export async function startServer(inst: Installation, env: NodeJS.ProcessEnv = {}): Promise<Server> {
  inst.port ??= await freePort();
  const port = inst.port;
  const proc = run(inst, ['serve', '--port', String(port)], { PORT: String(port), ...env });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`the server exited (${proc.child.exitCode}):\n${proc.output()}`);
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`the server did not start within 60 s:\n${proc.output()}`);
    }
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const totp: Record<string, string> = {};
  for (const m of proc.output().matchAll(/^\s+(\S+)\s.*TOTP secret: ([A-Z2-7]+)/gm)) totp[m[1]!] = m[2]!;
  return { ...proc, base, totp };
}

/** A signed-in browser: cookies and the CSRF token kept between requests. */
export class Browser {
  readonly #cookies = new Map<string, string>();
  #csrf: string | undefined;
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  #keep(r: Response) {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const value = pair!.slice(eq + 1);
      if (value === '') this.#cookies.delete(pair!.slice(0, eq));
      else this.#cookies.set(pair!.slice(0, eq), value);
    }
  }

  async request(method: string, path: string, json?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const unsafe = method !== 'GET' && method !== 'HEAD';
    if (unsafe && !this.#csrf) {
      const r = await this.request('GET', '/api/v1/auth/csrf');
      this.#csrf = String(r.body.token);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#cookies.size) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (unsafe) headers['x-csrf-token'] = this.#csrf!;
    if (json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, { method, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
    this.#keep(res);
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = {};
    }
    return { status: res.status, body };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, json?: unknown) {
    return this.request('POST', path, json ?? {});
  }

  /** Signs in a demo user; `totpSecret` answers the second factor of officers and administrators. */
  async signIn(login: string, totpSecret?: string): Promise<void> {
    let r = await this.post('/api/v1/auth/login', { login, password: DEMO_PASSWORD });
    if (r.body.mfa === 'totp') {
      if (!totpSecret) throw new Error(`${login} needs a TOTP secret`);
      r = await this.post('/api/v1/auth/totp', { code: currentTotp(totpSecret) });
    }
    if (r.status !== 200) throw new Error(`sign-in of ${login} failed: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
