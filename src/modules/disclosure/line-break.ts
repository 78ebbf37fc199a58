/**
 * Line breaking for Japanese in table cells (日本語の改行と禁則処理). Japanese has no spaces between words: a line
 * may break between any two characters, except that closing brackets, 、。 and small kana never start a line
 * and opening brackets never end one (行頭・行末禁則). Latin words and numbers stay whole unless one alone is
 * wider than the line.
 *
 * pdfkit wraps by UAX #14 too, but re-runs its wrapper for every cell drawn; a table repeats the same texts
 * (a purpose's name on thousands of access rows), so breaking once and remembering the lines is what keeps a
 * long access log fast.
 */

/** Never at the start of a line (行頭禁則). */
const NO_START = new Set(
  '、。，．,.・：:；;？?！!ー～〜）)］]｝}〕〉》」』】〙〗〟’”ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々〻‐゠–%％',
);
/** Never at the end of a line (行末禁則). */
const NO_END = new Set('（(［[｛{〔〈《「『【〘〖〝‘“');

/** Characters that run together into one unbreakable word: Latin letters, digits, ASCII punctuation. */
const isWordChar = (ch: string) => ch.codePointAt(0)! < 0x2e80 && ch !== ' ' && ch !== '\t';

/** Splits a line of text into the pieces that no break may fall inside. */
export function breakUnits(text: string): string[] {
  const units: string[] = [];
  let word = '';
  for (const ch of text) {
    if (isWordChar(ch)) {
      word += ch;
      continue;
    }
    if (word) units.push(word);
    word = '';
    units.push(ch === '\t' ? ' ' : ch);
  }
  if (word) units.push(word);
  const glued: string[] = [];
  for (const u of units) {
    const prev = glued.at(-1);
    if (prev !== undefined && prev !== ' ' && u !== ' ' && (NO_START.has(u[0]!) || NO_END.has(prev.at(-1)!)))
      glued[glued.length - 1] = prev + u;
    else glued.push(u);
  }
  return glued;
}

/**
 * Breaks `text` into lines no wider than `width` (as measured by `widthOf`), keeping its own line breaks.
 * Spaces at a break are dropped. Always returns at least one line.
 */
export function breakLines(text: string, width: number, widthOf: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let used = 0;
    const flush = () => {
      lines.push(line.trimEnd());
      line = '';
      used = 0;
    };
    const add = (piece: string, w: number) => {
      // Float sums of glyph advances differ from the width of the joined text in the last digits.
      if (line.trim() !== '' && used + w > width + 0.01) flush();
      if (line === '' && piece === ' ') return;
      line += piece;
      used += w;
    };
    for (const unit of breakUnits(paragraph)) {
      const w = widthOf(unit);
      if (w <= width) add(unit, w);
      else for (const ch of unit) add(ch, widthOf(ch));
    }
    flush();
  }
  return lines;
}
