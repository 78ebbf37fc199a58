/** Who is asking: the session behind the cookie, checked once per request by the server's onRequest hook. */
import type { FastifyRequest } from 'fastify';
import type { RoleKind } from '../contract/roles.ts';
import type { SessionInfo, StaffActor } from './actors.ts';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    session?: SessionInfo;
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
