import { describe, expect, it } from 'vitest';
import { normalizeText } from '../members/normalize.ts';
import { containsMyNumber, digitLikeCount, findMyNumberFields, foldForDetection, isValidMyNumber, myNumberCheckDigit } from './detect.ts';

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

describe('containsMyNumber: every digit form and separator', () => {
  const n = valid('43210987654');
  const forms: Record<string, (d: number) => string> = {
    ascii: (d) => String(d),
    'full-width': (d) => String.fromCharCode(0xff10 + d),
    'mathematical bold': (d) => String.fromCodePoint(0x1d7ce + d),
    'mathematical double-struck': (d) => String.fromCodePoint(0x1d7d8 + d),
    'mathematical sans-serif': (d) => String.fromCodePoint(0x1d7e2 + d),
    'mathematical monospace': (d) => String.fromCodePoint(0x1d7f6 + d),
    circled: (d) => (d === 0 ? '⓪' : String.fromCharCode(0x2460 + d - 1)),
    'double circled / negative circled': (d) => (d === 0 ? '⓿' : String.fromCharCode(0x24f5 + d - 1)),
    superscript: (d) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[d]!,
    subscript: (d) => String.fromCharCode(0x2080 + d),
    'Arabic-Indic': (d) => String.fromCharCode(0x660 + d),
    devanagari: (d) => String.fromCharCode(0x966 + d),
  };
  const separators: Record<string, string> = {
    none: '',
    space: ' ',
    'double space': '  ',
    'ideographic space': '\u3000',
    NBSP: '\u00a0',
    tab: '\t',
    newline: '\n',
    'zero-width space': '\u200b',
    ZWNJ: '\u200c',
    ZWJ: '\u200d',
    'word joiner': '\u2060',
    BOM: '\ufeff',
    'soft hyphen': '\u00ad',
    'hyphen-minus': '-',
    hyphen: '\u2010',
    'non-breaking hyphen': '\u2011',
    'figure dash': '\u2012',
    'en dash': '\u2013',
    'em dash': '\u2014',
    'horizontal bar': '\u2015',
    minus: '\u2212',
    'full-width hyphen': '\uff0d',
    'small hyphen': '\ufe63',
    'prolonged sound mark ー': 'ー',
    'half-width ｰ': 'ｰ',
    dot: '.',
    'full-width dot': '．',
    'katakana middle dot': '・',
    'space-hyphen-space': ' - ',
  };
  const write = (form: (d: number) => string, sep: string, grouping: number[]) => {
    const digits = [...n].map((d) => form(Number(d)));
    const groups: string[] = [];
    let at = 0;
    for (const size of grouping) {
      groups.push(digits.slice(at, at + size).join(''));
      at += size;
    }
    return groups.join(sep);
  };
  for (const [formName, form] of Object.entries(forms)) {
    it(`${formName}, with every separator, 4-4-4 and digit by digit, inside Japanese text`, () => {
      for (const [sepName, sep] of Object.entries(separators)) {
        for (const grouping of [[4, 4, 4], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [12]]) {
          const text = `住所は仙台市、番号は${write(form, sep, grouping)}です`;
          expect(containsMyNumber(text), `${formName} / ${sepName} / ${grouping.join('-')}`).toBe(true);
          expect(containsMyNumber(normalizeText(text)), `stored: ${formName} / ${sepName}`).toBe(true);
        }
      }
    });
  }

  it('a number among other digits: one group of 12, a 4-4-4 window', () => {
    expect(containsMyNumber(`電話0227711590 ${n}`)).toBe(true);
    expect(containsMyNumber(`5 ${n.slice(0, 4)} ${n.slice(4, 8)} ${n.slice(8)} 7`)).toBe(true);
    expect(containsMyNumber(`TEL 090-1234-5678 ${n.slice(0, 4)}-${n.slice(4, 8)}-${n.slice(8)}`)).toBe(true);
  });

  it('reads the stored form when the caller passes its normalisation', () => {
    // Only the storage's own rule could join these; the detector alone does not read "/" as a separator.
    const typed = `${n.slice(0, 6)}/${n.slice(6)}`;
    expect(containsMyNumber(typed)).toBe(false);
    expect(containsMyNumber(typed, (s) => s.replace('/', ''))).toBe(true);
  });

  it.each([
    ['dates', '2024-04-01 2024/4/1 令和6年4月1日 R6.4.1 2024.04.01 2024年12月31日'],
    ['dates and times', '2024-04-01T10:30:00.000Z 2024-04-01 10:30 〜 2024-05-01 18:45'],
    ['a date and a phone number', '2024-04-01 022-771-1590'],
    ['phone numbers', '090-1234-5678 022-771-1590 0120-123-456 (03)1234-5678 +81-90-1234-5678 +81 90 1234 5678'],
    ['two phone numbers', '090-1234-5678 090-8765-4321'],
    ['postal codes', '〒980-0014 980-0014 1000001'],
    ['a postal code and a phone', '980-0014 022-771-1590'],
    ['amounts', '1,234,567円 ¥12,345,678 出資金 123,456,789,012 円 100,000,000,000'],
    ['JAN codes', `4901234567894 ${'4'}${n} 490123456789${myNumberCheckDigit('49012345678')}5`],
    ['a wrong check digit', `${n.slice(0, 11)}${(Number(n[11]) + 1) % 10}`],
    ['eleven digits', n.slice(0, 11)],
    ['UUID-like hex', '3f2a9c1e-0a1b-4c2d-8e3f-0a1b2c3d4e5f'],
  ])('%s pass', (_, text) => {
    expect(containsMyNumber(text)).toBe(false);
  });
});

describe('digit-like characters (the fast path)', () => {
  it('counts every code point that is or folds to a digit, at least as many as it folds to', () => {
    // Recomputed from Unicode: a character the fast path undercounts would let a number through unread.
    const nd = /\p{Nd}/u;
    let checked = 0;
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const digits = foldForDetection(ch).replace(/[^0-9]/g, '').length;
      if (digits === 0 && !nd.test(ch)) continue;
      checked++;
      expect(digitLikeCount(ch, 99), `U+${cp.toString(16)}`).toBeGreaterThanOrEqual(Math.max(digits, 1));
    }
    expect(checked).toBeGreaterThan(700);
    expect(digitLikeCount('山田 太郎 仙台市青葉区本町', 99)).toBe(0);
  });
});

describe('findMyNumberFields', () => {
  it('walks 3,000 levels without recursion and reports what is too deep', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 3000; i++) deep = { a: deep };
    expect(findMyNumberFields({ deep }, '', undefined, 64)).toEqual([`deep${'.a'.repeat(63)} (too deep)`]);
  });
});
