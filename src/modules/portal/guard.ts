/** Who is signed in to the member page (本人のページ): the member session behind the `mamori_member` cookie. */
import type { FastifyRequest } from 'fastify';
import type { MemberActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { MemberSessionInfo } from './sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Loaded by the server's onRequest hook for routes under `/api/v1/portal/` only (by route pattern). */
    memberSession?: MemberSessionInfo;
  }
}

/** The member page's own cookie, apart from the staff session: one browser may hold both. */
export const MEMBER_SESSION_COOKIE = 'mamori_member';

/**
 * The signed-in member and whose page is open (their own, or a ward's). Every member-page service takes
 * this actor, never a member id from the request. Throws `member_not_signed_in`.
 */
export function requireMember(request: FastifyRequest): MemberActor {
  return requireMemberSession(request).actor;
}

/** The member session itself (for switching whose page is open). Throws `member_not_signed_in`. */
export function requireMemberSession(request: FastifyRequest): MemberSessionInfo {
  const session = request.memberSession;
  if (!session) throw new AppError('member_not_signed_in');
  return session;
}
