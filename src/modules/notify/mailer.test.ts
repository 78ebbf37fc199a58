/**
 * The mailer against a real SMTP server on loopback (smtp-server): the envelope, and the Subject and body as a
 * mail reader decodes them (RFC 2047 encoded words, base64 or quoted-printable UTF-8). Also the development
 * outbox (one .eml per mail) and a server that is down (the send rejects; the caller records the failure).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestKindLabels } from '../../contract/requests.ts';
import { createMailer } from './mailer.ts';
import { consentChanged, requestReceived } from './templates.ts';

const FROM = 'デモ生活協同組合 <no-reply@demo-coop.example.jp>';
const TO = 'hanako.yamada@example.jp';

interface Received {
  from: string | null;
  to: string[];
  raw: string;
}

/** A minimal reader of one message: unfolded headers by lower-case name, and the body as sent. */
function parseMessage(raw: string): { header: (name: string) => string; body: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { header: (name) => headers.get(name) ?? '', body: raw.slice(split).replace(/^\r?\n\r?\n/, '') };
}

function decodeQ(data: string, header: boolean): Buffer {
  const text = header ? data.replaceAll('_', ' ') : data.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes);
}

/**
 * Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`). Whitespace between two encoded words is
 * not part of the text, and the bytes of adjacent words are joined before decoding (a character may be split).
 */
function decodeWords(value: string): string {
  return value.replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=\s*)+/g, (run) => {
    const trailing = /\s*$/.exec(run)![0];
    const words = [...run.matchAll(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g)];
    const bytes = Buffer.concat(
      words.map(([, , enc, data]) => (enc!.toUpperCase() === 'B' ? Buffer.from(data!, 'base64') : decodeQ(data!, true))),
    );
    return new TextDecoder(words[0]![1]).decode(bytes) + trailing;
  });
}

function decodeBody(message: ReturnType<typeof parseMessage>): string {
  const encoding = message.header('content-transfer-encoding').toLowerCase();
  expect(message.header('content-type').toLowerCase()).toContain('charset=utf-8');
  if (encoding === 'base64') return Buffer.from(message.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQ(message.body, false).toString('utf8');
  return message.body;
}

describe('mailer over SMTP', () => {
  const received: Received[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('delivers a template: envelope, decoded Subject and Japanese body', async () => {
    const mail = requestReceived({
      orgName: 'デモ生活協同組合',
      reference: 'R2026-00012',
      kindLabel: requestKindLabels.disclosure,
      dueOn: '2026-06-15',
      pageUrl: 'http://localhost:8080/my/requests/R2026-00012',
    });
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, outboxDir: '/nonexistent', from: FROM });
    expect(mailer.kind).toBe('smtp');
    expect(mailer.target).toBe(`127.0.0.1:${port}`);
    const sent = await mailer.send({ to: TO, ...mail });
    mailer.close();

    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.from).toBe('no-reply@demo-coop.example.jp');
    expect(got.to).toEqual([TO]);
    const message = parseMessage(got.raw);
    // The raw header is ASCII (encoded words); decoded, it is the template's subject exactly.
    expect(message.header('subject')).toMatch(/^=\?UTF-8\?[BQ]\?/i);
    expect(decodeWords(message.header('subject'))).toBe(mail.subject);
    expect(decodeWords(message.header('subject'))).toBe('【デモ生活協同組合】請求を受け付けました（R2026-00012）');
    expect(decodeWords(message.header('from'))).toContain('デモ生活協同組合');
    expect(message.header('message-id')).toBe(sent.messageId);
    const body = decodeBody(message).replace(/\r\n/g, '\n');
    expect(body).toContain('ご請求を受け付けました。');
    expect(body).toContain('請求の種類：開示');
    expect(body).toContain('回答予定日：2026年6月15日までに');
    expect(body).not.toContain('Kind: Disclosure');
    expect(body.trimEnd()).toBe(mail.text.trimEnd());
  });

  it('rejects when the SMTP server is down, so that the caller can record the failure', async () => {
    const down = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const freePort = (down.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => down.close(() => resolve()));
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${freePort}`, outboxDir: '/nonexistent', from: FROM });
    await expect(mailer.send({ to: TO, subject: 'x', text: 'x' })).rejects.toThrow(/ECONNREFUSED|connect/i);
    mailer.close();
  });
});

describe('mailer outbox (development default)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mamori-outbox-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes one .eml file per mail, readable as the mail itself', async () => {
    const outbox = join(dir, 'outbox');
    const mailer = createMailer({ outboxDir: outbox, from: FROM });
    expect(mailer.kind).toBe('outbox');
    expect(mailer.target).toBe(outbox);
    const first = consentChanged({
      orgName: 'デモ生活協同組合',
      subjectName: '本人に関する行動、関心等の情報を分析し、本人の嗜好に沿った商品・サービスの提供のため',
      stateLabel: { ja: '停止（オプトアウト）', en: 'Opted out' },
      at: '2026-06-15T01:05:00.000Z',
    });
    await mailer.send({ to: TO, ...first });
    await mailer.send({ to: 'office@demo-coop.example.jp', subject: '二通目 / second', text: '二通目の本文 / second body' });
    mailer.close();

    const files = readdirSync(outbox).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
    const messages = files.map((f) => parseMessage(readFileSync(join(outbox, f), 'utf8')));
    const mail = messages.find((m) => m.header('to') === TO)!;
    expect(decodeWords(mail.header('subject'))).toBe(first.subject);
    const body = decodeBody(mail);
    expect(body).toContain('変更後：停止（オプトアウト）');
    expect(body).toContain('日時：2026年6月15日 10:05');
    // One language: the Japanese mail carries no English half.
    expect(body).not.toContain('At: 2026-06-15');
  });
});
