/**
 * Who may do what with pseudonymized data sets (仮名加工情報), as one table (the handlers ask it, they never decide
 * themselves):
 *
 * | role kind                   | read the definitions                         | define, change, retire | produce (download)                     |
 * |-----------------------------|----------------------------------------------|------------------------|----------------------------------------|
 * | privacy_officer             | every set                                    | yes                    | for a declared purpose the role holds  |
 * | auditor                     | every set                                    | —                      | —                                      |
 * | department_manager, staff   | the sets declared for a purpose the role holds | —                    | for a declared purpose the role holds  |
 * | system_admin                | —                                            | —                      | —                                      |
 *
 * Producing needs both: a role kind that may produce, and a grant of the purpose named (role_purposes), which must
 * be one of the set's declared purposes. Nobody reads a set's key or a pseudonym's member: there is no re-linking
 * (Art. 41(7) forbids identifying the persons by collating). Everything stays inside the actor's organization.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { RoleKind } from '../../contract/roles.ts';

export type PseudonymizedRead = 'all' | 'by_purpose' | 'none';

export const pseudonymizedRules: Record<RoleKind, { read: PseudonymizedRead; define: boolean; produce: boolean }> = {
  privacy_officer: { read: 'all', define: true, produce: true },
  auditor: { read: 'all', define: false, produce: false },
  department_manager: { read: 'by_purpose', define: false, produce: true },
  staff: { read: 'by_purpose', define: false, produce: true },
  system_admin: { read: 'none', define: false, produce: false },
};

/** The role kinds with some part in the capability (the routes' declared roles). */
export const pseudonymizedRoles = (what: 'read' | 'define' | 'produce'): RoleKind[] =>
  (Object.keys(pseudonymizedRules) as RoleKind[]).filter((kind) =>
    what === 'read' ? pseudonymizedRules[kind].read !== 'none' : pseudonymizedRules[kind][what],
  );

/** What the actor reads of the register; `forbidden` when the role has no part in it. */
export function readReach(actor: StaffActor): Exclude<PseudonymizedRead, 'none'> {
  const r = pseudonymizedRules[actor.roleKind].read;
  if (r === 'none') throw new AppError('forbidden');
  return r;
}

/** Throws `forbidden` unless the role may define, change and retire data sets. */
export function assertMayDefine(actor: StaffActor): void {
  if (!pseudonymizedRules[actor.roleKind].define) throw new AppError('forbidden');
}

/** Throws `forbidden` unless the role kind may produce a data set at all (the purpose is checked after). */
export function assertMayProduce(actor: StaffActor): void {
  if (!pseudonymizedRules[actor.roleKind].produce) throw new AppError('forbidden');
}

export const mayDefine = (actor: StaffActor): boolean => pseudonymizedRules[actor.roleKind].define;
