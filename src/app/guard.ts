/** Who is asking: the session behind the cookie, checked once per request by the server's onRequest hook. */
import type { FastifyRequest } from 'fastify';
import type { RoleKind } from '../db/schema.ts';
import type { SessionInfo } from '../modules/auth/sessions.ts';
import type { StaffActor } from '../modules/members/actor.ts';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    session?: SessionInfo;
  }
  interface FastifyContextConfig {
    /**
     * The role kinds that may use the route. The server's onRequest hook refuses everyone else (401 without
     * a session, 403 for another role) before the body is parsed or validated, so a refused caller learns
     * nothing of the route's schema; the handler's own `requireKind` stays as the second line.
     */
    roles?: readonly RoleKind[];
  }
}

export const SESSION_COOKIE = 'mamori_session';

export function requireStaff(request: FastifyRequest): StaffActor {
  const s = request.session;
  if (!s) throw new AppError('not_authenticated');
  if (s.mfa === 1) throw new AppError('totp_required');
  if (s.mfa === 2) throw new AppError('totp_enrollment_required');
  return s.actor;
}

/** Roles that may use a capability outside purpose-bound member access (audit, users, alerts). */
export function requireKind(request: FastifyRequest, kinds: readonly RoleKind[]): StaffActor {
  const actor = requireStaff(request);
  if (!kinds.includes(actor.roleKind)) throw new AppError('forbidden');
  return actor;
}

/** The route's declared roles (`config: { roles }`), checked before anything else looks at the request. */
export function checkDeclaredRoles(request: FastifyRequest): void {
  const roles = request.routeOptions.config.roles;
  if (roles) requireKind(request, roles);
}
