import { describe, expect, it } from 'vitest';
import {
  isKana,
  kanaSearchKey,
  NFKC_STABLE,
  nfkc,
  normalizeDate,
  normalizeKana,
  normalizePhone,
  normalizePostalCode,
  normalizeText,
} from './normalize.ts';

describe('Japanese normalisation', () => {
  it.each([
    ['ﾔﾏﾀﾞ ﾊﾅｺ', 'ヤマダ ハナコ'],
    ['やまだ　はなこ', 'ヤマダ ハナコ'],
    ['ヤマダ  ハナコ', 'ヤマダ ハナコ'],
  ])('kana %s → %s', (input, expected) => {
    expect(normalizeKana(input)).toBe(expected);
    expect(kanaSearchKey(input)).toBe('ヤマダハナコ');
  });

  it('folds full-width ASCII in text', () => {
    expect(normalizeText('ＡＢＣ　１２３')).toBe('ABC 123');
  });

  it('knows kana from kanji', () => {
    expect(isKana('ヤマダ ハナコ')).toBe(true);
    expect(isKana('山田')).toBe(false);
  });

  it.each([
    ['０２２−７７１−１５９０', '022-771-1590'],
    ['022(771)1590', '022-771-1590'],
    ['090 1234 5678', '09012345678'],
  ])('phone %s → %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each([
    ['９８１−３１９４', '981-3194'],
    ['9813194', '981-3194'],
    ['98131', null],
  ])('postal code %s → %s', (input, expected) => {
    expect(normalizePostalCode(input)).toBe(expected);
  });

  it.each([
    ['2024-04-01', '2024-04-01'],
    ['2024/4/1', '2024-04-01'],
    ['２０２４年４月１日', '2024-04-01'],
    ['令和6年4月1日', '2024-04-01'],
    ['R6.4.1', '2024-04-01'],
    ['平成元年1月8日', '1989-01-08'],
    ['昭和50年12月31日', '1975-12-31'],
    ['2023-02-29', null],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['1900-02-29', null],
    ['2024-04-31', null],
    ['2024-00-10', null],
    ['2024-13-01', null],
    ['yesterday', null],
  ])('date %s → %s', (input, expected) => {
    expect(normalizeDate(input)).toBe(expected);
  });
});

describe('the NFKC fast path', () => {
  const stable: string[] = [];
  for (const [from, to] of [
    [0x20, 0x7e],
    [0x3041, 0x3096],
    [0x30a1, 0x30fa],
    [0x30fc, 0x30fc],
    [0x4e00, 0x9fff],
  ] as const) {
    for (let c = from; c <= to; c++) stable.push(String.fromCharCode(c));
  }

  it('takes only characters that NFKC leaves alone', () => {
    expect(stable.length).toBeGreaterThan(21_000);
    const changed = stable.filter((c) => !NFKC_STABLE.test(c) || c.normalize('NFKC') !== c);
    expect(changed).toEqual([]);
  });

  it('gives what normalize("NFKC") gives on random texts of those characters and of others', () => {
    // Neighbours of the set that NFKC does change: sound marks, half-width kana, full-width ASCII, ideographic space.
    const others = ['\u3099', '\u309b', '\u309f', '\u30ff', 'ｶ', 'ﾞ', 'Ａ', '１', '\u3000', '\u2460', '\uf900', 'ｰ'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      let s = '';
      const len = 1 + rand(12);
      for (let k = 0; k < len; k++) s += rand(10) === 0 ? others[rand(others.length)] : stable[rand(stable.length)];
      if (NFKC_STABLE.test(s)) fast++;
      expect(nfkc(s)).toBe(s.normalize('NFKC'));
      expect(normalizeText(s)).toBe(
        s
          .normalize('NFKC')
          .replace(/[\s\u3000]+/g, ' ')
          .trim(),
      );
    }
    expect(fast).toBeGreaterThan(5_000);
  });

  it('collapses and trims ASCII spaces on the fast path', () => {
    expect(normalizeText('  山田  花子 ')).toBe('山田 花子');
    expect(normalizeText('ヤマダ ハナコ')).toBe('ヤマダ ハナコ');
  });
});
