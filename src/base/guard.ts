/** Who is asking: the session behind the cookie, checked once per request by the server's onRequest hook. */
import type { FastifyRequest } from 'fastify';
import type { Duty, RoleKind } from '../contract/roles.ts';
import type { SessionInfo, StaffActor } from './actors.ts';
import { dutyAccess } from './duties.ts';
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
    /** The duty the route's work needs (base/duties.ts), checked at the same moment as `roles`. */
    duty?: { duty: Duty; access: 'read' | 'handle' };
    /**
     * Where the route's `rateLimit` is counted with several instances on one PostgreSQL: `shared` (the
     * default: in the database, all instances together, app/rate-limit-store.ts) or `instance` (in this
     * process's memory: a limit that protects one instance's capacity, such as the public notices' ceiling).
     */
    rateLimitScope?: 'shared' | 'instance';
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

/**
 * Staff whose role has the duty (base/duties.ts): `read` lets auditors in as well, `handle` only
 * those who do the work. Optionally narrowed to some kinds (decisions kept for the privacy officer).
 */
export function requireDuty(request: FastifyRequest, duty: Duty, access: 'read' | 'handle', kinds?: readonly RoleKind[]): StaffActor {
  const actor = requireStaff(request);
  const has = dutyAccess(actor, duty);
  if (has === null || (access === 'handle' && has !== 'handle')) throw new AppError('forbidden');
  if (kinds && !kinds.includes(actor.roleKind)) throw new AppError('forbidden');
  return actor;
}

/** The route's declared roles and duty (`config: { roles, duty }`), checked before anything else looks at the request. */
export function checkDeclaredRoles(request: FastifyRequest): void {
  const { roles, duty } = request.routeOptions.config;
  if (duty) requireDuty(request, duty.duty, duty.access, roles);
  else if (roles) requireKind(request, roles);
}
