/**
 * Japanese input normalisation for the member ledger. Staff type names, kana, phone numbers and postal
 * codes in every width and style; the ledger stores one form so that search and duplicate checks work.
 */

/**
 * Characters that NFKC leaves as they are, alone and next to each other: printable ASCII, hiragana ぁ–ゖ,
 * katakana ァ–ヺ and ー, and the CJK unified ideographs. None of them has a compatibility mapping or a
 * combining class, and no pair of them composes (the combining sound marks U+3099–309C are not among them),
 * so a text made only of these is already in NFKC. Most of what an import or a form sends is such text, and
 * this test costs a fraction of `normalize('NFKC')` (normalize.test.ts checks every character of the set).
 */
export const NFKC_STABLE = /^[\x20-\x7e\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff]*$/;

/** `value.normalize('NFKC')`, without the call for text that is already in NFKC (see `NFKC_STABLE`). */
export function nfkc(value: string): string {
  return NFKC_STABLE.test(value) ? value : value.normalize('NFKC');
}

/** NFKC folds full-width ASCII and half-width katakana; then whitespace is collapsed to single spaces. */
export function normalizeText(value: string): string {
  if (NFKC_STABLE.test(value)) {
    // Only ASCII spaces can need collapsing here.
    return value.includes('  ') || value.startsWith(' ') || value.endsWith(' ') ? value.replace(/ +/g, ' ').trim() : value;
  }
  return value
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, ' ')
    .trim();
}

/** Hiragana → katakana (ぁ-ゖ → ァ-ヶ), so that ふりがな and フリガナ compare equal. */
function hiraganaToKatakana(value: string): string {
  return value.replace(/[\u3041-\u3096\u309D\u309E]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

/** Kana as displayed: full-width katakana, one space between family and given name. */
export function normalizeKana(value: string): string {
  return hiraganaToKatakana(normalizeText(value));
}

/** Kana as searched: display kana without spaces or middle dots. */
export function kanaSearchKey(value: string): string {
  return normalizeKana(value).replace(/[\s・･]/g, '');
}

/** True when the value is kana only (katakana, prolonged sound mark, spaces, middle dots). */
export function isKana(value: string): boolean {
  return /^[\u30A0-\u30FF\s・]+$/.test(normalizeKana(value));
}

/** Digits only: `０２２−７７１−１５９０` → `0227711590`. */
export function digitsOnly(value: string): string {
  return nfkc(value).replace(/\D/g, '');
}

/** Phone as displayed: NFKC with hyphens unified, e.g. `022-771-1590`. */
export function normalizePhone(value: string): string {
  return nfkc(value)
    .replace(/[\u2010-\u2015\u2212\u30FC\uFF70]/g, '-')
    .replace(/[()\s]/g, (c) => (c === '(' || c === ')' ? '-' : ''))
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Postal code as `123-4567`; null when it does not have seven digits. */
export function normalizePostalCode(value: string): string | null {
  const d = digitsOnly(value);
  return d.length === 7 ? `${d.slice(0, 3)}-${d.slice(3)}` : null;
}

/** Dates: accepts `2024-04-01`, `2024/4/1`, `２０２４年４月１日`, `R6.4.1` / `令和6年4月1日`; null if not a real date. */
const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function normalizeDate(value: string): string | null {
  // Fast path for what core systems export: YYYY-MM-DD in ASCII.
  if (value.length === 10 && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const y = Number(value.slice(0, 4));
    const m = Number(value.slice(5, 7));
    const d = Number(value.slice(8, 10));
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (m < 1 || m > 12 || d < 1 || d > (m === 2 && !leap ? 28 : daysInMonth[m - 1]!)) return null;
    return value;
  }
  const v = nfkc(value).trim();
  let y: number;
  let m: number;
  let d: number;
  const western = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(v);
  const era = /^(令和|平成|昭和|大正|R|H|S|T)\s*(\d{1,2}|元)[.年/-](\d{1,2})[.月/-](\d{1,2})日?$/i.exec(v);
  if (western) {
    y = Number(western[1]);
    m = Number(western[2]);
    d = Number(western[3]);
  } else if (era) {
    const base: Record<string, number> = { 令和: 2018, R: 2018, 平成: 1988, H: 1988, 昭和: 1925, S: 1925, 大正: 1911, T: 1911 };
    const key = era[1]!.length === 1 ? era[1]!.toUpperCase() : era[1]!;
    y = base[key]! + (era[2] === '元' ? 1 : Number(era[2]));
    m = Number(era[3]);
    d = Number(era[4]);
  } else {
    return null;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Bank account as stored (before encryption): `bank-branch-type-number` with digits and a katakana holder. */
export function normalizeBankAccount(value: string): string {
  return normalizeText(value).replace(/\s*-\s*/g, '-');
}
