/**
 * The disclosure package as one CSV for spreadsheet users: the rows of `package-rows.ts` (one per fact, with
 * its section), in the person's language only (Japanese by default), values in words and times in Japan.
 * UTF-8 with a BOM (Excel in Japan opens it correctly), CRLF lines; no cell is ever evaluated as a formula
 * (base/spreadsheet.ts).
 */
import { stringify } from 'csv-stringify/sync';
import { safeCell } from '../../base/spreadsheet.ts';
import { columnLabels, type PackageLanguage, packageRows } from './package-rows.ts';
import type { DisclosurePackage } from './types.ts';

export function packageToCsv(pkg: DisclosurePackage, lang: PackageLanguage = 'ja'): string {
  // Every text cell is neutralised (a member named `=cmd|…` stays text in Excel); numbers stay numbers.
  const rows: (string | number)[][] = [
    columnLabels.map((c) => c[lang]),
    ...packageRows(pkg, lang).map((r) => [r.sectionLabel, r.item, r.value, r.at, r.detail].map(safeCell)),
  ];
  return `\uFEFF${stringify(rows, { record_delimiter: '\r\n' })}`;
}
