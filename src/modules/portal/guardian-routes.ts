/**
 * Staff API for guardian links (保護者の登録): privacy officers and department managers whose role has the
 * `member_requests` duty (base/duties.ts) register, list and end the guardians of a member of their
 * organization, after checking proof.
 */

import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { requireDuty } from '../../base/guard.ts';
import type { RoleKind } from '../../contract/roles.ts';
import { memberIdParams } from '../members/schemas.ts';
import { endGuardianLink, linkGuardian, listGuardianLinks } from './guardians.ts';
import { guardianLinkParams, linkGuardianBody } from './schemas.ts';

export const GUARDIAN_MANAGERS: readonly RoleKind[] = ['privacy_officer', 'department_manager'];
const tags = ['guardians'];
/** Declared on each route: refused before the body is read (base/guard.ts#checkDeclaredRoles). */
const guarded = { roles: GUARDIAN_MANAGERS, duty: { duty: 'member_requests', access: 'handle' } } as const;
const guardianManager = (req: FastifyRequest) => requireDuty(req, 'member_requests', 'handle', GUARDIAN_MANAGERS);

export function guardianRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/members/:id/guardians',
      {
        config: guarded,
        schema: { tags, summary: '組合員の保護者（終了分を含む）/ a member’s guardians, ended links included', params: memberIdParams },
      },
      async (req) => ({ links: await listGuardianLinks(ctx, { actor: guardianManager(req), childId: req.params.id }) }),
    );

    app.post(
      '/members/:id/guardians',
      {
        config: guarded,
        schema: {
          tags,
          summary: '保護者の登録（書類確認後）/ register a guardian after checking proof',
          params: memberIdParams,
          body: linkGuardianBody,
        },
      },
      async (req, reply) => {
        const actor = guardianManager(req);
        const link = await linkGuardian(ctx, {
          actor,
          childId: req.params.id,
          guardianMemberCode: req.body.guardian_member_code,
          relationship: req.body.relationship,
          proof: req.body.proof,
        });
        return reply.status(201).send(link);
      },
    );

    app.delete(
      '/members/:id/guardians/:linkId',
      { config: guarded, schema: { tags, summary: '保護者の登録の終了 / end a guardian link', params: guardianLinkParams } },
      async (req) => endGuardianLink(ctx, { actor: guardianManager(req), childId: req.params.id, linkId: req.params.linkId }),
    );
  };
}
