/**
 * Cells of the spreadsheets mamori writes (CSV and xlsx): a text cell that starts with = + - @, a tab or a
 * carriage return would be read by Excel or LibreOffice as a formula (`=cmd|' /C calc'!A0`, `=HYPERLINK(…)`).
 * Following the OWASP rule for CSV injection, such a cell gets a leading single quote, which spreadsheets
 * show as text and never evaluate. Numbers stay numbers: a number column's −1200 is written as a number, not
 * as text; only text is ever prefixed.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text that a spreadsheet will never evaluate as a formula. */
export function neutralizeText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * One cell's value made safe: text is neutralised, numbers, booleans, dates and empty cells pass unchanged
 * (so a number column keeps its negative numbers numeric).
 */
export function safeCell<T>(value: T): T | string {
  return typeof value === 'string' ? neutralizeText(value) : value;
}

/** One CSV field (RFC 4180 quoting), neutralised first; numbers are written as they are. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'number' ? String(value) : neutralizeText(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
