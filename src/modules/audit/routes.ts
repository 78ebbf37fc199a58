/** Audit trail, chain verification and alerts, for the privacy office and internal auditors. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { streamDownload } from '../../base/downloads.ts';
import { requireKind } from '../../base/guard.ts';
import { csvCharsets, exportFormats, XLSX_TYPE } from '../../base/table-export.ts';
import { auditOutcomes } from '../../contract/audit-vocabulary.ts';
import { acknowledgeAlerts, MAX_ACKNOWLEDGE } from './acknowledge.ts';
import { ALERT_LIST_LIMIT, listAlerts } from './alerts.ts';
import { appendAuditAlone } from './append.ts';
import { prepareAuditExport } from './export.ts';
import { NO_MATCH, resolveAuditFilters, searchAudit, staffNameReaders } from './search.ts';
import { drainAuditQueue } from './sequencer.ts';
import { verifyAuditChain } from './verify.ts';

/** What the officer found, kept with the acknowledged alert and in its audit entry. */
const ackNote = z.string().max(1000).optional();

const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, 'ISO 8601');

/** The screen's filters, for the search and the export alike. */
const filterFields = {
  member: z.string().max(64).optional(),
  actor: z.string().max(64).optional(),
  purpose: z.string().max(20).optional(),
  action: z.string().max(60).optional(),
  outcome: z.enum(auditOutcomes).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
};

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/audit',
      {
        config: { roles: ['privacy_officer', 'auditor'] },
        schema: {
          tags: ['audit'],
          summary: '監査記録の検索 / search the audit trail',
          querystring: z.strictObject({
            ...filterFields,
            before: z.coerce.number().int().min(1).optional(),
            limit: z.coerce.number().int().min(1).max(500).optional(),
          }),
        },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer', 'auditor']);
        const q = req.query;
        // A pure read of the trail (the access was decided above, from the session): served by the streaming
        // replica when it is fresh enough (entries of the last seconds may not be there yet); the search's own
        // entry is written to the primary. Entries still queued (PostgreSQL) are chained on the primary first.
        await drainAuditQueue(ctx.db);
        const { query, result } = await ctx.replica.read(async (db) => {
          const query = await resolveAuditFilters(db, actor.orgId, q);
          const result = await searchAudit(
            db,
            { ...query, ...(q.before ? { before: q.before } : {}), ...(q.limit ? { limit: q.limit } : {}) },
            { staffNames: staffNameReaders.includes(actor.roleKind) },
          );
          return { query, result };
        });
        // The entry names the member searched for by id (a member code is resolved above; an unknown one names none).
        const member = query.memberId && query.memberId !== NO_MATCH ? query.memberId : null;
        await appendAuditAlone(
          ctx.db,
          actor,
          {
            action: 'audit.search',
            outcome: 'ok',
            orgId: actor.orgId,
            memberId: member,
            detail: {
              actor: q.actor ?? null,
              purpose: q.purpose ?? null,
              action: q.action ?? null,
              outcome: q.outcome ?? null,
              from: q.from ?? null,
              to: q.to ?? null,
            },
          },
          ctx.clock,
        );
        return result;
      },
    );

    app.get(
      '/audit/export',
      {
        config: { roles: ['privacy_officer', 'auditor'] },
        schema: {
          tags: ['audit'],
          summary: '監査記録の出力（CSV・Excel）/ export the filtered audit trail (CSV or xlsx)',
          description:
            'The same filters as GET /audit, every matching entry (newest first) as CSV (UTF-8 with BOM, or Shift_JIS) or xlsx, ' +
            'headers and words in `lang` (Japanese by default), times in JST. The export is itself recorded in the trail. ' +
            'More than 100,000 matching entries: 422 `export_too_large`.',
          querystring: z.strictObject({
            ...filterFields,
            format: z.enum(exportFormats).default('csv'),
            charset: z.enum(csvCharsets).default('utf-8'),
            lang: z.enum(['ja', 'en']).default('ja'),
          }),
          produces: ['text/csv', XLSX_TYPE],
        },
      },
      async (req, reply) => {
        const actor = requireKind(req, ['privacy_officer', 'auditor']);
        const { format, charset, lang, ...filters } = req.query;
        const out = await prepareAuditExport(ctx, {
          actor,
          orgId: actor.orgId,
          filters,
          format,
          charset,
          lang,
          staffNames: staffNameReaders.includes(actor.roleKind),
          via: 'api',
        });
        const { headers, body } = streamDownload(out);
        return reply.headers(headers).send(body);
      },
    );

    app.post(
      '/audit/verify',
      {
        config: { roles: ['privacy_officer', 'auditor', 'system_admin'] },
        schema: { tags: ['audit'], summary: '監査記録の連鎖検証 / verify the audit chain' },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer', 'auditor', 'system_admin']);
        const result = await verifyAuditChain(ctx.db);
        // The verdict is returned even when recording it fails (a forged entry may hold the next sequence number).
        await appendAuditAlone(
          ctx.db,
          actor,
          {
            action: 'audit.verify',
            outcome: result.ok ? 'ok' : 'failed',
            orgId: actor.orgId,
            detail: { entries: result.entries, first_bad: result.firstBad?.seq ?? null },
          },
          ctx.clock,
        ).catch((error: unknown) => req.log.error({ err: error }, 'could not record the audit verification'));
        return result;
      },
    );

    app.get(
      '/alerts',
      {
        config: { roles: ['privacy_officer', 'auditor'] },
        schema: {
          tags: ['audit'],
          summary: 'アラート一覧 / alerts',
          querystring: z.strictObject({ status: z.enum(['open', 'acknowledged']).optional() }),
        },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer', 'auditor']);
        // One more than shown tells whether the list goes on (the menu's badge counts them all: /attention).
        const alerts = await listAlerts(ctx.db, actor.orgId, req.query.status, ALERT_LIST_LIMIT + 1);
        return { alerts: alerts.slice(0, ALERT_LIST_LIMIT), more: alerts.length > ALERT_LIST_LIMIT };
      },
    );

    app.post(
      '/alerts/:id/acknowledge',
      {
        config: { roles: ['privacy_officer'] },
        schema: {
          tags: ['audit'],
          summary: 'アラートの確認 / acknowledge an alert',
          params: z.strictObject({ id: z.string().max(64) }),
          body: z.strictObject({ note: ackNote }).nullish(),
        },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer']);
        await acknowledgeAlerts(ctx, actor, [req.params.id], req.body?.note);
        return { ok: true };
      },
    );

    app.post(
      '/alerts/acknowledge',
      {
        config: { roles: ['privacy_officer'] },
        schema: {
          tags: ['audit'],
          summary: 'アラートの一括確認 / acknowledge several alerts',
          description:
            '選択したアラートをまとめて確認済みにします（1件ごとに監査記録）。既に確認済みのものは skipped に返します。 / Acknowledges the given alerts at once (one audit entry each); alerts already acknowledged are returned in skipped.',
          body: z.strictObject({ ids: z.array(z.string().max(64)).min(1).max(MAX_ACKNOWLEDGE), note: ackNote }),
          response: { 200: z.object({ acknowledged: z.array(z.string()), skipped: z.array(z.string()) }) },
        },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer']);
        return acknowledgeAlerts(ctx, actor, req.body.ids, req.body.note);
      },
    );
  };
}
