/**
 * Shapes what leaves the server about a member: only the items the access decision allowed. Raw rows never
 * leave; the bank account is decrypted only when the purpose may use it.
 */

import { type MemberField, memberFieldCodes } from '../../contract/member-fields.ts';
import type { MemberTable } from '../../db/schema.ts';
import type { KeyRing } from '../crypto/data-keys.ts';

export type PresentedMember = { id: string; version: number } & Partial<Record<MemberField, string | number | null>>;

const ledgerFields = new Set<string>(memberFieldCodes);

export function presentMember(row: MemberTable, items: readonly string[], keys: KeyRing): PresentedMember {
  const out: PresentedMember = { id: row.id, version: row.version };
  for (const item of items) {
    if (!ledgerFields.has(item)) continue; // an item of the policy that the ledger does not hold (yet)
    if (item === 'bank_account') out.bank_account = row.bank_account_enc ? keys.decrypt(row.bank_account_enc) : null;
    else out[item as MemberField] = row[item as Exclude<MemberField, 'bank_account'>];
  }
  return out;
}
