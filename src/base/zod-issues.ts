/**
 * A zod validation issue in words a person reads, in Japanese and English: 「名称を入力してください。」, not
 * "Invalid input: expected string". With the field's label (the policy editor names its fields) the message
 * names the field; without it (a form that shows the message under its input) it is a sentence on its own.
 * Used by the HTTP edge for every request body and query, and by the policy file and editor.
 */
import type { z } from 'zod';
import type { FieldIssue } from '../contract/errors.ts';

/** Formats a value may have to take, in words. */
const formatJa: Record<string, string> = {
  date: '日付（YYYY-MM-DD）',
  url: 'URL',
  email: 'メールアドレス',
  uuid: 'ID',
  regex: '決められた',
};
const formatEn: Record<string, string> = { date: 'date (YYYY-MM-DD)', url: 'URL', email: 'e-mail address', uuid: 'id', regex: 'required' };

const typeJa: Record<string, string> = {
  string: '文字',
  number: '数値',
  int: '整数',
  boolean: 'はい／いいえ',
  array: '一覧',
  object: '項目の組',
};

/** The issue as a field issue: `label` names the field in the messages when given. */
export function describeZodIssue(i: z.core.$ZodIssue, field: string, label?: { ja: string; en: string }): FieldIssue {
  // With a label: 「名称を入力してください。」; without: 「入力してください。」 (shown under the field).
  const ja = (withLabel: string, alone: string) => (label ? `${label.ja}${withLabel}` : alone);
  const en = (withLabel: string, alone: string) => (label ? `${label.en}${withLabel.startsWith(':') ? '' : ' '}${withLabel}` : alone);
  const issue = (code: string, messageJa: string, messageEn: string): FieldIssue => ({
    field,
    code,
    message_ja: messageJa,
    message_en: messageEn,
  });
  // Issues rebuilt from a framework's error may lack a detail: never fail on one.
  const values = ((i as { values?: unknown[] }).values ?? []).map(String);
  const keys = ((i as { keys?: string[] }).keys ?? []).map(String);
  switch (i.code) {
    case 'invalid_type':
      return i.input === undefined
        ? issue('required', ja('は必須です。', '必須です。'), en('is required.', 'Required.'))
        : issue(
            'invalid_type',
            ja(
              `の値の種類が正しくありません（${typeJa[i.expected] ?? i.expected}）。`,
              `値の種類が正しくありません（${typeJa[i.expected] ?? i.expected}）。`,
            ),
            en(`must be ${i.expected}.`, `Must be ${i.expected}.`),
          );
    case 'unrecognized_keys':
      return issue(
        'unknown_field',
        ja(`に受け付けない項目があります: ${keys.join(', ')}`, `受け付けない項目です: ${keys.join(', ')}`),
        en(
          `: unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`,
          `Unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`,
        ),
      );
    case 'invalid_value':
      return issue(
        'invalid_value',
        ja(`の値は次のいずれかです: ${values.join(', ')}`, `次のいずれかを選んでください: ${values.join(', ')}`),
        en(`must be one of: ${values.join(', ')}`, `Must be one of: ${values.join(', ')}`),
      );
    case 'too_small':
      if (i.origin === 'string') {
        return Number(i.minimum) <= 1
          ? issue('too_small', ja('を入力してください。', '入力してください。'), en('is empty.', 'Required.'))
          : issue(
              'too_small',
              ja(`は${String(i.minimum)}文字以上で入力してください。`, `${String(i.minimum)}文字以上で入力してください。`),
              en(`is too short (at least ${String(i.minimum)} characters).`, `At least ${String(i.minimum)} characters.`),
            );
      }
      return issue(
        'too_small',
        ja(`が小さすぎます（${String(i.minimum)}以上）。`, `${String(i.minimum)}以上にしてください。`),
        en(`is too small (at least ${String(i.minimum)}).`, `At least ${String(i.minimum)}.`),
      );
    case 'too_big': {
      const unit = i.origin === 'string' ? '文字' : i.origin === 'array' ? '件' : '';
      return issue(
        'too_big',
        ja(
          `が${i.origin === 'string' ? '長すぎます' : i.origin === 'array' ? '多すぎます' : '大きすぎます'}（${String(i.maximum)}${unit}まで）。`,
          `${String(i.maximum)}${unit}${i.origin === 'string' || i.origin === 'array' ? '以内' : '以下'}にしてください。`,
        ),
        en(
          `is too ${i.origin === 'string' ? 'long' : i.origin === 'array' ? 'many' : 'large'} (at most ${String(i.maximum)}).`,
          `At most ${String(i.maximum)}.`,
        ),
      );
    }
    case 'invalid_format':
      return issue(
        'invalid_format',
        ja(`は${formatJa[i.format] ?? i.format}の形式で入力してください。`, `${formatJa[i.format] ?? i.format}の形式で入力してください。`),
        en(`is not a valid ${formatEn[i.format] ?? i.format}.`, `Not a valid ${formatEn[i.format] ?? i.format}.`),
      );
    default:
      return issue(i.code, ja('の値が正しくありません。', '値が正しくありません。'), en('is not valid.', 'Not valid.'));
  }
}
