/** Current time as stored: ISO-8601 UTC with milliseconds. Tests pass a fixed clock. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
export const iso = (d: Date): string => d.toISOString();

/** Japan time (Asia/Tokyo) is UTC+9 all year: no daylight saving. */
export const JST_OFFSET_MS = 9 * 3600_000;

/**
 * The date in Japan (Asia/Tokyo, UTC+9, no daylight saving) as `YYYY-MM-DD`: the date that joint uses,
 * policy versions and deadlines are written in. A UTC date would be a day behind until 09:00 JST.
 */
export const japanDate = (d: Date): string => new Date(d.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);

/** An instant as Japan time to the second, `2026-06-15 10:05:00` (lists and exports); an unreadable one as given. */
export function jstDateTime(isoTime: string): string {
  const t = Date.parse(isoTime);
  return Number.isNaN(t) ? isoTime : new Date(t + JST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
