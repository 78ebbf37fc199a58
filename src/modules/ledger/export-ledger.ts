/**
 * Exporting the ledger: gathers the assets in the reader's scope, records the export in the audit trail (a
 * register leaving the system is evidence an auditor asks about), and hands back what the workbook needs.
 * The API streams it as a download; the CLI writes it to a file.
 */

import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { appendAudit } from '../audit/append.ts';
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
  return ctx.db.transaction().execute(async (tx) => {
    const org = await tx.selectFrom('organizations').select(['code', 'name']).where('id', '=', opts.scope.orgId).executeTakeFirstOrThrow();
    const { assets } = await listAssets(tx, {
      scope: opts.scope,
      filters: { department: opts.department, status: opts.status ?? 'active' },
      today,
      ...(opts.staff ? { actor: opts.staff } : {}),
    });
    await appendAudit(
      tx,
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
  });
}
