/** TOTP second factor (RFC 6238, 30 s, 6 digits, SHA-1: what authenticator apps expect). */
import { Secret, TOTP } from 'otpauth';

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = 'mamori'): TOTP {
  return new TOTP({ issuer: 'mamori', label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
}

/** The otpauth:// URI an authenticator app scans. */
export function totpUri(secret: string, login: string): string {
  return totp(secret, login).toString();
}

/**
 * The time step (30-s counter) a code belongs to, accepting the current step or one either side (clock
 * drift); null when the code is wrong. Callers refuse a step at or before the last one accepted (no replay).
 */
export function matchTotp(secret: string, code: string, at: Date = new Date()): number | null {
  const token = code.normalize('NFKC').replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secret).validate({ token, timestamp: at.getTime(), window: 1 });
  return delta === null ? null : Math.floor(at.getTime() / 30_000) + delta;
}

export function currentTotp(secret: string, at: Date = new Date()): string {
  return totp(secret).generate({ timestamp: at.getTime() });
}
