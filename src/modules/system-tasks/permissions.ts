/**
 * Who may do what with a request's tasks in the connected systems, as one table (handlers ask it):
 *
 * | role kind                        | read the plan and progress | plan (read-only) | approve, resume | stopped-purposes export |
 * |----------------------------------|----------------------------|------------------|-----------------|-------------------------|
 * | privacy_officer                  | yes                        | yes              | yes             | yes                     |
 * | staff, department_manager        | with the requests duty     | with the duty    | —               | —                       |
 * | auditor                          | yes (reads the requests)   | —                | —               | —                       |
 * | system_admin                     | —                          | —                | —               | yes                     |
 *
 * Approving changes other systems' data, so only the privacy office (個人情報保護管理者) does it, like the
 * request's own approval. The stopped-purposes file goes to the systems' administrators.
 */
import type { StaffActor } from '../../base/actors.ts';
import { dutyAccess } from '../../base/duties.ts';
import { AppError } from '../../base/errors.ts';
import type { RoleKind } from '../../contract/roles.ts';

export type SystemTaskCapability = 'read' | 'plan' | 'approve' | 'export_stops';

const table: Record<SystemTaskCapability, (actor: Pick<StaffActor, 'roleKind' | 'duties'>) => boolean> = {
  read: (a) => dutyAccess(a, 'member_requests') !== null,
  plan: (a) => dutyAccess(a, 'member_requests') === 'handle',
  approve: (a) => a.roleKind === 'privacy_officer',
  export_stops: (a) => a.roleKind === 'privacy_officer' || a.roleKind === 'system_admin',
};

/** May this actor do this? */
export function canSystemTasks(actor: Pick<StaffActor, 'roleKind' | 'duties'>, what: SystemTaskCapability): boolean {
  return table[what](actor);
}

export function assertSystemTasks(actor: StaffActor, what: SystemTaskCapability): void {
  if (!canSystemTasks(actor, what)) throw new AppError('forbidden');
}

/** The role kinds a route declares (base/guard.ts refuses others before the body is read). */
export function systemTaskRoles(what: SystemTaskCapability): RoleKind[] {
  const kinds: RoleKind[] = ['privacy_officer', 'department_manager', 'staff', 'auditor', 'system_admin'];
  // A staff or manager role may be granted the requests duty: declared here, decided by the duty in the handler.
  return kinds.filter((k) => canSystemTasks({ roleKind: k, duties: ['member_requests'] }, what));
}
