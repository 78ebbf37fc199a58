/**
 * How an API error names what is wrong with one field (or one place of an uploaded file): the `issues` of an
 * error answer. The server's error catalogue (base/errors.ts) builds them; the console shows them by field.
 */
export interface FieldIssue {
  field: string;
  code: string;
  message_ja: string;
  message_en: string;
  /** Where the problem is in an uploaded file (1-based). */
  line?: number;
  column?: number;
}
