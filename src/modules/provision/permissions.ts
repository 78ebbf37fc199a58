/**
 * Who may do what with third-party provision, as one table (the handlers ask it, they never decide themselves).
 * The duty `provision_records` (base/duties.ts) opens the registers; running a provision — a bulk export of
 * personal data to a third party — is the privacy officer's alone:
 *
 * | role kind                          | read runs, records, disposals | single record / receipt | run (preview, confirm, file) |
 * |------------------------------------|-------------------------------|-------------------------|------------------------------|
 * | privacy_officer                    | yes                           | yes                     | yes                          |
 * | department_manager with the duty   | yes                           | yes                     | —                            |
 * | staff with the duty                | yes                           | —                       | —                            |
 * | auditor                            | yes (read only)               | —                       | —                            |
 * | system_admin, roles without duty   | —                             | —                       | —                            |
 */
import type { RoleKind } from '../../contract/roles.ts';

export const provisionRules: Record<RoleKind, { record: boolean; run: boolean }> = {
  privacy_officer: { record: true, run: true },
  department_manager: { record: true, run: false },
  staff: { record: false, run: false },
  auditor: { record: false, run: false },
  system_admin: { record: false, run: false },
};

/**
 * The role kinds that may do `what` (with the duty's `handle` access), as the routes declare them; reading is the
 * duty's `read` access (auditors read by their kind).
 */
export const provisionKinds = (what: 'record' | 'run'): RoleKind[] =>
  (Object.keys(provisionRules) as RoleKind[]).filter((kind) => provisionRules[kind][what]);
