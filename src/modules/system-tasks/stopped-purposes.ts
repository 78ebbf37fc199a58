/**
 * The stopped purposes of a connected system that cannot enforce a cessation of use itself (利用停止の連携):
 * mamori lists, for the members concerned, the person's link identity as the system knows it (member code,
 * e-mail or phone: the identities its map links by) and the purposes stopped for them that the system's tables
 * serve. A CSV in UTF-8 with a BOM and Japanese headers, for the system's administrators to load.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { csvField } from '../../base/spreadsheet.ts';
import { type IdentityKind, identityKindLabels } from '../../contract/connector-vocabulary.ts';
import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import { japanDate } from '../../db/time.ts';
import { appendAuditAlone } from '../audit/append.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { servesPurposes } from './identities.ts';
import { assertSystemTasks } from './permissions.ts';

export interface StoppedPurposesFile {
  fileName: { ja: string; ascii: string };
  csv: string;
  rows: number;
}

export async function exportStoppedPurposes(
  ctx: AppContext,
  opts: { actor: StaffActor; systemCode: string },
): Promise<StoppedPurposesFile> {
  assertSystemTasks(opts.actor, 'export_stops');
  const orgId = opts.actor.orgId;
  const policy = await policyInEffect(ctx.db, orgId);
  const system = policy?.document.systems.find((s) => s.code === opts.systemCode);
  if (!policy || !system) throw new AppError('system_not_mapped');
  // The purposes this system's tables serve: a stop of any other purpose is nothing to the system.
  const served = policy.document.purposes.map(purposeCodeOf).filter((code) => servesPurposes(system, policy.document, [code]));
  const identities = [...new Set<IdentityKind>(system.tables.flatMap((t) => (t.link ? [t.link.identity] : [])))].sort(
    (a, b) => ['member_code', 'email', 'phone'].indexOf(a) - ['member_code', 'email', 'phone'].indexOf(b),
  );
  if (identities.length === 0) identities.push('member_code');
  const rows =
    served.length === 0
      ? []
      : await ctx.db
          .selectFrom('member_purpose_blocks')
          .innerJoin('purposes', 'purposes.id', 'member_purpose_blocks.purpose_id')
          .innerJoin('members', 'members.id', 'member_purpose_blocks.member_id')
          .select([
            'members.member_code',
            'members.email',
            'members.phone',
            'purposes.code',
            'purposes.number',
            'purposes.name',
            'member_purpose_blocks.created_at',
          ])
          .where('members.org_id', '=', orgId)
          .where('member_purpose_blocks.kind', '=', 'stopped')
          .where('purposes.code', 'in', served)
          .orderBy('members.member_code')
          .orderBy('purposes.number')
          .execute();
  const header = [...identities.map((k) => identityKindLabels[k].ja), '利用停止の目的コード', '利用停止の目的', '停止日'];
  const line = (cells: (string | number | null)[]) => `${cells.map(csvField).join(',')}\r\n`;
  const body = rows.map((r) =>
    line([
      ...identities.map((k) => (k === 'member_code' ? r.member_code : k === 'email' ? r.email : r.phone)),
      r.code,
      r.name,
      japanDate(new Date(r.created_at)),
    ]),
  );
  await appendAuditAlone(
    ctx.db,
    opts.actor,
    { action: 'system.stopped_purposes', outcome: 'ok', orgId, detail: { system: system.code, rows: rows.length, purposes: served } },
    ctx.clock,
  );
  const day = japanDate(ctx.clock());
  return {
    fileName: { ja: `利用停止_${system.code}_${day}.csv`, ascii: `stopped-purposes-${system.code}-${day}.csv` },
    csv: `\uFEFF${line(header)}${body.join('')}`,
    rows: rows.length,
  };
}
