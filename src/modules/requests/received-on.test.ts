import { describe, expect, it } from 'vitest';
import { receivedOn } from './received-on.ts';

describe('the date a request was received, entered by staff', () => {
  // 2026-12-04 00:40 in Japan is still 2026-12-03 in UTC.
  const earlyMorningInJapan = new Date('2026-12-03T15:40:00.000Z');

  it('takes today in Japan as today, also before 09:00 Japan time (when the UTC date is the day before)', () => {
    expect(receivedOn('2026-12-04', earlyMorningInJapan)).toEqual(earlyMorningInJapan);
    expect(receivedOn('2026-12-01', earlyMorningInJapan).toISOString()).toBe('2026-11-30T15:40:00.000Z');
  });

  it('refuses a date after today in Japan, and a date that is no date', () => {
    expect(() => receivedOn('2026-12-05', earlyMorningInJapan)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => receivedOn('2026-13-45', earlyMorningInJapan)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    // In the afternoon in Japan the UTC date is the same day.
    const afternoon = new Date('2026-12-04T06:00:00.000Z');
    expect(receivedOn('2026-12-04', afternoon)).toEqual(afternoon);
    expect(() => receivedOn('2026-12-05', afternoon)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});
