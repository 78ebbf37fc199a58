/**
 * What a failed run keeps of its error (`job_runs.last_error`, shown to administrators): the error's class,
 * its code (an AppError code, a Node `ECONNREFUSED`, a PostgreSQL SQLSTATE) and the first line of its message
 * with anything that could be personal data taken out — quoted values, e-mail addresses, numbers of three or more digits and dotted or colon-separated ones (addresses, dates),
 * `key=value` pairs (PostgreSQL's `Key (email)=(…)`) and every non-ASCII run (a name in kanji or kana).
 * Handlers work on members' records and mails, and an error could quote them.
 */
import { AppError } from '../../base/errors.ts';

const MAX = 300;

export function summarizeError(error: unknown): string {
  if (error instanceof AppError) return `AppError [${error.code}]`;
  if (!(error instanceof Error)) return 'non-error thrown';
  const code = (error as { code?: unknown }).code;
  const head = `${error.name}${typeof code === 'string' || typeof code === 'number' ? ` [${redact(String(code)).slice(0, 40)}]` : ''}`;
  const message = redact(error.message);
  return (message ? `${head}: ${message}` : head).slice(0, MAX);
}

export function redact(message: string): string {
  return (message.split(/\r?\n/, 1)[0] ?? '')
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '…')
    .replace(/[^\s@<>()]+@[^\s@<>()]+/g, '…@…')
    .replace(/=\s*\([^)]*\)/g, '=(…)')
    .replace(/=\s*[^\s,;()…]+/g, '=…')
    .replace(/\d+(?:[.:/-]\d+)+|\d{3,}/g, '#')
    .replace(/[^\x20-\x7e…]+/g, '…')
    .replace(/…(?:\s*…)+/g, '…')
    .trim();
}
