/**
 * The review clock of the ledger: JIS Q 15001 asks for a review at least once a year. Each asset has its
 * interval (1–12 months, default 12); the next review is due that many months after the last review, or after
 * registration when it has never been reviewed. Dates are calendar days in Japan, where the office works.
 */
import { DUE_SOON_DAYS, type ReviewState } from '../../contract/ledger-vocabulary.ts';
import { JST_OFFSET_MS } from '../../db/time.ts';

const DAY_MS = 86_400_000;

/** The calendar date in Japan at this instant, `YYYY-MM-DD`. */
export function japanDate(at: Date): string {
  return new Date(at.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * Adds calendar months to a `YYYY-MM-DD` date; a day that does not exist in the target month becomes its last
 * day (2025-01-31 + 1 month = 2025-02-28), so a deadline never slips into the following month.
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** A `YYYY-MM-DD` date this many days later (earlier when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** When the next review is due: the interval after the last review, or after registration. */
export function nextReviewOn(opts: { lastReviewedOn: string | null; registeredOn: string; intervalMonths: number }): string {
  return addMonths(opts.lastReviewedOn ?? opts.registeredOn, opts.intervalMonths);
}

export interface ReviewStatus {
  state: ReviewState;
  /** Days past the deadline (0 unless overdue). */
  daysOverdue: number;
  /** Days left until the deadline (0 once it is today or past). */
  daysLeft: number;
}

/**
 * Overdue the day after the deadline; due soon from `DUE_SOON_DAYS` before it up to and including the day
 * itself; up to date otherwise.
 */
export function reviewStatus(nextReview: string, today: string): ReviewStatus {
  const left = daysBetween(today, nextReview);
  if (left < 0) return { state: 'overdue', daysOverdue: -left, daysLeft: 0 };
  return { state: left <= DUE_SOON_DAYS ? 'due_soon' : 'ok', daysOverdue: 0, daysLeft: left };
}
