/** The staff member acting, as the services see it (from a session, or from the CLI's --as option). */
import type { RoleKind } from '../../db/schema.ts';

export interface StaffActor {
  type: 'user';
  id: string;
  orgId: string;
  roleId: string;
  roleKind: RoleKind;
  login: string;
  departmentId: string | null;
}
