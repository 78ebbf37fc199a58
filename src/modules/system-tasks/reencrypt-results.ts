/**
 * `mamori keys rotate`: what disclosure tasks found in the connected systems (`system_tasks.result_enc`) is
 * re-encrypted with the new primary key, like every other encrypted value.
 */
import type { DbOrTx } from '../../db/database.ts';
import { KeyRing } from '../crypto/data-keys.ts';

export async function reencryptTaskResults(db: DbOrTx, ring: KeyRing): Promise<number> {
  const rows = await db.selectFrom('system_tasks').select(['id', 'result_enc']).where('result_enc', 'is not', null).execute();
  let count = 0;
  for (const r of rows) {
    if (KeyRing.keyIdOf(r.result_enc!) === ring.primaryId) continue;
    await db
      .updateTable('system_tasks')
      .set({ result_enc: ring.encrypt(ring.decrypt(r.result_enc!)) })
      .where('id', '=', r.id)
      .where('result_enc', '=', r.result_enc)
      .execute();
    count++;
  }
  return count;
}
