import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256, PSEUDONYM_HEX_LENGTH, pseudonymizer } from './pseudonym.ts';

describe('HMAC-SHA-256 with precomputed pad blocks', () => {
  it('equals node:crypto on ids, Japanese text, every length around the block edges, and keys short and long', () => {
    const keys = [16, 32, 64, 65, 100].map((n) => randomBytes(n));
    const messages = [
      '',
      'M00000001',
      '組合員 山田花子',
      ...Array.from({ length: 140 }, (_, n) => 'x'.repeat(n)),
      ...Array.from({ length: 40 }, (_, n) => 'あ'.repeat(n)),
    ];
    for (const key of keys) {
      const mac = hmacSha256(key);
      for (const m of messages) expect(mac(m)).toBe(createHmac('sha256', key).update(m).digest('hex'));
    }
  });

  it('equals node:crypto on random strings and keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 90 }), (key, m) => {
        expect(hmacSha256(key)(m, PSEUDONYM_HEX_LENGTH)).toBe(createHmac('sha256', key).update(m).digest('hex').slice(0, 32));
      }),
      { numRuns: 2000, seed: 14 },
    );
  });

  it('pseudonyms: 128 bits of hex, stable for one key, different across keys, never the value itself', () => {
    const a = pseudonymizer(new Uint8Array(32).fill(1), 'member');
    const b = pseudonymizer(new Uint8Array(32).fill(2), 'member');
    expect(a('M000001')).toBe(a('M000001'));
    expect(a('M000001')).not.toBe(b('M000001'));
    expect(a('M000001')).not.toBe(a('M000002'));
    expect(a('M000001')).not.toContain('000001');
    expect(a('M000001')).toMatch(/^[0-9a-f]{32}$/);
    expect(a(1234)).toBe(a('1234'));
    expect(a(null)).toBeNull();
  });
});
