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
