/**
 * Who is acting, as the services see it. These types sit in the base layer because every module takes one
 * of them: staff (from a session, or from the CLI's --as option), a member on the member page, the system
 * (jobs, the CLI without --as) or nobody signed in.
 */
import type { Duty, RoleKind } from '../contract/roles.ts';

/** The staff member acting (from a session, or from the CLI's --as option). */
export interface StaffActor {
  type: 'user';
  id: string;
  orgId: string;
  roleId: string;
  roleKind: RoleKind;
  /** The duties granted to the role (base/duties.ts#dutyAccess weighs them with the kind). */
  duties: readonly Duty[];
  login: string;
  departmentId: string | null;
}

/**
 * Who is acting on the member page: a signed-in member, for themself or, as a registered guardian, for a
 * child member. Services take this, never a raw member id from the request, so a member can only ever reach
 * their own record or a ward's.
 */
export interface MemberActor {
  type: 'member';
  /** The member_accounts row signed in. */
  accountId: string;
  /** The person signed in. */
  memberId: string;
  orgId: string;
  /** Whose page is open: the signed-in member's own, or a ward's (then `asGuardian` is true). */
  subjectId: string;
  asGuardian: boolean;
}

/** Work nobody in particular asked for: a scheduled job, an effect of an answered request, the CLI. */
export interface SystemActor {
  type: 'system';
  orgId: string | null;
  /** What acted, e.g. `job:reminders`; recorded in the audit detail. */
  label: string;
}

/** Nobody signed in: the public notice pages, the sign-in steps. */
export interface AnonymousActor {
  type: 'anonymous';
}

/** 0: signed in; 1: password checked, TOTP code due; 2: password checked, TOTP enrolment due. */
export type MfaState = 0 | 1 | 2;

/** The staff session behind the cookie, as the server's onRequest hook puts it on the request. */
export interface SessionInfo {
  actor: StaffActor;
  displayName: string;
  mfa: MfaState;
  sessionId: string;
}

/** Staff or a signed-in member: who may file and follow a request from the person. */
export type StaffOrMemberActor = StaffActor | MemberActor;
