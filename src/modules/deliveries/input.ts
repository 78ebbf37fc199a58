/**
 * What a delivery is asked to send, checked before anything is opened: a file name that is one plain name (no
 * folder, no `..`, no control characters, no character Windows forbids), column names, a format and charset.
 */
import { AppError } from '../../base/errors.ts';

/** A row or cell that does not fit the columns: found while writing, reported as `delivery_input_invalid`. */
export class DeliveryInputError extends Error {}

const FORBIDDEN = /[\\/:*?"<>|]/;
/** A control character (C0 or DEL): never in a file name a recipient is to open. */
const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** The notice written beside the data file. */
export const noticeFileName = (fileName: string) => `${fileName}.お読みください.txt`;

export function checkFileName(fileName: string): void {
  const bad =
    fileName.length === 0 ||
    fileName.length > 200 ||
    FORBIDDEN.test(fileName) ||
    hasControl(fileName) ||
    fileName.startsWith('.') ||
    fileName.trim() !== fileName ||
    fileName.endsWith('.');
  if (bad) throw new AppError('delivery_input_invalid', undefined, `The file name ${JSON.stringify(fileName)} is not one plain file name.`);
}

export function checkColumns(columns: readonly string[]): void {
  if (columns.length === 0) throw new AppError('delivery_input_invalid', undefined, 'A delivered table needs at least one column.');
  const seen = new Set<string>();
  for (const c of columns) {
    if (!c.trim() || c.length > 200) throw new AppError('delivery_input_invalid', undefined, 'A column name is empty or too long.');
    if (seen.has(c)) throw new AppError('delivery_input_invalid', undefined, `The column ${c} appears twice.`);
    seen.add(c);
  }
}
