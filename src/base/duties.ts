/**
 * Duties (業務): work a role does beyond using purposes of use — the panels and endpoints on the person's say
 * (consents), requests from the person (with identity documents and guardian links) and third-party provision
 * records. Purposes decide which member items a role may see; duties decide whether the role sees these
 * registers at all (minimum necessary: a delivery driver sees the delivery items, not the person's requests).
 *
 * Stored on the role (`roles.duties`, a JSON array), granted by the privacy officer where purposes are granted.
 * The kind of role fixes the rest: a privacy officer has every duty, an auditor reads (never handles) what the
 * duties cover, a system administrator has none; staff and department managers have exactly the duties granted.
 */
import type { Duty, DutyAccess, RoleKind } from '../contract/roles.ts';

export const duties = [
  /** 本人からの請求・同意の受付: requests (list, read, intake, steps, documents), consents, guardian links. */
  'member_requests',
  /** 第三者提供・受領の記録 (Arts. 29–30): reading and entering provision records. */
  'provision_records',
  /** 委託先・共同利用 (issue 14 §2): contractors' inspections and hand-overs, transfers to joint users. */
  'handovers',
] as const satisfies readonly Duty[];

/** The kinds whose duties are granted one by one; the other kinds' follow from the kind. */
export const grantableKinds: readonly RoleKind[] = ['staff', 'department_manager'];

export function dutyAccess(role: { roleKind: RoleKind; duties: readonly Duty[] }, duty: Duty): DutyAccess {
  switch (role.roleKind) {
    case 'privacy_officer':
      return 'handle';
    case 'auditor':
      return 'read';
    case 'staff':
    case 'department_manager':
      return role.duties.includes(duty) ? 'handle' : null;
    default:
      return null;
  }
}

/** Every duty with the role's access to it (the `duties` of /auth/me). */
export function dutyAccessMap(role: { roleKind: RoleKind; duties: readonly Duty[] }): Record<Duty, DutyAccess> {
  return Object.fromEntries(duties.map((d) => [d, dutyAccess(role, d)])) as Record<Duty, DutyAccess>;
}

/** The stored column, read leniently: unknown or malformed entries grant nothing. */
export function parseDuties(text: string | null | undefined): Duty[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? duties.filter((d) => value.includes(d)) : [];
  } catch {
    return [];
  }
}

/** The column's value for a set of duties, in the vocabulary's order (so equal sets store equally). */
export function storeDuties(granted: readonly Duty[]): string {
  return JSON.stringify(duties.filter((d) => granted.includes(d)));
}
