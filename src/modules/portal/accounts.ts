/**
 * Member accounts (本人のページのアカウント): the login is the member code within an organization. An account
 * row is made the first time a one-time code is requested for a member who has an e-mail address and has not
 * been erased; withdrawn members keep their sign-in (their rights to disclosure and the rest remain).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FieldIssue } from '../../contract/errors.ts';
import type { DbOrTx, Tx } from '../../db/database.ts';
import type { MemberAccountTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { passwordIssues } from '../auth/passwords.ts';
import { fieldRules } from '../members/fields.ts';

/** What the sign-in form names: the co-op by its organization code, and the member code. */
export interface MemberLogin {
  org: string;
  memberCode: string;
}

/** A member found by their login, with their account when one exists. Erased members are never found. */
export interface LoginMember {
  memberId: string;
  orgId: string;
  orgName: string;
  orgNameEn: string;
  email: string | null;
  account: Pick<MemberAccountTable, 'id' | 'password_hash' | 'status' | 'failed_attempts' | 'locked_until'> | null;
}

/** The member code as the ledger stores it (full-width digits and lower case typed on a phone are fine). */
export function normalizeMemberCode(typed: string): string | null {
  const result = fieldRules.member_code(typed);
  return result.ok ? result.value : null;
}

/** The member behind a login, or undefined: unknown organization or code, or erased (削除済み). */
export async function findLoginMember(db: DbOrTx, login: MemberLogin): Promise<LoginMember | undefined> {
  const code = normalizeMemberCode(login.memberCode);
  if (!code) return undefined;
  const row = await db
    .selectFrom('members')
    .innerJoin('organizations', 'organizations.id', 'members.org_id')
    .leftJoin('member_accounts', 'member_accounts.member_id', 'members.id')
    .select([
      'members.id as member_id',
      'members.org_id',
      'members.email',
      'organizations.name as org_name',
      'organizations.name_en as org_name_en',
      'member_accounts.id as account_id',
      'member_accounts.password_hash',
      'member_accounts.status',
      'member_accounts.failed_attempts',
      'member_accounts.locked_until',
    ])
    .where('organizations.code', '=', login.org.trim())
    .where('members.member_code', '=', code)
    .where('members.erased_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    memberId: row.member_id,
    orgId: row.org_id,
    orgName: row.org_name,
    orgNameEn: row.org_name_en,
    email: row.email,
    account:
      row.account_id === null
        ? null
        : {
            id: row.account_id,
            password_hash: row.password_hash,
            status: row.status ?? 'active',
            failed_attempts: Number(row.failed_attempts ?? 0),
            locked_until: row.locked_until,
          },
  };
}

/** The member's account, made on first use. Two concurrent first requests end with one row. */
export async function ensureAccount(tx: Tx, member: Pick<LoginMember, 'memberId' | 'orgId'>, now: Date): Promise<string> {
  await tx
    .insertInto('member_accounts')
    .values({
      id: randomUUID(),
      member_id: member.memberId,
      org_id: member.orgId,
      password_hash: null,
      status: 'active',
      failed_attempts: 0,
      locked_until: null,
      last_sign_in_at: null,
      created_at: iso(now),
      updated_at: iso(now),
    })
    .onConflict((oc) => oc.column('member_id').doNothing())
    .execute();
  const row = await tx.selectFrom('member_accounts').select('id').where('member_id', '=', member.memberId).executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The key under which failed sign-ins of a login without a password account are counted: what was typed
 * (organization code and normalised member code), hashed so the table is not a list of typed codes.
 */
export function throttleKey(login: MemberLogin): string {
  const code = normalizeMemberCode(login.memberCode) ?? login.memberCode.trim();
  return createHash('sha256').update(`${login.org.trim()}\n${code}`).digest('hex');
}

/** The member page's password rule: the staff rule (10 characters or more, not digits only), and not the member code. */
export function memberPasswordIssues(password: string, memberCode: string): FieldIssue[] {
  const issues = passwordIssues(password).map((i) => ({ ...i, field: 'new_password' }));
  const code = normalizeMemberCode(memberCode) ?? memberCode.trim();
  if (password.trim().toUpperCase() === code.toUpperCase()) {
    issues.push({
      field: 'new_password',
      code: 'same_as_member_code',
      message_ja: 'パスワードを組合員コードと同じにはできません。',
      message_en: 'The password cannot be the member code.',
    });
  }
  return issues;
}
