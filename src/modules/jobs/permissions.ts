/**
 * Who may see and handle scheduled jobs, as one table (the handlers ask it, they never decide themselves):
 *
 * | role kind                       | read (runs, dead letters) | manage (retry, discard) |
 * |---------------------------------|---------------------------|-------------------------|
 * | system_admin                    | yes                       | yes                     |
 * | privacy_officer                 | yes                       | —                       |
 * | department_manager, staff, auditor | —                      | —                       |
 *
 * Jobs belong to the installation, not to one organization (one prune or reminder run serves every co-op on
 * the database), so a system administrator of any organization sees them; a run shows only counts and a
 * redacted error, never an organization's or a member's data. The privacy officer reads them because a
 * dead reminder job means the privacy office was not told of requests falling due.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { RoleKind } from '../../contract/roles.ts';

export const jobRules: Record<RoleKind, { read: boolean; manage: boolean }> = {
  system_admin: { read: true, manage: true },
  privacy_officer: { read: true, manage: false },
  department_manager: { read: false, manage: false },
  staff: { read: false, manage: false },
  auditor: { read: false, manage: false },
};

/** The role kinds allowed `what` (the routes' declared roles). */
export const jobRoles = (what: 'read' | 'manage'): RoleKind[] => (Object.keys(jobRules) as RoleKind[]).filter((k) => jobRules[k][what]);

export function assertMay(actor: StaffActor, what: 'read' | 'manage'): void {
  if (!jobRules[actor.roleKind][what]) throw new AppError('forbidden');
}

export const mayManage = (actor: StaffActor): boolean => jobRules[actor.roleKind].manage;
