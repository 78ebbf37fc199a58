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
