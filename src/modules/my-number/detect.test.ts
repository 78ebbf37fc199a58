import { describe, expect, it } from 'vitest';
import { containsMyNumber, findMyNumberFields, isValidMyNumber, myNumberCheckDigit } from './detect.ts';

/** Builds a valid number from 11 digits (synthetic, not anyone's). */
const valid = (first11: string) => first11 + String(myNumberCheckDigit(first11));

describe('My Number check digit', () => {
  it.each([
    // first 11 digits, expected check digit (worked by hand from the rule in appi.md)
    ['12345678901', 8],
    ['00000000000', 0],
    ['11111111111', 8],
    ['98765432109', 3],
  ])('%s → %i', (first11, check) => {
    expect(myNumberCheckDigit(first11)).toBe(check);
  });

  it('accepts only the right check digit', () => {
    expect(isValidMyNumber('123456789018')).toBe(true);
    for (let d = 0; d <= 9; d++) {
      if (d !== 8) expect(isValidMyNumber(`12345678901${d}`)).toBe(false);
    }
    expect(isValidMyNumber('12345678901')).toBe(false);
  });
});

describe('containsMyNumber', () => {
  const n = valid('12345678901');
  it.each([
    [n, true],
    [`${n.slice(0, 4)} ${n.slice(4, 8)} ${n.slice(8)}`, true],
    [`${n.slice(0, 4)}-${n.slice(4, 8)}-${n.slice(8)}`, true],
    [n.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)), true],
    [`${n.slice(0, 4)}　${n.slice(4, 8)}ー${n.slice(8)}`, true],
    [`マイナンバーは${n}です`, true],
    ['123456789012', false], // wrong check digit
    [`9${n}`, false], // 13 digits: a JAN code, not a My Number
    ['090-1234-5678', false], // phone
    ['980-0000', false], // postal code
    ['', false],
  ])('%s → %s', (text, expected) => {
    expect(containsMyNumber(text)).toBe(expected);
  });

  it('names every field that holds one, nested too', () => {
    expect(findMyNumberFields({ name: '山田', note: `番号 ${n}`, extra: { a: [1, n] } })).toEqual(['note', 'extra.a[1]']);
    expect(findMyNumberFields({ phone: '022-771-1590' })).toEqual([]);
  });
});
