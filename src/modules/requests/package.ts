/**
 * Handing over a disclosure package in the form asked (JSON, CSV or PDF), to the person on their page or to
 * the privacy office for a paper answer. Each hand-over is recorded in the audit trail.
 *
 * The office's draft — the package of a request in progress or approved but not yet answered, previewed before
 * approval and checked before the answer — tolerates a short lag and is built from the streaming replica when there is one and it is fresh enough. The
 * package that answers the person (on their page, or on paper once the request is answered) is built from
 * the primary: it must hold everything up to the moment it is handed over.
 */
import type { FastifyReply } from 'fastify';
import type { StaffOrMemberActor as RequestActor } from '../../base/actors.ts';
import type { AppContext } from '../../base/context.ts';
import { contentDisposition } from '../../base/downloads.ts';
import type { SubjectRequestTable } from '../../db/schema.ts';
import { appendAuditAlone } from '../audit/append.ts';
import { auditActor } from '../consent/consents.ts';
import { buildPackage } from '../disclosure/build.ts';
import { packageToCsv } from '../disclosure/csv.ts';
import { columnLabels, type PackageRow, packageRows } from '../disclosure/package-rows.ts';
import { renderDisclosurePdf } from '../disclosure/pdf.ts';

export const packageForms = ['pdf', 'json', 'csv'] as const;
export type PackageForm = (typeof packageForms)[number];

export async function deliverPackage(
  ctx: AppContext,
  reply: FastifyReply,
  actor: RequestActor,
  row: SubjectRequestTable,
  form: PackageForm,
  via: 'page' | 'console',
): Promise<FastifyReply> {
  const pkg = await packageOf(ctx, row, via);
  await appendAuditAlone(
    ctx.db,
    auditActor(actor),
    { action: 'disclosure.package', outcome: 'ok', orgId: row.org_id, memberId: row.member_id, detail: { request: row.id, form, via } },
    ctx.clock,
  );
  const name = { ja: `開示_${row.reference}.${form}`, ascii: `disclosure-${row.reference}.${form}` };
  reply.header('content-disposition', contentDisposition(name)).header('cache-control', 'no-store');
  if (form === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(pkg, null, 2));
  if (form === 'csv') return reply.type('text/csv; charset=utf-8').send(packageToCsv(pkg));
  return reply.type('application/pdf').send(await renderDisclosurePdf(pkg));
}

/** States in which the office may see the package: from in progress (the preview before approval) on. */
export const packageStates: readonly SubjectRequestTable['state'][] = ['in_progress', 'approved', 'answered', 'closed'];

async function packageOf(ctx: AppContext, row: SubjectRequestTable, via: 'page' | 'console') {
  const draft = via === 'console' && (row.state === 'in_progress' || row.state === 'approved');
  return draft
    ? ctx.replica.read((db) => buildPackage(ctx, row.member_id, { request: row, db }))
    : buildPackage(ctx, row.member_id, { request: row });
}

export interface PackagePreview {
  generated_at: string;
  /** The language the person receives the package in (Japanese unless they chose another). */
  language: 'ja' | 'en';
  columns: string[];
  /** Exactly the rows of the CSV the person receives (disclosure/package-rows.ts). */
  rows: PackageRow[];
}

/** The package as the person will read it, for the office to check before approving; audited like a download. */
export async function previewPackage(ctx: AppContext, actor: RequestActor, row: SubjectRequestTable): Promise<PackagePreview> {
  const pkg = await packageOf(ctx, row, 'console');
  await appendAuditAlone(
    ctx.db,
    auditActor(actor),
    {
      action: 'disclosure.package',
      outcome: 'ok',
      orgId: row.org_id,
      memberId: row.member_id,
      detail: { request: row.id, form: 'preview', via: 'console' },
    },
    ctx.clock,
  );
  return { generated_at: pkg.generated_at, language: 'ja', columns: columnLabels.map((c) => c.ja), rows: packageRows(pkg, 'ja') };
}
