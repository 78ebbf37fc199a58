/**
 * The transfers made to the joint users of one joint use, newest first: what went, for which purpose, how many
 * people, who was left out and why, the file's checksum, who made it and when (read: the `handovers` duty).
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { assertHandover } from './permissions.ts';
import type { TransferView } from './schemas.ts';

/** At most this many transfers are listed (the audit trail holds every one). */
const LIMIT = 200;

export async function listTransfers(
  ctx: AppContext,
  opts: { actor: StaffActor; jointUse: string },
): Promise<{ transfers: TransferView[] }> {
  assertHandover(opts.actor, 'read');
  const rows = await ctx.db
    .selectFrom('joint_use_transfers')
    .selectAll()
    .where('org_id', '=', opts.actor.orgId)
    .where('joint_use_code', '=', opts.jointUse)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(LIMIT)
    .execute();
  return {
    transfers: rows.map((r) => ({
      id: r.id,
      joint_use_code: r.joint_use_code,
      purpose_code: r.purpose_code,
      items: JSON.parse(r.items) as string[],
      record_count: Number(r.record_count),
      left_out: JSON.parse(r.left_out) as Record<string, number>,
      charset: r.charset === 'shift_jis' ? 'shift_jis' : 'utf-8',
      file_sha256: r.file_sha256,
      made_by_name: r.made_by_name,
      created_at: r.created_at,
    })),
  };
}
