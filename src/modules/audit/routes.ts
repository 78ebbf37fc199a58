/** Audit trail, chain verification and alerts, for the privacy office and internal auditors. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { requireKind } from '../../base/guard.ts';
import { acknowledgeAlerts, MAX_ACKNOWLEDGE } from './acknowledge.ts';
import { listAlerts } from './alerts.ts';
import { appendAuditAlone } from './append.ts';
import { searchAudit } from './search.ts';
import { drainAuditQueue } from './sequencer.ts';
import { verifyAuditChain } from './verify.ts';

/** What the officer found, kept with the acknowledged alert and in its audit entry. */
const ackNote = z.string().max(1000).optional();

const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, 'ISO 8601');

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
            member: z.string().max(64).optional(),
            actor: z.string().max(64).optional(),
            purpose: z.string().max(20).optional(),
            action: z.string().max(60).optional(),
            outcome: z.enum(['allowed', 'refused', 'ok', 'failed']).optional(),
            from: isoTime.optional(),
            to: isoTime.optional(),
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
        const result = await ctx.replica.read(async (db) => {
          // An actor may be given by login as well as by id.
          let actorId = q.actor;
          if (actorId && !/^[0-9a-f-]{36}$/.test(actorId)) {
            const u = await db
              .selectFrom('users')
              .select('id')
              .where('login', '=', actorId)
              .where('org_id', '=', actor.orgId)
              .executeTakeFirst();
            actorId = u?.id ?? '00000000-0000-0000-0000-000000000000';
          }
          // A member may be given by member code as well as by id.
          let memberId = q.member;
          if (memberId && !/^[0-9a-f-]{36}$/.test(memberId)) {
            const m = await db
              .selectFrom('members')
              .select('id')
              .where('org_id', '=', actor.orgId)
              .where('member_code', '=', memberId.normalize('NFKC').trim().toUpperCase())
              .executeTakeFirst();
            memberId = m?.id ?? '00000000-0000-0000-0000-000000000000';
          }
          return searchAudit(db, {
            orgId: actor.orgId,
            ...(memberId ? { memberId } : {}),
            ...(actorId ? { actorId } : {}),
            ...(q.purpose ? { purpose: q.purpose } : {}),
            ...(q.action ? { action: q.action } : {}),
            ...(q.outcome ? { outcome: q.outcome } : {}),
            ...(q.from ? { from: q.from } : {}),
            ...(q.to ? { to: q.to } : {}),
            ...(q.before ? { before: q.before } : {}),
            ...(q.limit ? { limit: q.limit } : {}),
          });
        });
        await appendAuditAlone(
          ctx.db,
          actor,
          {
            action: 'audit.search',
            outcome: 'ok',
            orgId: actor.orgId,
            memberId: q.member ?? null,
            detail: { actor: q.actor ?? null, purpose: q.purpose ?? null, from: q.from ?? null, to: q.to ?? null },
          },
          ctx.clock,
        );
        return result;
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
        return { alerts: await listAlerts(ctx.db, actor.orgId, req.query.status) };
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
