/** The schedule's due times (on the clock, daily in Japan time), the back-off, and what an error keeps. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../base/errors.ts';
import { backoffMs, slotAfter, slotAtOrBefore } from './definitions.ts';
import { summarizeError } from './error-summary.ts';

const at = (s: string) => new Date(s);
const iso = (d: Date) => d.toISOString();

describe('due times', () => {
  it.each([
    // [schedule, now, at or before, after]
    [{ everyMinutes: 60 }, '2026-05-01T10:59:59.999Z', '2026-05-01T10:00:00.000Z', '2026-05-01T11:00:00.000Z'],
    [{ everyMinutes: 60 }, '2026-05-01T11:00:00.000Z', '2026-05-01T11:00:00.000Z', '2026-05-01T12:00:00.000Z'],
    [{ everyMinutes: 15 }, '2026-05-01T11:44:00.000Z', '2026-05-01T11:30:00.000Z', '2026-05-01T11:45:00.000Z'],
    // 09:00 JST is 00:00 UTC; at 08:59 JST (23:59 UTC the day before) today's run is still ahead.
    [{ dailyAtJst: '09:00' }, '2026-04-30T23:59:00.000Z', '2026-04-30T00:00:00.000Z', '2026-05-01T00:00:00.000Z'],
    [{ dailyAtJst: '09:00' }, '2026-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z', '2026-05-02T00:00:00.000Z'],
    // Midnight JST is 15:00 UTC the day before: at 14:59 UTC on 30 April the 1 May run is a minute away.
    [{ dailyAtJst: '00:00' }, '2026-04-30T14:59:00.000Z', '2026-04-29T15:00:00.000Z', '2026-04-30T15:00:00.000Z'],
    [{ dailyAtJst: '00:00' }, '2026-04-30T15:00:00.000Z', '2026-04-30T15:00:00.000Z', '2026-05-01T15:00:00.000Z'],
    [{ dailyAtJst: '03:30' }, '2026-05-01T12:00:00.000Z', '2026-04-30T18:30:00.000Z', '2026-05-01T18:30:00.000Z'],
  ] as const)('%o at %s: %s, then %s', (schedule, now, before, after) => {
    expect(iso(slotAtOrBefore(schedule, at(now)))).toBe(before);
    expect(iso(slotAfter(schedule, at(now)))).toBe(after);
  });

  it('refuses a daily time that is not HH:MM', () => {
    expect(() => slotAtOrBefore({ dailyAtJst: '9:00' }, at('2026-05-01T00:00:00Z'))).toThrow(/HH:MM/);
    expect(() => slotAtOrBefore({ dailyAtJst: '24:00' }, at('2026-05-01T00:00:00Z'))).toThrow(/HH:MM/);
  });
});

describe('back-off', () => {
  it('doubles from the base after each failed try, up to the cap', () => {
    const b = { baseSeconds: 60, maxSeconds: 600 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(b, n) / 1000)).toEqual([60, 120, 240, 480, 600, 600]);
  });
});

describe('what a failed run keeps of its error', () => {
  it('keeps class, code and the shape of the message, never values', () => {
    const pg = Object.assign(new Error('duplicate key value violates unique constraint "members_email" Key (email)=(hanako@example.jp)'), {
      code: '23505',
    });
    expect(summarizeError(pg)).toBe('Error [#]: duplicate key value violates unique constraint … Key (email)=(…)');
    expect(summarizeError(new TypeError("Cannot read properties of undefined (reading 'email')"))).toBe(
      'TypeError: Cannot read properties of undefined (reading …)',
    );
    expect(summarizeError(new Error('会員 山田 花子 の住所が不正\n at stack'))).toBe('Error: …');
    expect(summarizeError(new Error('due 2026-05-01 for member 1000001, tel 03-1234-5678'))).toBe('Error: due # for member #, tel #');
    expect(summarizeError(new AppError('job_run_not_found'))).toBe('AppError [job_run_not_found]');
    expect(summarizeError('a string')).toBe('non-error thrown');
    expect(summarizeError(new Error('x'.repeat(1000))).length).toBeLessThanOrEqual(300);
  });
});
