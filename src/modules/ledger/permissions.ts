/**
 * Who may do what with the ledger, as one table (the handlers ask it, they never decide themselves):
 *
 * | role kind           | read                 | write (create, update, review, retire) |
 * |---------------------|----------------------|-----------------------------------------|
 * | privacy_officer     | every asset          | every asset                             |
 * | department_manager  | own department's     | own department's                        |
 * | auditor             | every asset          | —                                       |
 * | staff, system_admin | —                    | —                                       |
 *
 * A department manager without a department reaches nothing. Everything stays inside the actor's
 * organization.
 */

import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { RoleKind } from '../../contract/roles.ts';

export type LedgerReach = 'all' | 'department' | 'none';

export const ledgerRules: Record<RoleKind, { read: LedgerReach; write: LedgerReach }> = {
  privacy_officer: { read: 'all', write: 'all' },
  department_manager: { read: 'department', write: 'department' },
  auditor: { read: 'all', write: 'none' },
  staff: { read: 'none', write: 'none' },
  system_admin: { read: 'none', write: 'none' },
};

/** The role kinds with some part in reading or writing the ledger (the routes' declared roles). */
export const ledgerRoles = (what: 'read' | 'write'): RoleKind[] =>
  (Object.keys(ledgerRules) as RoleKind[]).filter((kind) => ledgerRules[kind][what] !== 'none');

/** The assets a reader may see: the organization's, or one department's. */
export interface LedgerScope {
  orgId: string;
  /** Set when the reader only reaches one department. */
  departmentId?: string;
}

function reach(actor: StaffActor, what: 'read' | 'write'): LedgerReach {
  const r = ledgerRules[actor.roleKind][what];
  return r === 'department' && !actor.departmentId ? 'none' : r;
}

/** The reading scope of an actor; `forbidden` when the role has no part in the ledger. */
export function readScope(actor: StaffActor): LedgerScope {
  const r = reach(actor, 'read');
  if (r === 'none') throw new AppError('forbidden');
  return r === 'all' ? { orgId: actor.orgId } : { orgId: actor.orgId, departmentId: actor.departmentId! };
}

/** May the actor change assets of this department? */
export function canWrite(actor: StaffActor, departmentId: string): boolean {
  const r = reach(actor, 'write');
  return r === 'all' || (r === 'department' && actor.departmentId === departmentId);
}

/** Throws `forbidden` unless the role may change some assets (checked before anything else is looked at). */
export function assertMayWrite(actor: StaffActor): void {
  if (reach(actor, 'write') === 'none') throw new AppError('forbidden');
}

/** Throws unless the actor may change assets of this department (`forbidden` or `ledger_department_forbidden`). */
export function assertCanWrite(actor: StaffActor, departmentId: string): void {
  const r = reach(actor, 'write');
  if (r === 'none') throw new AppError('forbidden');
  if (!canWrite(actor, departmentId)) throw new AppError('ledger_department_forbidden');
}

/** Throws unless the actor may read this department's assets. */
export function assertCanRead(actor: StaffActor, departmentId: string): void {
  const scope = readScope(actor);
  if (scope.departmentId && scope.departmentId !== departmentId) throw new AppError('ledger_department_forbidden');
}
