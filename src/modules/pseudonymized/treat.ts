/**
 * What becomes of one value of a column (the treatments of contract/pseudonymized-vocabulary.ts). Coarsening errs
 * on the side of less: an address whose municipality cannot be read is cut to its prefecture, and one whose
 * prefecture cannot be read is left empty — never written whole.
 */
import type { KeyObject } from 'node:crypto';
import type { MemberField } from '../../contract/member-fields.ts';
import { pseudonymizedValueLabels, type Treatment } from '../../contract/pseudonymized-vocabulary.ts';
import { pseudonym } from './pseudonym.ts';

const PREFECTURE = /^(北海道|東京都|京都府|大阪府|[^\s\d都道府県]{2,3}県)/u;
/** Cities whose name holds 市 (四日市市, 廿日市市, 野々市市): a lazy match would stop inside the name. */
const CITY_WITH_SHI = /^(四日市市|廿日市市|野々市市)/u;
const MUNICIPALITY = [
  /^[^市区町村郡]{1,6}市[^市区町村郡]{1,4}区/u, // a designated city and its ward (仙台市青葉区)
  /^[^市区町村郡]{1,6}郡[^市区町村郡]{1,6}[町村]/u, // a district and its town or village (宮城郡利府町)
  /^[^市区町村郡]{1,6}[市区町村]/u, // a city, a Tokyo ward, a town or a village
];

/** The prefecture of an address (`宮城県`), or null when it does not start with one. */
export function prefectureOf(address: string): string | null {
  return PREFECTURE.exec(address.trim())?.[1] ?? null;
}

/** The address up to its municipality (`宮城県仙台市青葉区`); the prefecture alone when that cannot be read. */
export function municipalityOf(address: string): string | null {
  const a = address.trim();
  const pref = prefectureOf(a);
  if (!pref) return null;
  const rest = a.slice(pref.length);
  const special = CITY_WITH_SHI.exec(rest)?.[1];
  if (special) return pref + special;
  for (const re of MUNICIPALITY) {
    const m = re.exec(rest);
    if (m) return pref + m[0];
  }
  return pref;
}

export type Cell = string | number | null;

/** One value as the column's treatment makes it (`remove` columns are never asked for). */
export function treatValue(field: MemberField, treatment: Treatment, value: string | number | null, key: KeyObject): Cell {
  if (value === null || value === '') return null;
  const s = String(value);
  switch (treatment) {
    case 'keep':
      return pseudonymizedValueLabels[field]?.[s] ?? value;
    case 'pseudonym':
      return pseudonym(key, field, s);
    case 'prefecture':
      return prefectureOf(s);
    case 'municipality':
      return municipalityOf(s);
    case 'postal_area': {
      const digits = s.replace(/\D/g, '');
      return digits.length >= 3 ? digits.slice(0, 3) : null;
    }
    case 'year_month':
      return /^\d{4}-\d{2}/.test(s) ? s.slice(0, 7) : null;
    case 'year':
      return /^\d{4}/.test(s) ? s.slice(0, 4) : null;
    case 'remove':
      return null;
  }
}
