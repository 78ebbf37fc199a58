/**
 * The five system kinds of role (docs/access.md). Co-ops name their roles by job (宅配担当, 共済担当); the kind
 * governs the capabilities outside purpose-bound member data. The database stores the kind (db/schema.ts).
 */
export const roleKinds = ['privacy_officer', 'department_manager', 'staff', 'auditor', 'system_admin'] as const;
export type RoleKind = (typeof roleKinds)[number];

/** Work a role does beyond purposes of use (base/duties.ts); stored on the role, shown in /auth/me. */
export type Duty = 'member_requests' | 'provision_records' | 'handovers';
/** How a role may use a duty's registers: handle (read and act) or read only; `null` is neither. */
export type DutyAccess = 'handle' | 'read' | null;
