/**
 * The engine's refusals. Each carries a stable code (see `anonymizeErrorCodes` in types.ts) and a `detail` naming
 * the column and value at fault, so that the release register can show them and map them to its own error catalogue.
 */
import type { AnonymizeErrorCode } from './types.ts';

const messages: Record<AnonymizeErrorCode, [ja: string, en: string]> = {
  hierarchy_uncovered: ['一般化の階層が値を扱えません。', 'A generalization hierarchy does not cover a value.'],
  k_exceeds_population: ['k がレコード数を超えています。', 'k is larger than the number of records.'],
  suppression_unmet: [
    '削除（抑制）の上限内で k（と l）を満たす加工がありません。',
    'No transformation meets k (and l) within the suppression limit.',
  ],
  l_unreachable: ['機微な値の種類が l に足りません。', 'The sensitive column has fewer than l distinct values.'],
  spec_invalid: ['加工の定義に誤りがあります。', 'The anonymization spec is not valid.'],
  verification_failed: [
    '加工結果の検証（k・l の再確認）に失敗しました。出力できません。',
    'The check of the output (k and l counted again) failed: nothing may be written.',
  ],
};

export class AnonymizeError extends Error {
  readonly code: AnonymizeErrorCode;
  /** What is at fault, naming the column and value (e.g. `column "age": value "-3" is in no band`). */
  readonly detail: string;
  /** The message in Japanese (the console's default language); `message` is English. */
  readonly messageJa: string;

  constructor(code: AnonymizeErrorCode, detail: string) {
    const [ja, en] = messages[code];
    super(`${en} ${detail}`);
    this.name = 'AnonymizeError';
    this.code = code;
    this.detail = detail;
    this.messageJa = `${ja} ${detail}`;
  }
}
