/**
 * The numbers of the policy rules, in one place (see the product docs, appi.md). Points the statute leaves
 * open are defaults an organization can change in its settings; they are marked (confirm).
 */

/**
 * Days between the notice of a change that needs prior notice (a new purpose, a joint use's purposes,
 * items, users or responsible party) and the day it takes effect. APPI says "beforehand" without a number;
 * 30 days is the co-ops' usual practice for member notices (confirm per co-op; settings.policy.priorNoticeDays).
 */
export const DEFAULT_PRIOR_NOTICE_DAYS = 30;

/**
 * Age under which a child's data needs a legal representative's consent. The PPC Q&A says about 12–15; the
 * amendment reported as passed in 2026 says under 16 (confirm; the policy's `child_consent_age`).
 */
export const DEFAULT_CHILD_CONSENT_AGE = 16;

/** `YYYY-MM-DD` plus `days`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (`YYYY-MM-DD`), negative when `to` is earlier: the days left to a deadline. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Days before a contractor's inspection falls due from which it shows as due soon (委託先の監督, Art. 25). The
 * law sets no interval: the register's `inspection.interval_months` does; this is the office's warning window.
 */
export const INSPECTION_DUE_SOON_DAYS = 30;

/**
 * Contract clauses without which nothing is handed over to a contractor (Art. 25 and the PPC guideline 通則編
 * 3-4-4: the contract fixes the safety measures, confidentiality and the limits of re-provision). The other
 * clauses of the register (incident liability, return or destruction, subcontracting) are shown when missing.
 */
export const REQUIRED_CONTRACT_CLAUSES = ['confidentiality', 'no_reprovision'] as const;

/**
 * Years a withdrawn member's record is kept after the leave date: the membership records are important business
 * records of the co-op (co-op law: 10 years; appi.md "Retention periods", confirm with the co-op). Beyond it a
 * withdrawn member is in no transfer or hand-over file; a withdrawn member without a leave date counts as beyond.
 */
export const WITHDRAWN_MEMBER_RETENTION_YEARS = 10;

/**
 * Records of third-party provision and receipt (Arts. 29–30; Rules 20 and 24): kept 3 years from the provision
 * (a continuous-provision record: 3 years from its last entry); where a contract stands in for the record,
 * 1 year after the last provision. Then the disposal job disposes of them.
 */
export const PROVISION_RECORD_KEEP_YEARS = 3;
export const PROVISION_CONTRACT_KEEP_YEARS = 1;

/** `YYYY-MM-DD` plus whole years; 29 February becomes 28 February in a year without it. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y + years, m - 1, d));
  // Date rolls 29 Feb over to 1 Mar: step back to the last day of February instead.
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

/** The last day a provision record is kept, from the date of its (last) provision and its retention basis. */
export function provisionKeepUntil(lastProvisionOn: string, retention: 'record' | 'contract'): string {
  return addYears(lastProvisionOn, retention === 'contract' ? PROVISION_CONTRACT_KEEP_YEARS : PROVISION_RECORD_KEEP_YEARS);
}
