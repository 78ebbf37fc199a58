/**
 * The audit events of a member read, the same whether the read runs alone (read-member.ts) or in a group
 * (read-group.ts): a refusal names the actor's organization and the reason, an allowed read the member's
 * organization and the items shown.
 */
import type { StaffActor } from '../../base/actors.ts';
import { AppError } from '../../base/errors.ts';
import type { RefusalCode } from '../access/policy.ts';
import type { AuditEvent } from '../audit/events.ts';

export interface ReadRequest {
  actor: StaffActor;
  purpose: string;
  items?: readonly string[];
  via?: string;
}

/** A refused read: of a member that is not there (no `memberId`), or refused by the engine. */
export function refusedReadEvent(read: ReadRequest, errorCode: RefusalCode | 'member_not_found', memberId?: string): AuditEvent {
  return {
    action: 'member.read',
    outcome: 'refused',
    orgId: read.actor.orgId,
    ...(memberId ? { memberId } : {}),
    purpose: read.purpose,
    errorCode,
    detail: memberId ? { ...(read.items ? { items: read.items } : {}), via: read.via } : { via: read.via },
  };
}

/** An allowed read of the member `row` with the items the decision allows. */
export function allowedReadEvent(
  read: ReadRequest,
  row: { id: string; org_id: string },
  decision: { items: readonly string[]; jointUseId?: string | undefined },
): AuditEvent {
  return {
    action: 'member.read',
    outcome: 'allowed',
    orgId: row.org_id,
    memberId: row.id,
    purpose: read.purpose,
    detail: { items: decision.items, ...(decision.jointUseId ? { joint_use: decision.jointUseId } : {}), via: read.via },
  };
}

/** The error a refusal answers with: another co-op's member is not found, so its existence is not revealed. */
export function refusalError(code: RefusalCode): AppError {
  return new AppError(code === 'member_out_of_scope' ? 'member_not_found' : code);
}
