/**
 * Request shapes of the joint-use and contractor API (one zod schema per endpoint; the OpenAPI document uses
 * them). Shape only: whether a contractor, a joint use, a purpose or an item exists in the policy in effect is
 * the services' job.
 */
import { z } from 'zod';
import { csvCharsets } from '../../base/table-export.ts';
import { handoverMethods, inspectionResults } from '../../contract/handover-vocabulary.ts';

const code = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'code: letters, digits, _ and - (up to 64)');
const date = z.iso.date();
const items = z.array(code).min(1).max(200);

export const contractorCodeParams = z.strictObject({
  code: code.describe('委託先コード（方針の登録簿）/ contractor code of the register'),
});
export const jointUseCodeParams = z.strictObject({ code: code.describe('共同利用コード（方針の登録簿）/ joint use code of the register') });

export const recordInspectionBody = z.strictObject({
  inspected_on: date.optional().describe('点検日（省略時は今日）/ inspection date (default today)'),
  inspector: z.string().trim().min(1).max(200).describe('点検した人 / who inspected'),
  result: z.enum(inspectionResults).describe('satisfactory 適切, improvement_needed 要改善, unsatisfactory 不適切'),
  findings: z.string().trim().max(4000).optional().describe('指摘事項 / findings'),
  next_due_on: date.optional().describe('次回点検期限（省略時は点検日＋点検間隔）/ next due (default: date + the register’s interval)'),
});
export type RecordInspectionInput = z.infer<typeof recordInspectionBody>;

export const recordHandoverBody = z.strictObject({
  handed_over_on: date.optional().describe('受け渡し日（省略時は今日）/ date of the hand-over (default today)'),
  items: items.describe('渡した項目コード（委託先の登録簿の項目）/ item codes handed over'),
  record_count: z.int().min(0).max(100_000_000).describe('件数 / number of records'),
  method: z.enum(handoverMethods).describe('受け渡しの方法 / how it was sent'),
  note: z.string().trim().max(2000).optional(),
});
export type RecordHandoverInput = z.infer<typeof recordHandoverBody>;

export const handoverFileBody = z.strictObject({
  purpose: code.describe('委託する業務の利用目的コード / the purpose the contractor works for'),
  items: items.optional().describe('省略時は委託先の項目のうち利用目的の項目すべて / default: the contractor’s items within the purpose'),
  method: z.enum(handoverMethods),
  charset: z.enum(csvCharsets).optional().describe('utf-8（既定）または shift_jis'),
  note: z.string().trim().max(2000).optional(),
});
export type HandoverFileInput = z.infer<typeof handoverFileBody>;

export const transferPreviewBody = z.strictObject({
  purpose: code.describe('共同利用の利用目的コード / purpose code'),
  items: items.optional().describe('省略時は共同利用がこの目的で定める項目すべて / default: every item declared for the purpose'),
});

export const transferFileBody = transferPreviewBody.extend({
  charset: z.enum(csvCharsets).optional().describe('utf-8（既定）または shift_jis'),
});
