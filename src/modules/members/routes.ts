/** Members API: every read or change names a purpose; the services decide and audit. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { requireKind, requireStaff } from '../../base/guard.ts';
import { searchAudit } from '../audit/search.ts';
import { drainAuditQueue } from '../audit/sequencer.ts';
import { readMember } from './read-member.ts';
import { createMemberBody, memberIdParams, readMemberQuery, searchMembersQuery, updateMemberBody } from './schemas.ts';
import { searchMembers } from './search-members.ts';
import { createMember, updateMember } from './write-member.ts';

export function memberRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/members',
      { schema: { tags: ['members'], summary: '組合員検索 / search members', querystring: searchMembersQuery } },
      async (req) => {
        const actor = requireStaff(req);
        const q = req.query;
        let orgId: string | undefined;
        if (q.org) {
          const org = await ctx.db.selectFrom('organizations').select('id').where('code', '=', q.org).executeTakeFirst();
          if (!org) throw new AppError('organization_unknown');
          orgId = org.id;
        }
        return searchMembers(ctx, {
          actor,
          purpose: q.purpose,
          ...(orgId ? { orgId } : {}),
          ...(q.code ? { code: q.code } : {}),
          ...(q.kana ? { kana: q.kana } : {}),
          ...(q.name ? { name: q.name } : {}),
          ...(q.phone ? { phone: q.phone } : {}),
          ...(q.address ? { address: q.address } : {}),
          ...(q.birth_year ? { birthYear: q.birth_year } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.offset ? { offset: q.offset } : {}),
          via: 'api',
        });
      },
    );

    app.get(
      '/members/:id',
      {
        schema: {
          tags: ['members'],
          summary: '組合員の参照（利用目的つき）/ read a member for a purpose',
          params: memberIdParams,
          querystring: readMemberQuery,
        },
      },
      async (req) => {
        const actor = requireStaff(req);
        const items = req.query.items
          ? req.query.items
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined;
        return readMember(ctx, { actor, memberId: req.params.id, purpose: req.query.purpose, ...(items ? { items } : {}), via: 'api' });
      },
    );

    app.post(
      '/members',
      { schema: { tags: ['members'], summary: '組合員の登録 / create a member', body: createMemberBody } },
      async (req, reply) => {
        const actor = requireStaff(req);
        const member = await createMember(ctx, { actor, purpose: req.body.purpose, input: req.body.member, via: 'api' });
        return reply.status(201).send(member);
      },
    );

    app.patch(
      '/members/:id',
      {
        schema: {
          tags: ['members'],
          summary: '組合員の変更（利用目的つき）/ change a member for a purpose',
          params: memberIdParams,
          body: updateMemberBody,
        },
      },
      async (req) => {
        const actor = requireStaff(req);
        return updateMember(ctx, {
          actor,
          memberId: req.params.id,
          purpose: req.body.purpose,
          changes: req.body.changes,
          ...(req.body.version ? { expectedVersion: req.body.version } : {}),
          via: 'api',
        });
      },
    );

    app.get(
      '/members/:id/audit',
      {
        config: { roles: ['privacy_officer', 'auditor'] },
        schema: {
          tags: ['audit'],
          summary: '組合員ごとの監査記録 / audit trail of a member',
          params: memberIdParams,
          querystring: z.strictObject({ before: z.coerce.number().int().optional() }),
        },
      },
      async (req) => {
        const actor = requireKind(req, ['privacy_officer', 'auditor']);
        await drainAuditQueue(ctx.db);
        return searchAudit(ctx.db, {
          orgId: actor.orgId,
          memberId: req.params.id,
          ...(req.query.before ? { before: req.query.before } : {}),
        });
      },
    );
  };
}
