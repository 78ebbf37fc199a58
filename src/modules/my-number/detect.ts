/**
 * 個人番号 (My Number) detection. mamori never accepts a My Number for a member, in any field of any input
 * path. A candidate is any run of exactly 12 digits, after folding full-width digits and allowing single
 * spaces or hyphens (any width) between digit groups, whose last digit is the check digit of the first 11.
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

// Digits (ASCII or full-width) in groups separated by one space or hyphen-like character of any width.
const SEP = '[ \\u3000\\-\\u2010-\\u2015\\u2212\\uFF0D\\u30FC]';
const DIGIT = '[0-9\\uFF10-\\uFF19]';
const RUN = new RegExp(`${DIGIT}+(?:${SEP}${DIGIT}+)*`, 'g');

function foldDigits(s: string): string {
  return s.replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\D/g, '');
}

/** True when `text` contains something that is a valid My Number. */
export function containsMyNumber(text: string): boolean {
  // Fast path: fewer than 12 digits in the whole text cannot hold one.
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) digits++;
  }
  if (digits < 12) return false;
  for (const match of text.matchAll(RUN)) {
    const run = foldDigits(match[0]);
    if (run.length === 12 && isValidMyNumber(run)) return true;
  }
  return false;
}

/**
 * The names of the fields of `input` (nested objects and arrays too, dotted paths) whose string value
 * contains a My Number. Empty when the input is clean.
 */
export function findMyNumberFields(input: unknown, path = ''): string[] {
  if (typeof input === 'string') return containsMyNumber(input) ? [path || '(value)'] : [];
  if (typeof input === 'number') return containsMyNumber(String(input)) ? [path || '(value)'] : [];
  if (Array.isArray(input)) return input.flatMap((v, i) => findMyNumberFields(v, `${path}[${i}]`));
  if (input && typeof input === 'object') {
    return Object.entries(input).flatMap(([k, v]) => findMyNumberFields(v, path ? `${path}.${k}` : k));
  }
  return [];
}
