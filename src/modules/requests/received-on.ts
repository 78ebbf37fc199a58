import { AppError } from '../../base/errors.ts';
import { japanDate } from '../../db/time.ts';

/**
 * A date of receipt entered by staff — a date in Japan — at the current time of day (the due date counts from
 * that date). The days are counted between Japan dates: between 00:00 and 09:00 in Japan the UTC date is still
 * the day before, and today's date must not read as tomorrow.
 */
export function receivedOn(date: string, now: Date): Date {
  const days = (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${japanDate(now)}T00:00:00Z`)) / 86_400_000;
  const at = new Date(now.getTime() + days * 86_400_000);
  if (!Number.isInteger(days) || days > 0) {
    throw new AppError('validation_failed', [
      {
        field: 'received_on',
        code: 'future',
        message_ja: '受付日に未来の日付は指定できません。',
        message_en: 'The date received cannot be in the future.',
      },
    ]);
  }
  return at;
}
