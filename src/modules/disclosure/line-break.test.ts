/** Japanese line breaking with a fixed-width measure: every CJK character 1 wide, everything else 0.5. */
import { describe, expect, it } from 'vitest';
import { breakLines, breakUnits } from './line-break.ts';

const widthOf = (s: string) => [...s].reduce((w, ch) => w + (ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.5), 0);

describe('breakLines', () => {
  it('breaks Japanese between characters, filling each line', () => {
    expect(breakLines('共済契約の引き受け維持管理のため', 5, widthOf)).toEqual(['共済契約の', '引き受け維', '持管理のた', 'め']);
  });

  it('keeps 、。 closing brackets and small kana off the start of a line (行頭禁則)', () => {
    // Without the rule, the second line would start with 、 and the third with ）.
    expect(breakLines('商品・サービス、メンバー（組合員）', 7, widthOf)).toEqual(['商品・サービ', 'ス、メンバー', '（組合員）']);
    expect(breakLines('あいうえおっと', 5, widthOf)).toEqual(['あいうえ', 'おっと']);
  });

  it('keeps opening brackets off the end of a line (行末禁則)', () => {
    expect(breakLines('あいう「えお」', 4, widthOf)).toEqual(['あいう', '「えお」']);
  });

  it('keeps Latin words and numbers whole, breaking at spaces, unless one alone is too wide', () => {
    expect(breakLines('2026年6月15日 10:05', 7, widthOf)).toEqual(['2026年6月15日', '10:05']);
    expect(breakLines('ID 1000123 です', 4.5, widthOf)).toEqual(['ID', '1000123', 'です']);
    expect(breakLines('hanako.yamada@example.jp', 5, widthOf)).toEqual(['hanako.yam', 'ada@exampl', 'e.jp']);
  });

  it('keeps the line breaks of the text and never returns no line', () => {
    expect(breakLines('一行目\n二行目', 10, widthOf)).toEqual(['一行目', '二行目']);
    expect(breakLines('', 10, widthOf)).toEqual(['']);
  });
});

describe('breakUnits', () => {
  it('glues punctuation to its neighbours and keeps words whole', () => {
    expect(breakUnits('（組合員）の ID 123、')).toEqual(['（組', '合', '員）', 'の', ' ', 'ID', ' ', '123、']);
  });
});
