/**
 * Who may do what with the systems register, as one table (the handlers ask it, they never decide themselves):
 *
 * | role kind                          | read                                 | manage (register, change, check, remove) |
 * |------------------------------------|--------------------------------------|-------------------------------------------|
 * | privacy_officer, system_admin      | every system with its settings       | yes                                       |
 * | auditor                            | the list, without connection settings| —                                         |
 * | department_manager, staff          | —                                    | —                                         |
 *
 * No role ever reads a secret back: the API says only whether one is set. Everything stays inside the
 * actor's organization.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { RoleKind } from '../../contract/roles.ts';

export type SystemsRead = 'settings' | 'list' | 'none';

export const systemsRules: Record<RoleKind, { read: SystemsRead; manage: boolean }> = {
  privacy_officer: { read: 'settings', manage: true },
  system_admin: { read: 'settings', manage: true },
  auditor: { read: 'list', manage: false },
  department_manager: { read: 'none', manage: false },
  staff: { read: 'none', manage: false },
};

/** The role kinds with some part in the register (the routes' declared roles). */
export const systemsRoles = (what: 'read' | 'manage'): RoleKind[] =>
  (Object.keys(systemsRules) as RoleKind[]).filter((kind) =>
    what === 'read' ? systemsRules[kind].read !== 'none' : systemsRules[kind].manage,
  );

/** What the actor reads of the register; `forbidden` when the role has no part in it. */
export function readReach(actor: StaffActor): Exclude<SystemsRead, 'none'> {
  const r = systemsRules[actor.roleKind].read;
  if (r === 'none') throw new AppError('forbidden');
  return r;
}

/** Throws `forbidden` unless the role may register, change, check and remove systems. */
export function assertMayManage(actor: StaffActor): void {
  if (!systemsRules[actor.roleKind].manage) throw new AppError('forbidden');
}

export const mayManage = (actor: StaffActor): boolean => systemsRules[actor.roleKind].manage;
