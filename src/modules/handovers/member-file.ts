/**
 * The file that leaves the co-op: the covered members' items as CSV (UTF-8 with a BOM, or Shift_JIS) through
 * base/table-export.ts, with the register's Japanese item names as headers and Japanese words for coded values
 * (性別, 利用形態, 状態). Only items the member ledger holds can be written; the caller has already limited the
 * items to what the joint use or the contract allows. Built in memory so that its SHA-256 is in the audit entry
 * written before the file is handed out.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { type CsvCharset, writeTable } from '../../base/table-export.ts';
import { type MemberField, memberFieldCodes } from '../../contract/member-fields.ts';
import type { MemberTable } from '../../db/schema.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { itemValueLabels } from '../disclosure/labels.ts';
import type { PolicyDocument } from '../policy/document.ts';

const ledgerFields = new Set<string>(memberFieldCodes);

/** Whether the member ledger holds the item (others live in connected systems or on paper). */
export const heldInLedger = (item: string): item is MemberField => ledgerFields.has(item);

export interface MemberFile {
  body: Buffer;
  rows: number;
  sha256: string;
}

function cell(row: MemberTable, item: MemberField, keys: KeyRing): string | number | null {
  if (item === 'bank_account') return row.bank_account_enc ? keys.decrypt(row.bank_account_enc) : null;
  const value = row[item];
  if (value === null || value === undefined) return null;
  const words = itemValueLabels[item]?.[String(value)];
  return words ? words.ja : value;
}

export async function writeMemberFile(opts: {
  doc: PolicyDocument;
  items: readonly MemberField[];
  rows: AsyncIterable<MemberTable[]>;
  charset: CsvCharset;
  keys: KeyRing;
}): Promise<MemberFile> {
  const names = new Map(opts.doc.items.map((i) => [i.code, i.name]));
  const chunks: Buffer[] = [];
  let rows = 0;
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  async function* counted() {
    for await (const batch of opts.rows) {
      rows += batch.length;
      yield batch;
    }
  }
  await writeTable<MemberTable>(out, {
    format: 'csv',
    charset: opts.charset,
    sheetName: 'data',
    columns: opts.items.map((item) => ({ header: names.get(item) ?? item, width: 16, value: (r) => cell(r, item, opts.keys) })),
    rows: counted(),
  });
  const body = Buffer.concat(chunks);
  return { body, rows, sha256: createHash('sha256').update(body).digest('hex') };
}
