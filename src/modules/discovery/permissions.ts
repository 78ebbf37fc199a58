/**
 * Who may do what with discovery, as one table (contract/discovery-vocabulary.ts `discoveryRoleRules`, shared
 * with the console's buttons); the routes declare these roles and the services ask again:
 *
 * | role kind           | read (runs, proposals) | run a scan | decide (confirm, reject) |
 * |---------------------|------------------------|------------|--------------------------|
 * | privacy_officer     | yes                    | yes        | yes                      |
 * | system_admin        | yes                    | yes        | —                        |
 * | auditor             | yes                    | —          | —                        |
 * | department_manager  | —                      | —          | —                        |
 * | staff               | —                      | —          | —                        |
 *
 * Deciding writes the policy draft's dataset map, which only the privacy officer edits (policy/routes.ts), so an
 * administrator who runs the scan leaves the decisions to the officer. Everything stays in the actor's
 * organization.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import { type DiscoveryCapability, discoveryRoleRules } from '../../contract/discovery-vocabulary.ts';
import type { RoleKind } from '../../contract/roles.ts';

/** The role kinds that have the capability (a route's declared roles). */
export const discoveryRoles = (what: DiscoveryCapability): RoleKind[] =>
  (Object.keys(discoveryRoleRules) as RoleKind[]).filter((kind) => discoveryRoleRules[kind][what]);

/** Throws `forbidden` unless the actor's role has the capability. */
export function assertMay(actor: StaffActor, what: DiscoveryCapability): void {
  if (!discoveryRoleRules[actor.roleKind][what]) throw new AppError('forbidden');
}
