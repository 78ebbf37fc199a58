/**
 * The report of rejected rows (取込エラー一覧): one CSV line per problem, with the line number, the member
 * code, the field and the reason in Japanese and English. UTF-8 with a BOM so that Excel opens it as is.
 * Written to a temporary file while the import runs and renamed into place once its outcome is final.
 * It never contains a My Number: such a row is reported by field name only.
 */
import { once } from 'node:events';
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { AppError } from '../../base/errors.ts';
import { csvField } from '../../base/spreadsheet.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import { memberFieldLabels } from '../members/fields.ts';

export interface RejectedRow {
  line: number;
  memberCode: string;
  field: string;
  code: string;
  message_ja: string;
  message_en: string;
}

/** Where the report is written while the import runs (this process's own name, put in place at the end). */
export const temporaryReportPath = (path: string) => `${path}.${process.pid}.tmp`;

const columns = ['line', 'member_code', 'field', 'field_ja', 'code', 'message_ja', 'message_en'];

/** `members.csv` → `members.rejected.csv`, next to the input. */
export function defaultReportPath(input: string): string {
  return join(dirname(input), `${basename(input, extname(input))}.rejected.csv`);
}

export class RejectionReport {
  readonly path: string;
  readonly #tmp: string;
  readonly #out: WriteStream;

  #error: Error | undefined;

  /** Opens the temporary file now, so that an unwritable place is refused before the import starts. */
  constructor(path: string) {
    this.path = path;
    this.#tmp = temporaryReportPath(path);
    let fd: number;
    try {
      fd = openSync(this.#tmp, 'w', 0o600);
    } catch (error) {
      throw new AppError('import_report_unwritable', [
        {
          field: 'report',
          code: 'unwritable',
          message_ja: `却下行の一覧 ${path} を書き込めません（--report で場所を指定できます）。`,
          message_en: `Cannot write the report ${path}: ${(error as Error).message} (choose another place with --report).`,
        },
      ]);
    }
    this.#out = createWriteStream('', { fd });
    this.#out.on('error', (error) => {
      this.#error ??= error;
    });
    this.#out.write(`\uFEFF${columns.join(',')}\r\n`);
  }

  async add(rows: readonly RejectedRow[]): Promise<void> {
    if (rows.length === 0) return;
    let text = '';
    for (const r of rows) {
      const label = memberFieldLabels[r.field as MemberField]?.ja ?? '';
      text += `${[r.line, r.memberCode, r.field, label, r.code, r.message_ja, r.message_en].map(csvField).join(',')}\r\n`;
    }
    if (this.#error) throw this.#error;
    if (!this.#out.write(text)) await once(this.#out, 'drain');
  }

  /** Puts the report in place. */
  async commit(): Promise<void> {
    this.#out.end();
    await once(this.#out, 'close');
    if (this.#error) throw this.#error;
    await rename(this.#tmp, this.path);
  }

  async discard(): Promise<void> {
    if (!this.#out.closed) {
      this.#out.end();
      await once(this.#out, 'close').catch(() => {});
    }
    await unlink(this.#tmp).catch(() => {});
  }
}
