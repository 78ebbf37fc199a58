/**
 * `mamori keys rotate`: what disclosure tasks found in the connected systems (`system_tasks.result_enc`) is
 * re-encrypted with the new primary key, like every other encrypted value.
 */
import type { DbOrTx } from '../../db/database.ts';
import type { KeyRing } from '../crypto/data-keys.ts';
import { reencryptSealedColumn } from '../crypto/sealed.ts';

export function reencryptTaskResults(db: DbOrTx, ring: KeyRing): Promise<number> {
  return reencryptSealedColumn(db, ring, 'system_tasks', 'result_enc');
}
