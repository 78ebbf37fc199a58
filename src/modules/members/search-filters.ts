/**
 * The member search's filters as staff type them: an address prefix (都道府県から, 「宮城県仙台市青葉区」) and a
 * birth year or a range of years (「1980」, 「1970-1979」, full-width digits and 〜 too). Each bad value becomes a
 * field issue with a Japanese and an English message, so the console can say exactly what to fix.
 */
import type { FieldIssue } from '../../contract/errors.ts';
import { normalizeText } from './normalize.ts';

/** Matches counted exactly; beyond, the total reads 「1,000 件以上」. Also the furthest a page may start. */
export const SEARCH_COUNT_CAP = 1000;

/** Years a birth-year filter may name. */
export const BIRTH_YEAR_MIN = 1868;
export const BIRTH_YEAR_MAX = 2100;
/** Shortest address prefix: one character names nothing useful (「宮」). */
export const ADDRESS_PREFIX_MIN = 2;

export interface SearchFilters {
  /** Normalised address prefix (as stored: NFKC, spaces collapsed). */
  address?: string;
  /** Birth dates from `from` (inclusive) to `before` (exclusive), `YYYY-MM-DD`. */
  birth?: { from: string; before: string; years: [number, number] };
}

export type ParsedFilters = { filters: SearchFilters; issues: [] } | { filters?: undefined; issues: FieldIssue[] };

/** Parses the raw filter parameters; empty strings mean no filter. */
export function parseSearchFilters(raw: { address?: string | undefined; birth_year?: string | undefined }): ParsedFilters {
  const issues: FieldIssue[] = [];
  const filters: SearchFilters = {};
  if (raw.address !== undefined) {
    const address = normalizeText(raw.address);
    if (address.length > 0 && [...address].length < ADDRESS_PREFIX_MIN) {
      issues.push({
        field: 'address',
        code: 'too_short',
        message_ja: `住所は${ADDRESS_PREFIX_MIN}文字以上、都道府県から入力してください（例：宮城県仙台市）。`,
        message_en: `Give at least ${ADDRESS_PREFIX_MIN} characters of the address, from the prefecture (e.g. 宮城県仙台市).`,
      });
    } else if (address) filters.address = address;
  }
  if (raw.birth_year !== undefined) {
    const parsed = parseBirthYears(raw.birth_year);
    if ('issue' in parsed) issues.push(parsed.issue);
    else if (parsed.years) {
      const [from, to] = parsed.years;
      filters.birth = { from: `${from}-01-01`, before: `${to + 1}-01-01`, years: [from, to] };
    }
  }
  return issues.length > 0 ? { issues } : { filters, issues: [] };
}

const RANGE = /^(\d{4})?\s*[-‐−–—~〜～]\s*(\d{4})?$/;

function parseBirthYears(value: string): { years?: [number, number] } | { issue: FieldIssue } {
  const text = value.normalize('NFKC').replace(/年/g, '').trim();
  if (!text) return {};
  const bad = (code: string, ja: string, en: string) => ({ issue: { field: 'birth_year', code, message_ja: ja, message_en: en } });
  let from: number;
  let to: number;
  if (/^\d{4}$/.test(text)) {
    from = to = Number(text);
  } else {
    const m = RANGE.exec(text);
    if (!m || (!m[1] && !m[2])) {
      return bad(
        'invalid_format',
        '生年は西暦4桁の年か、その範囲で入力してください（例：1980、1970-1979）。',
        'Give the birth year as a four-digit year or a range (e.g. 1980, 1970-1979).',
      );
    }
    from = m[1] ? Number(m[1]) : BIRTH_YEAR_MIN;
    to = m[2] ? Number(m[2]) : BIRTH_YEAR_MAX;
  }
  if (from < BIRTH_YEAR_MIN || to > BIRTH_YEAR_MAX) {
    return bad(
      'out_of_range',
      `生年は${BIRTH_YEAR_MIN}年から${BIRTH_YEAR_MAX}年までで入力してください。`,
      `Birth years go from ${BIRTH_YEAR_MIN} to ${BIRTH_YEAR_MAX}.`,
    );
  }
  if (from > to) {
    return bad(
      'range_reversed',
      '生年の範囲は、古い年から新しい年の順に入力してください（例：1970-1979）。',
      'Give the earlier year first (e.g. 1970-1979).',
    );
  }
  return { years: [from, to] };
}
