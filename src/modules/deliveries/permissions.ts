/**
 * Who may do what with delivery targets and deliveries, as one table (the handlers ask it, they never decide):
 *
 * | role kind          | targets read                  | manage targets (add, check, remove) | deliver | deliveries read |
 * |--------------------|-------------------------------|-------------------------------------|---------|-----------------|
 * | privacy_officer    | every target with settings    | yes                                 | yes     | yes             |
 * | system_admin       | the list, without settings    | —                                   | —       | yes             |
 * | auditor            | the list, without settings    | —                                   | —       | yes             |
 * | department_manager | —                             | —                                   | —       | —               |
 * | staff              | —                                | —                                   | —       | —               |
 *
 * Where data leaves the co-op is the privacy office's decision (Arts. 27 and 43), so only it adds targets and
 * sends. No role ever reads a secret back: the API says only whether one is set (設定済み). A scheduled job
 * (system actor) may deliver to its organization's targets.
 */
import type { StaffActor, SystemActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { RoleKind } from '../../contract/roles.ts';

export type TargetsRead = 'settings' | 'list' | 'none';

export const deliveriesRules: Record<RoleKind, { targets: TargetsRead; manage: boolean; deliver: boolean; deliveries: boolean }> = {
  privacy_officer: { targets: 'settings', manage: true, deliver: true, deliveries: true },
  system_admin: { targets: 'list', manage: false, deliver: false, deliveries: true },
  auditor: { targets: 'list', manage: false, deliver: false, deliveries: true },
  department_manager: { targets: 'none', manage: false, deliver: false, deliveries: false },
  staff: { targets: 'none', manage: false, deliver: false, deliveries: false },
};

type Capability = 'targets' | 'manage' | 'deliver' | 'deliveries';

const has = (kind: RoleKind, what: Capability) =>
  what === 'targets' ? deliveriesRules[kind].targets !== 'none' : deliveriesRules[kind][what];

/** The role kinds with the capability (the routes' declared roles). */
export const deliveriesRoles = (what: Capability): RoleKind[] => (Object.keys(deliveriesRules) as RoleKind[]).filter((k) => has(k, what));

/** What the actor reads of the targets register; `forbidden` when the role has no part in it. */
export function targetsReach(actor: StaffActor): Exclude<TargetsRead, 'none'> {
  const r = deliveriesRules[actor.roleKind].targets;
  if (r === 'none') throw new AppError('forbidden');
  return r;
}

export function assertMay(actor: StaffActor, what: Exclude<Capability, 'targets'>): void {
  if (!deliveriesRules[actor.roleKind][what]) throw new AppError('forbidden');
}

export const mayManageTargets = (actor: StaffActor): boolean => deliveriesRules[actor.roleKind].manage;

/** Staff who may send, or a job of the organization. */
export function assertMayDeliver(actor: StaffActor | SystemActor): void {
  if (actor.type === 'system') {
    if (!actor.orgId) throw new AppError('forbidden');
    return;
  }
  assertMay(actor, 'deliver');
}
