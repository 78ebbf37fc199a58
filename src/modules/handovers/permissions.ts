/**
 * Who may do what with joint-use transfers and contractor hand-overs, as one table (the handlers ask it, they
 * never decide themselves):
 *
 * | role kind                                  | read (contractors, log, inspections, transfer preview) | handle (inspect, hand over, transfer file) |
 * |--------------------------------------------|---------------------------------------------------------|---------------------------------------------|
 * | privacy_officer                            | yes                                                     | yes                                         |
 * | auditor                                    | yes                                                     | —                                           |
 * | department_manager, staff, system_admin    | —                                                       | —                                           |
 *
 * Data leaving the co-op is the privacy office's decision: the transfer file carries members' data of the whole
 * organization, so no purpose-bound role makes it. Everything stays inside the actor's organization.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { RoleKind } from '../../contract/roles.ts';

export type HandoverCapability = 'read' | 'handle';

export const handoverRules: Record<RoleKind, Record<HandoverCapability, boolean>> = {
  privacy_officer: { read: true, handle: true },
  auditor: { read: true, handle: false },
  department_manager: { read: false, handle: false },
  staff: { read: false, handle: false },
  system_admin: { read: false, handle: false },
};

/** The role kinds with the capability (the routes' declared roles). */
export const handoverRoles = (what: HandoverCapability): RoleKind[] =>
  (Object.keys(handoverRules) as RoleKind[]).filter((kind) => handoverRules[kind][what]);

export const mayHandover = (actor: StaffActor, what: HandoverCapability): boolean => handoverRules[actor.roleKind][what];

/** Throws `forbidden` unless the actor's role has the capability. */
export function assertHandover(actor: StaffActor, what: HandoverCapability): void {
  if (!mayHandover(actor, what)) throw new AppError('forbidden');
}
