import { describe, expect, it } from 'vitest';
import { isKana, kanaSearchKey, normalizeDate, normalizeKana, normalizePhone, normalizePostalCode, normalizeText } from './normalize.ts';

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
