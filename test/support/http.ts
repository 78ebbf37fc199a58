/**
 * An in-process HTTP client for API tests: the real Fastify server (`app.inject`, no socket), with a
 * cookie jar and the CSRF header handled like the web console does.
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildServer } from '../../src/app/server.ts';
import { loadConfig } from '../../src/base/config.ts';
import { currentTotp } from '../../src/modules/auth/totp.ts';
import { DEMO_PASSWORD } from '../../src/modules/demo/seed.ts';
import type { Fixture } from './fixtures.ts';

export interface Response {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; message_ja: string; message_en: string; issues?: { field: string; code: string }[] };
  };
  raw: string;
  /** The body as sent (downloads: xlsx, Shift_JIS CSV). */
  bytes?: Buffer;
  headers: Record<string, string | string[] | number | undefined>;
}

export class Client {
  readonly #app: FastifyInstance;
  readonly #cookies: Map<string, string>;
  #csrf: string | undefined;

  readonly #address: string | undefined;

  /** `address`: the client's IP address (rate limits are per address); the default is inject's 127.0.0.1. */
  constructor(app: FastifyInstance, address?: string, cookies = new Map<string, string>()) {
    this.#app = app;
    this.#address = address;
    this.#cookies = cookies;
  }

  /**
   * The same browser talking to another server (another instance behind a proxy): a copy of this client's
   * cookies and CSRF token as they are now; later changes on either side stay on that side.
   */
  on(app: FastifyInstance): Client {
    const other = new Client(app, this.#address, new Map(this.#cookies));
    other.#csrf = this.#csrf;
    return other;
  }

  async request(
    method: InjectOptions['method'],
    url: string,
    opts: { json?: unknown; payload?: string; headers?: Record<string, string>; csrf?: boolean } = {},
  ): Promise<Response> {
    const unsafe = method !== 'GET' && method !== 'HEAD';
    if (unsafe && opts.csrf !== false && !this.#csrf) {
      const r = await this.request('GET', '/api/v1/auth/csrf');
      this.#csrf = String(r.body.token);
    }
    const headers: Record<string, string> = { ...opts.headers };
    if (this.#cookies.size) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (unsafe && opts.csrf !== false && this.#csrf) headers['x-csrf-token'] = this.#csrf;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    const res = await this.#app.inject({
      method,
      url,
      headers,
      ...(this.#address ? { remoteAddress: this.#address } : {}),
      ...(opts.json !== undefined ? { payload: JSON.stringify(opts.json) } : opts.payload !== undefined ? { payload: opts.payload } : {}),
    });
    for (const c of res.cookies) {
      if (c.value === '' || (c.maxAge !== undefined && c.maxAge <= 0)) this.#cookies.delete(c.name);
      else this.#cookies.set(c.name, c.value);
    }
    let body: Response['body'] = {};
    try {
      body = JSON.parse(res.body);
    } catch {
      body = {};
    }
    return { status: res.statusCode, body, raw: res.body, bytes: res.rawPayload, headers: res.headers };
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, json?: unknown) {
    return this.request('POST', url, json === undefined ? {} : { json });
  }
  patch(url: string, json?: unknown) {
    return this.request('PATCH', url, { json });
  }

  /** Signs in a demo user, answering the TOTP step from the stored secret when the role needs it. */
  async login(f: Fixture, login: string, password = DEMO_PASSWORD): Promise<Response> {
    const r = await this.post('/api/v1/auth/login', { login, password });
    if (r.body.mfa === 'totp') {
      const u = await f.ctx.db.selectFrom('users').select('totp_secret_enc').where('login', '=', login).executeTakeFirstOrThrow();
      return this.post('/api/v1/auth/totp', { code: currentTotp(f.ctx.keys.decrypt(u.totp_secret_enc!), f.ctx.clock()) });
    }
    return r;
  }
}

export async function testServer(f: Fixture, overrides: Parameters<typeof loadConfig>[1] = {}): Promise<FastifyInstance> {
  const config = loadConfig({}, { logLevel: 'silent', cookieSecure: false, ...overrides });
  return buildServer(f.ctx, config, { logger: false });
}
