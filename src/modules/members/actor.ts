/** The staff member acting, as the services see it (from a session, or from the CLI's --as option). */

import type { StaffActor } from '../../base/actors.ts';
import { parseDuties } from '../../base/duties.ts';
import { AppError } from '../../base/errors.ts';
import type { DbOrTx } from '../../db/database.ts';

/** The active staff user with this login as an actor; `user_not_found` or `account_disabled` otherwise. */
export async function findStaffActor(db: DbOrTx, login: string): Promise<StaffActor> {
  const u = await db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'users.id',
      'users.org_id',
      'users.role_id',
      'users.login',
      'users.department_id',
      'users.status',
      'roles.kind',
      'roles.duties',
    ])
    .where('users.login', '=', login)
    .executeTakeFirst();
  if (!u) throw new AppError('user_not_found');
  if (u.status !== 'active') throw new AppError('account_disabled');
  return {
    type: 'user',
    id: u.id,
    orgId: u.org_id,
    roleId: u.role_id,
    roleKind: u.kind,
    duties: parseDuties(u.duties),
    login: u.login,
    departmentId: u.department_id,
  };
}
