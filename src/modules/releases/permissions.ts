/**
 * Who may do what with anonymized releases, as one table (the handlers ask it, they never decide themselves):
 *
 * | role kind                                  | read                                               | manage (define, preview, publish, deliver) |
 * |--------------------------------------------|----------------------------------------------------|--------------------------------------------|
 * | privacy_officer                            | everything, with the processing method (spec, key) | yes                                        |
 * | auditor                                    | name, items, published duties, reports, deliveries | —                                          |
 * | department_manager, staff, system_admin    | —                                                  | —                                          |
 *
 * The processing method (the spec's hierarchies, k, l, the source) is readable only by the privacy office
 * (APPI Art. 43(2), Rule 35); the pseudonym key is never shown to anyone. Everything stays inside the actor's
 * organization.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { RoleKind } from '../../contract/roles.ts';

export type ReleasesRead = 'method' | 'summary' | 'none';

export const releasesRules: Record<RoleKind, { read: ReleasesRead; manage: boolean }> = {
  privacy_officer: { read: 'method', manage: true },
  auditor: { read: 'summary', manage: false },
  department_manager: { read: 'none', manage: false },
  staff: { read: 'none', manage: false },
  system_admin: { read: 'none', manage: false },
};

/** The role kinds with some part in releases (the routes' declared roles). */
export const releasesRoles = (what: 'read' | 'manage'): RoleKind[] =>
  (Object.keys(releasesRules) as RoleKind[]).filter((kind) =>
    what === 'read' ? releasesRules[kind].read !== 'none' : releasesRules[kind].manage,
  );

/** What the actor reads of a release; `forbidden` when the role has no part in releases. */
export function readReach(actor: StaffActor): Exclude<ReleasesRead, 'none'> {
  const r = releasesRules[actor.roleKind].read;
  if (r === 'none') throw new AppError('forbidden');
  return r;
}

/** Throws `forbidden` unless the role may define, preview, publish and deliver releases. */
export function assertMayManage(actor: StaffActor): void {
  if (!releasesRules[actor.roleKind].manage) throw new AppError('forbidden');
}
