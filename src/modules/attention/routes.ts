/** The home page's attention panel: counts of what needs the reader's attention, by role (permissions.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { requireStaff } from '../../base/guard.ts';
import { readAttention } from './read-attention.ts';
import { attentionAnswer } from './schemas.ts';

export function attentionRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/attention',
      {
        config: { roles: ['privacy_officer', 'auditor', 'department_manager', 'staff', 'system_admin'] },
        schema: {
          tags: ['attention'],
          summary: '対応が必要なこと（件数）/ what needs attention (counts)',
          description:
            '役割の業務に関係する件数だけを返します（関係しない部分は null）。/ Only the counts of the reader’s work (null otherwise).',
          response: { 200: attentionAnswer },
        },
      },
      async (req) => readAttention(ctx, requireStaff(req)),
    );
  };
}
