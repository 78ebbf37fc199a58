/**
 * Who may do what with joint-use transfers and contractor hand-overs: the `handovers` duty (base/duties.ts), so
 * the handlers ask one rule and never decide themselves:
 *
 * | role kind                                  | read (contractors, log, inspections, joint uses, transfer preview) | handle (inspect, hand over, files) |
 * |--------------------------------------------|----------------------------------------------------------------------|-------------------------------------|
 * | privacy_officer                            | yes                                                                  | yes                                 |
 * | auditor                                    | yes                                                                  | —                                   |
 * | staff, department_manager                  | with the `handovers` duty                                            | with the `handovers` duty           |
 * | system_admin                               | —                                                                    | —                                   |
 *
 * A transfer file carries members' data of the whole organization, so the duty is granted by the privacy officer
 * to whom the office delegates it (the demo grants it to no one). Everything stays inside the actor's organization.
 */
import type { StaffActor } from '../../base/actors.ts';
import { dutyAccess } from '../../base/duties.ts';
import { AppError } from '../../base/errors.ts';
import { type RoleKind, roleKinds } from '../../contract/roles.ts';

export type HandoverCapability = 'read' | 'handle';

export function mayHandover(actor: Pick<StaffActor, 'roleKind' | 'duties'>, what: HandoverCapability): boolean {
  const access = dutyAccess(actor, 'handovers');
  return what === 'read' ? access !== null : access === 'handle';
}

/** The role kinds that may have the capability, with the duty granted (the routes' declared roles). */
export const handoverRoles = (what: HandoverCapability): RoleKind[] =>
  roleKinds.filter((kind) => mayHandover({ roleKind: kind, duties: ['handovers'] }, what));

/** Throws `forbidden` unless the actor's role has the capability. */
export function assertHandover(actor: StaffActor, what: HandoverCapability): void {
  if (!mayHandover(actor, what)) throw new AppError('forbidden');
}
