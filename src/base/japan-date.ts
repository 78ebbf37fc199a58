/**
 * Dates as members read them. A notice takes effect on a calendar day in Japan, so "today" is the date in
 * Asia/Tokyo (UTC+9 all year: Japan has no daylight saving time, so a fixed offset is exact and avoids
 * `Intl` on every request).
 */
import { type Clock, JST_OFFSET_MS } from '../db/time.ts';

/** Today's date in Japan (YYYY-MM-DD) by the given clock. */
export function todayInJapan(clock: Clock): string {
  return new Date(clock().getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** `2022-06-10` → `2022年6月10日`; anything that is not a date is returned as it is. */
export function japaneseDate(date: string | null | undefined): string {
  if (!date) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}
