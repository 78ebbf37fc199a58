/** Who is asking: the session behind the cookie, checked once per request by the server's onRequest hook. */
import type { FastifyRequest } from 'fastify';
import type { Duty, RoleKind } from '../db/schema.ts';
import type { SessionInfo } from '../modules/auth/sessions.ts';
import type { StaffActor } from '../modules/members/actor.ts';
import { dutyAccess } from '../modules/organizations/duties.ts';
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

/**
 * Staff whose role has the duty (organizations/duties.ts): `read` lets auditors in as well, `handle` only
 * those who do the work. Optionally narrowed to some kinds (decisions kept for the privacy officer).
 */
export function requireDuty(request: FastifyRequest, duty: Duty, access: 'read' | 'handle', kinds?: readonly RoleKind[]): StaffActor {
  const actor = requireStaff(request);
  const has = dutyAccess(actor, duty);
  if (has === null || (access === 'handle' && has !== 'handle')) throw new AppError('forbidden');
  if (kinds && !kinds.includes(actor.roleKind)) throw new AppError('forbidden');
  return actor;
}
