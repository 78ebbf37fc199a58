/**
 * Sending e-mail. In production mamori talks SMTP (`MAMORI_SMTP_URL`, e.g. `smtp://mail.example.coop:587`);
 * by default (development, the demo) every mail is written as an `.eml` file to an outbox folder instead, so
 * nothing leaves the machine and a developer can open what a member would receive.
 *
 * Mails are sent after the change they announce has committed: a failed send never undoes a request or a
 * consent, and the caller records the failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  /** Plain text, in one language (notify/templates.ts). */
  text: string;
}

export interface Mailer {
  /** `smtp` or `outbox`: shown at start-up and in the docs. */
  readonly kind: 'smtp' | 'outbox';
  /** Where mails go: the SMTP host, or the outbox folder. */
  readonly target: string;
  send(mail: Mail): Promise<{ messageId: string }>;
  close(): void;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`; without it mails go to `outboxDir`. */
  smtpUrl?: string | undefined;
  outboxDir: string;
  from: string;
}

export function createMailer(opts: MailerOptions): Mailer {
  return opts.smtpUrl ? smtpMailer(opts.smtpUrl, opts.from) : outboxMailer(opts.outboxDir, opts.from);
}

function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  const parsed = new URL(url);
  return {
    kind: 'smtp',
    target: `${parsed.hostname}:${parsed.port || (parsed.protocol === 'smtps:' ? 465 : 587)}`,
    async send(mail) {
      const info = await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

function outboxMailer(dir: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let n = 0;
  return {
    kind: 'outbox',
    target: dir,
    async send(mail) {
      const info = await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
      mkdirSync(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      n += 1;
      writeFileSync(join(dir, `${stamp}-${process.pid}-${n}.eml`), info.message as Buffer);
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

/** Every context carries this service (`base/context.ts` knows no module; the module adds its own). */
declare module '../../base/context.ts' {
  interface AppContext {
    /** E-mail to members and the privacy office (SMTP, or the outbox folder by default). */
    mailer: Mailer;
  }
}
