/**
 * Which counts of the home page's attention panel each role sees, as one table (the service asks it, the
 * route never decides). A count is shown only to roles whose work it is:
 *
 * Tasks in the connected systems (dead or stuck) follow the requests.
 *
 * | role kind           | requests (open, overdue, days left, mine) | new alerts | ledger reviews due  | scheduled policy versions |
 * |---------------------|--------------------------------------------|------------|---------------------|---------------------------|
 * | privacy_officer     | yes                                        | yes        | every asset         | yes                       |
 * | auditor             | yes (reads requests)                       | yes        | every asset         | yes                       |
 * | department_manager  | with the `member_requests` duty            | —          | own department's    | —                         |
 * | staff               | with the `member_requests` duty            | —          | —                   | —                         |
 * | system_admin        | —                                          | —          | —                   | —                         |
 *
 * Contractors' inspections and contracts (委託先) follow the `handovers` duty (handovers/permissions.ts): the privacy
 * officer, the auditor, and staff or managers granted the duty.
 *
 * Requests follow the duty (base/duties.ts), the ledger its own table (ledger/permissions.ts), alerts the
 * audit routes (privacy officer and auditor), policy versions the office that publishes and the auditor who
 * checks the notice periods.
 */
import type { StaffActor } from '../../base/actors.ts';
import { dutyAccess } from '../../base/duties.ts';
import type { RoleKind } from '../../contract/roles.ts';
import { mayHandover } from '../handovers/permissions.ts';
import { ledgerRules } from '../ledger/permissions.ts';

export type AttentionPart = 'requests' | 'system_tasks' | 'alerts' | 'ledger' | 'policy' | 'contractors';

const byKind: Record<RoleKind, { alerts: boolean; policy: boolean }> = {
  privacy_officer: { alerts: true, policy: true },
  auditor: { alerts: true, policy: true },
  department_manager: { alerts: false, policy: false },
  staff: { alerts: false, policy: false },
  system_admin: { alerts: false, policy: false },
};

/** May the actor see this part of the attention panel? */
export function seesAttention(actor: StaffActor, part: AttentionPart): boolean {
  switch (part) {
    case 'requests':
    case 'system_tasks':
      return dutyAccess(actor, 'member_requests') !== null;
    case 'alerts':
      return byKind[actor.roleKind].alerts;
    case 'ledger': {
      const reach = ledgerRules[actor.roleKind].read;
      return reach === 'all' || (reach === 'department' && actor.departmentId !== null);
    }
    case 'policy':
      return byKind[actor.roleKind].policy;
    case 'contractors':
      return mayHandover(actor, 'read');
  }
}
