/** Current time as stored: ISO-8601 UTC with milliseconds. Tests pass a fixed clock. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
export const iso = (d: Date): string => d.toISOString();

const JST_OFFSET_MS = 9 * 3600_000;

/**
 * The date in Japan (Asia/Tokyo, UTC+9, no daylight saving) as `YYYY-MM-DD`: the date that joint uses,
 * policy versions and deadlines are written in. A UTC date would be a day behind until 09:00 JST.
 */
export const japanDate = (d: Date): string => new Date(d.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
