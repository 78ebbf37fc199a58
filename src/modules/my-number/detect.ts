/**
 * 個人番号 (My Number) detection. mamori never accepts a My Number for a member, in any field of any input
 * path. This module decides whether a text holds one; the callers decide which texts to ask about (see
 * app/my-number-guard.ts) and pass the normalisation their storage applies, so that a number is caught on
 * what would be stored as well as on what was typed.
 *
 * How a text is read:
 * - Digits in any form count: ASCII, full-width, mathematical (𝟏), circled (①, ❶, ➀), superscript and
 *   subscript (¹, ₁), and the decimal digits of every other script. The text is folded with NFKC, the
 *   circled digits NFKC leaves alone are mapped, other scripts' digits become ASCII digits, and invisible
 *   format characters (zero-width space and joiners, soft hyphen, BOM, bidi controls) are removed.
 * - A run is digit groups separated by any number of separators: whitespace of every kind, dashes and
 *   hyphens of every kind (Unicode Pd, minus signs), dots and middle dots, and the prolonged sound mark ー.
 * - A run holds a My Number when its digits, all together, are 12 with the right check digit; or when one of
 *   its groups is; or when consecutive groups of one length (4-4-4, 3-3-3-3, 2×6, 1×12, 6-6) make 12 digits
 *   with the right check digit. A run that starts right after `+` (an international phone number such as
 *   +81-90-1234-5678) is not read as a whole, only by its groups.
 * What does not count: 13-digit JAN codes (one group of 13), dates and times (slashes and colons are not
 * separators), amounts (commas are not separators), phone numbers and postal codes (10, 11 or 7 digits).
 */

/** Check digit per the My Number rules: P(n) read from the right, Q(n) = n+1 (n ≤ 6) or n−5 (n ≥ 7). */
export function myNumberCheckDigit(first11: string): number {
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = first11.charCodeAt(11 - n) - 48;
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

export function isValidMyNumber(digits: string): boolean {
  if (!/^\d{12}$/.test(digits)) return false;
  return myNumberCheckDigit(digits.slice(0, 11)) === digits.charCodeAt(11) - 48;
}

/**
 * BMP characters other than ASCII that are, or fold to, digits: [first, last, digits each] (at most). Per
 * code point, the number of decimal digits in its NFKC form (⑩ → "10" counts 2, ⅒ → "1⁄10" counts 3), or 1
 * for a decimal digit NFKC keeps (Arabic-Indic, Devanagari, …), or 1 for a circled digit NFKC keeps (❶, ➀).
 * detect.test.ts recomputes this from Unicode for every code point.
 */
const DIGIT_LIKE: readonly (readonly [number, number, number])[] = [
  [0xb2, 0xb3, 1],
  [0xb9, 0xb9, 1],
  [0xbc, 0xbe, 2],
  [0x660, 0x669, 1],
  [0x6f0, 0x6f9, 1],
  [0x7c0, 0x7c9, 1],
  [0x966, 0x96f, 1],
  [0x9e6, 0x9ef, 1],
  [0xa66, 0xa6f, 1],
  [0xae6, 0xaef, 1],
  [0xb66, 0xb6f, 1],
  [0xbe6, 0xbef, 1],
  [0xc66, 0xc6f, 1],
  [0xce6, 0xcef, 1],
  [0xd66, 0xd6f, 1],
  [0xde6, 0xdef, 1],
  [0xe50, 0xe59, 1],
  [0xed0, 0xed9, 1],
  [0xf20, 0xf29, 1],
  [0x1040, 0x1049, 1],
  [0x1090, 0x1099, 1],
  [0x17e0, 0x17e9, 1],
  [0x1810, 0x1819, 1],
  [0x1946, 0x194f, 1],
  [0x19d0, 0x19d9, 1],
  [0x1a80, 0x1a89, 1],
  [0x1a90, 0x1a99, 1],
  [0x1b50, 0x1b59, 1],
  [0x1bb0, 0x1bb9, 1],
  [0x1c40, 0x1c49, 1],
  [0x1c50, 0x1c59, 1],
  [0x2070, 0x2070, 1],
  [0x2074, 0x2079, 1],
  [0x2080, 0x2089, 1],
  [0x2150, 0x2151, 2],
  [0x2152, 0x2152, 3],
  [0x2153, 0x215e, 2],
  [0x215f, 0x215f, 1],
  [0x2189, 0x2189, 2],
  [0x2460, 0x2468, 1],
  [0x2469, 0x2473, 2],
  [0x2474, 0x247c, 1],
  [0x247d, 0x2487, 2],
  [0x2488, 0x2490, 1],
  [0x2491, 0x249b, 2],
  [0x24ea, 0x24ea, 1],
  [0x24eb, 0x24f4, 2],
  [0x24f5, 0x24fe, 2],
  [0x24ff, 0x24ff, 1],
  [0x2776, 0x2793, 2],
  [0x3251, 0x325f, 2],
  [0x32b1, 0x32bf, 2],
  [0x32c0, 0x32c8, 1],
  [0x32c9, 0x32cb, 2],
  [0x3358, 0x3361, 1],
  [0x3362, 0x3370, 2],
  [0x3378, 0x3379, 1],
  [0x339f, 0x33a6, 1],
  [0x33a8, 0x33a8, 1],
  [0x33af, 0x33af, 1],
  [0x33e0, 0x33e8, 1],
  [0x33e9, 0x33fe, 2],
  [0xa620, 0xa629, 1],
  [0xa8d0, 0xa8d9, 1],
  [0xa900, 0xa909, 1],
  [0xa9d0, 0xa9d9, 1],
  [0xa9f0, 0xa9f9, 1],
  [0xaa50, 0xaa59, 1],
  [0xabf0, 0xabf9, 1],
  [0xff10, 0xff19, 1],
];

/**
 * High surrogates of the planes with digit-like characters (mathematical digits 𝟎–𝟿 at U+1D7CE, 🄀–🄊, the
 * digits of historic scripts, segmented digits): each counts 1, since none of those characters folds to more.
 */
const DIGIT_LIKE_HIGH_SURROGATES = [
  0xd801, 0xd803, 0xd804, 0xd805, 0xd806, 0xd807, 0xd818, 0xd81a, 0xd81b, 0xd833, 0xd835, 0xd838, 0xd839, 0xd83a, 0xd83c, 0xd83e,
];

/** Per UTF-16 code unit: how many digits it can stand for at most (ASCII digits 1). */
const WEIGHT = (() => {
  const w = new Uint8Array(0x10000);
  for (let c = 48; c <= 57; c++) w[c] = 1;
  for (const [first, last, n] of DIGIT_LIKE) w.fill(n, first, last + 1);
  for (const c of DIGIT_LIKE_HIGH_SURROGATES) w[c] = 1;
  return w;
})();

/** An upper bound of the digits `text` can hold in any form (counting stops at `enough`). */
export function digitLikeCount(text: string, enough: number): number {
  let n = 0;
  for (let i = 0; i < text.length && n < enough; i++) n += WEIGHT[text.charCodeAt(i)]!;
  return n;
}

/** Circled digits NFKC keeps as they are: ⓫–⓴ (11–20), ⓵–⓾ (1–10), ⓿, ❶–❿, ➀–➉, ➊–➓ (1–10). */
function circledValue(c: number): string {
  if (c >= 0x24eb && c <= 0x24f4) return String(c - 0x24eb + 11);
  if (c >= 0x24f5 && c <= 0x24fe) return String(c - 0x24f5 + 1);
  if (c === 0x24ff) return '0';
  return String(((c - 0x2776) % 10) + 1);
}
const CIRCLED = /[\u24eb-\u24ff\u2776-\u2793]/g;

/** Decimal digit value of a non-ASCII `\p{Nd}` character: its place in its run of ten (runs start at 0). */
const ND = /^\p{Nd}$/u;
const ndValues = new Map<string, string>();
function ndValue(ch: string): string {
  let value = ndValues.get(ch);
  if (value === undefined) {
    let cp = ch.codePointAt(0)!;
    let offset = 0;
    while (ND.test(String.fromCodePoint(cp - 1))) {
      cp--;
      offset++;
    }
    value = String(offset % 10);
    ndValues.set(ch, value);
  }
  return value;
}

// Invisible characters: format controls (zero-width space and joiners, soft hyphen, BOM, bidi marks) and CGJ.
const INVISIBLE = /\p{Cf}|\u034f/gu;
const OTHER_DIGIT = /(?![0-9])\p{Nd}/gu;

/** The text as the detector reads it: NFKC, circled digits mapped, invisible characters out, ASCII digits. */
export function foldForDetection(text: string): string {
  let t = /^[\x20-\x7e]*$/.test(text) ? text : text.normalize('NFKC');
  t = t.replace(CIRCLED, (c) => circledValue(c.charCodeAt(0))).replace(INVISIBLE, '');
  return t.replace(OTHER_DIGIT, ndValue);
}

// Separators between digit groups: whitespace, dashes and hyphens (Pd), minus signs, ー, dots and middle dots.
const SEP = '[\\s\\p{Pd}\\u2212\\u2796\\u2043\\u30fc\\u30fb.\\u00b7\\u2022\\u2027\\u2219\\u22c5]';
const RUN = new RegExp(`[0-9]+(?:${SEP}+[0-9]+)*`, 'gu');
const GROUP = /[0-9]+/g;

function runHoldsMyNumber(run: string, international: boolean): boolean {
  const groups = run.match(GROUP)!;
  if (!international && run.length >= 12) {
    const all = groups.length === 1 ? groups[0]! : groups.join('');
    if (all.length === 12 && isValidMyNumber(all)) return true;
  }
  if (groups.length === 1) return false;
  for (let i = 0; i < groups.length; i++) {
    const len = groups[i]!.length;
    if (len === 12) {
      if (isValidMyNumber(groups[i]!)) return true;
      continue;
    }
    if (len > 12 || 12 % len !== 0) continue;
    const k = 12 / len;
    if (i + k > groups.length) continue;
    let uniform = true;
    for (let j = i + 1; j < i + k && uniform; j++) uniform = groups[j]!.length === len;
    if (uniform && isValidMyNumber(groups.slice(i, i + k).join(''))) return true;
  }
  return false;
}

function foldedHoldsMyNumber(folded: string): boolean {
  for (const match of folded.matchAll(RUN)) {
    const international = match.index > 0 && folded.charCodeAt(match.index - 1) === 43; // '+'
    if (runHoldsMyNumber(match[0], international)) return true;
  }
  return false;
}

/**
 * True when `text` holds something that is a valid My Number, as typed or, when `stored` is given, as it
 * would be stored (pass the very normalisation the storage applies, e.g. members' `normalizeText`).
 * Fast path: text with fewer than 12 digit-like characters is clean without folding (most text is).
 */
export function containsMyNumber(text: string, stored?: (text: string) => string): boolean {
  if (digitLikeCount(text, 12) < 12) return false;
  if (foldedHoldsMyNumber(foldForDetection(text))) return true;
  if (!stored) return false;
  const s = stored(text);
  return s !== text && foldedHoldsMyNumber(foldForDetection(s));
}

/**
 * The names of the fields of `input` (nested objects and arrays too, dotted paths) whose string or number
 * value holds a My Number. Empty when the input is clean. Iterative: nesting deeper than `maxDepth` is
 * reported as the field `(too deep)` at that path rather than walked.
 */
export function findMyNumberFields(input: unknown, path = '', stored?: (text: string) => string, maxDepth = 64): string[] {
  const found: string[] = [];
  const stack: [unknown, string, number][] = [[input, path, 0]];
  while (stack.length) {
    const [value, at, depth] = stack.pop()!;
    const name = at || '(value)';
    if (typeof value === 'string') {
      if (containsMyNumber(value, stored)) found.push(name);
    } else if (typeof value === 'number') {
      if (containsMyNumber(String(value))) found.push(name);
    } else if (value && typeof value === 'object') {
      if (depth >= maxDepth) {
        found.push(`${name} (too deep)`);
        continue;
      }
      const entries = Array.isArray(value)
        ? value.map((v, i) => [`${at}[${i}]`, v] as const)
        : Object.entries(value).map(([k, v]) => [at ? `${at}.${k}` : k, v] as const);
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i]![1], entries[i]![0], depth + 1]);
    }
  }
  return found;
}
