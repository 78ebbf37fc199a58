/**
 * Test helpers for the member page: a mailer that keeps what it sends (to read the one-time code), and an
 * in-process client with its own cookie jar, CSRF header and client address (the portal's rate limits are
 * per address, so each client gets its own unless told otherwise).
 */
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Mail, Mailer } from '../../src/modules/notify/mailer.ts';

export interface CapturingMailer extends Mailer {
  readonly sent: Mail[];
  /** The 6-digit code of the last mail to this address. */
  lastCode(to: string): string | undefined;
}

export function capturingMailer(): CapturingMailer {
  const sent: Mail[] = [];
  return {
    kind: 'outbox',
    target: 'memory',
    sent,
    async send(mail) {
      sent.push(mail);
      return { messageId: `<${sent.length}@test>` };
    },
    close() {},
    lastCode(to) {
      const mail = sent.findLast((m) => m.to === to);
      return mail?.text.match(/確認コード[:：]\s*(\d{6})/)?.[1];
    },
  };
}

export interface PortalResponse {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; message_ja: string; message_en: string; issues?: { field: string; code: string }[] };
  };
  raw: string;
  headers: Record<string, string | string[] | number | undefined>;
}

let nextAddress = 1;

export class PortalClient {
  readonly #app: FastifyInstance;
  readonly #cookies = new Map<string, string>();
  readonly address: string;
  #csrf: string | undefined;

  constructor(app: FastifyInstance, address = `10.0.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`) {
    this.#app = app;
    this.address = address;
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  async request(method: InjectOptions['method'], url: string, json?: unknown): Promise<PortalResponse> {
    const unsafe = method !== 'GET' && method !== 'HEAD';
    if (unsafe && !this.#csrf) this.#csrf = String((await this.request('GET', '/api/v1/auth/csrf')).body.token);
    const headers: Record<string, string> = {};
    if (this.#cookies.size) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (unsafe && this.#csrf) headers['x-csrf-token'] = this.#csrf;
    if (json !== undefined) headers['content-type'] = 'application/json';
    const res = await this.#app.inject({
      method,
      url,
      headers,
      remoteAddress: this.address,
      ...(json !== undefined ? { payload: JSON.stringify(json) } : {}),
    });
    for (const c of res.cookies) {
      if (c.value === '' || (c.maxAge !== undefined && c.maxAge <= 0)) this.#cookies.delete(c.name);
      else this.#cookies.set(c.name, c.value);
    }
    let body: PortalResponse['body'] = {};
    try {
      body = JSON.parse(res.body);
    } catch {
      body = {};
    }
    return { status: res.statusCode, body, raw: res.body, headers: res.headers };
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, json?: unknown) {
    return this.request('POST', url, json);
  }
}
