/**
 * Exporting the ledger: gathers the assets in the reader's scope, records the export in the audit trail (a
 * register leaving the system is evidence an auditor asks about), and hands back what the workbook needs.
 * The API streams it as a download; the CLI writes it to a file.
 *
 * The ledger is a report that tolerates a short lag: it is read from the streaming replica when there is one
 * and it is fresh enough (`ctx.replica`), and the export is recorded on the primary afterwards, with the number
 * of assets that left. Nothing is handed back unless the record is written.
 */

import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { appendAuditAlone } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import type { LedgerWorkbookInput } from './export-xlsx.ts';
import type { LedgerScope } from './permissions.ts';
import { listAssets } from './read-assets.ts';
import { japanDate } from './schedule.ts';

export async function prepareLedgerExport(
  ctx: AppContext,
  opts: {
    scope: LedgerScope;
    /** Who is recorded as exporting (a staff user, or the CLI operator). */
    actor: Actor;
    /** Marks which assets the caller may edit (not part of the export). */
    staff?: StaffActor;
    department?: string | undefined;
    status?: 'active' | 'all' | undefined;
    via: string;
  },
): Promise<LedgerWorkbookInput> {
  const now = ctx.clock();
  const today = japanDate(now);
  const { org, assets } = await ctx.replica.read(async (db) => {
    const org = await db.selectFrom('organizations').select(['code', 'name']).where('id', '=', opts.scope.orgId).executeTakeFirstOrThrow();
    const { assets } = await listAssets(db, {
      scope: opts.scope,
      filters: { department: opts.department, status: opts.status ?? 'active' },
      today,
      ...(opts.staff ? { actor: opts.staff } : {}),
    });
    return { org, assets };
  });
  await appendAuditAlone(
    ctx.db,
    opts.actor,
    {
      action: 'ledger.export',
      outcome: 'ok',
      orgId: opts.scope.orgId,
      detail: { assets: assets.length, department: opts.department ?? null, via: opts.via },
    },
    ctx.clock,
  );
  return { organization: org, assets, today, generatedAt: now };
}
