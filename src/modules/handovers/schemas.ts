/**
 * Request shapes of the joint-use and contractor API (one zod schema per endpoint; the OpenAPI document uses
 * them). Shape only: whether a contractor, a joint use, a purpose or an item exists in the policy in effect is
 * the services' job.
 */
import { z } from 'zod';
import { csvCharsets } from '../../base/table-export.ts';
import {
  contractClauses,
  contractStates,
  handoverMethods,
  inspectionResults,
  inspectionStates,
  type LeftOutReason,
  leftOutReasons,
} from '../../contract/handover-vocabulary.ts';

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

// Answers (the OpenAPI document shows them; the services' types are inferred from them).

const isoDate = z.string().describe('YYYY-MM-DD（日本時間）/ date in Japan');
const errorWords = z.strictObject({ code: z.string(), message_ja: z.string(), message_en: z.string() });

export const contractorView = z.strictObject({
  code: z.string(),
  name: z.string(),
  service: z.string().describe('委託業務 / the outsourced work'),
  country: z.string().nullable(),
  items: z.array(z.strictObject({ code: z.string(), name: z.string() })).describe('登録簿の項目 / register items'),
  subcontracting: z.enum(['prohibited', 'with_consent', 'allowed']).nullable(),
  contract: z.strictObject({
    state: z.enum(contractStates),
    signed_on: isoDate.nullable(),
    expires_on: isoDate.nullable(),
    days_left: z.int().nullable().describe('期限までの日数（切れていれば負）/ days to the expiry (negative once expired)'),
    clauses_missing: z.array(z.enum(contractClauses)),
  }),
  inspection: z.strictObject({
    state: z.enum(inspectionStates),
    interval_months: z.int(),
    last_on: isoDate.nullable(),
    last_source: z.enum(['mamori', 'register']).nullable().describe('前回点検の記録元 / where the last inspection is recorded'),
    next_due_on: isoDate.nullable(),
    days_left: z.int().nullable(),
  }),
  blocks: z.array(errorWords).describe('いま受け渡しを止めている理由（空なら受け渡し可）/ what blocks a hand-over today'),
  handovers: z.int(),
  last_handover_on: isoDate.nullable(),
});
export type ContractorView = z.infer<typeof contractorView>;

export const inspectionView = z.strictObject({
  id: z.string(),
  inspected_on: isoDate,
  inspector: z.string(),
  result: z.string(),
  findings: z.string(),
  next_due_on: isoDate,
  created_at: z.string(),
});
export type InspectionView = z.infer<typeof inspectionView>;

export const handoverView = z.strictObject({
  id: z.string(),
  handed_over_on: isoDate,
  items: z.array(z.string()),
  record_count: z.int(),
  method: z.string(),
  note: z.string(),
  purpose_code: z.string().nullable().describe('mamoriが作ったファイルの利用目的 / the purpose of a file mamori made'),
  file_sha256: z.string().nullable(),
  recorded_by_name: z.string(),
  created_at: z.string(),
});
export type HandoverView = z.infer<typeof handoverView>;

export const contractorsAnswer = z.strictObject({ today: isoDate, contractors: z.array(contractorView) });
export const contractorDetail = z.strictObject({
  contractor: contractorView,
  inspections: z.array(inspectionView),
  handovers: z.array(handoverView),
});
export type ContractorDetail = z.infer<typeof contractorDetail>;
export const handoverAnswer = z.strictObject({ handover: handoverView, contractor: contractorView });

const transferItem = z.strictObject({
  code: z.string(),
  name: z.string(),
  in_file: z.boolean().describe('組合員台帳にある項目（ファイルに含まれる）/ held in the member ledger, so in the file'),
});

export const jointUseView = z.strictObject({
  code: z.string(),
  name: z.string(),
  users: z.array(z.string()),
  starts_on: isoDate.nullable(),
  ends_on: isoDate.nullable(),
  state: z.enum(['in_effect', 'not_started', 'ended']),
  purposes: z.array(
    z.strictObject({
      code: z.string(),
      number: z.int(),
      name: z.string(),
      for_members: z.boolean(),
      items: z.array(transferItem).describe('この目的で定める項目 / the items declared for the purpose'),
    }),
  ),
});
export type JointUseView = z.infer<typeof jointUseView>;
export const jointUsesAnswer = z.strictObject({ today: isoDate, joint_uses: z.array(jointUseView) });

export const transferPreview = z.strictObject({
  today: isoDate,
  joint_use: z.strictObject({
    code: z.string(),
    name: z.string(),
    users: z.array(z.string()),
    starts_on: isoDate,
    ends_on: isoDate.nullable(),
  }),
  purpose: z.strictObject({ code: z.string(), number: z.int(), name: z.string() }),
  declared: z.array(transferItem),
  items: z.array(transferItem),
  covered: z.int(),
  withdrawn_covered: z.int().describe('対象のうち保存期間内の脱退者 / of the covered, withdrawn within the retention period'),
  left_out: z.strictObject(Object.fromEntries(leftOutReasons.map((r) => [r, z.int()])) as Record<LeftOutReason, z.ZodInt>),
});
export type TransferPreview = z.infer<typeof transferPreview>;

/** A transfer made to joint users, as recorded: codes and counts, never a person's data. */
export const transferView = z.strictObject({
  id: z.string(),
  joint_use_code: z.string(),
  purpose_code: z.string(),
  items: z.array(z.string()),
  record_count: z.int(),
  left_out: z.record(z.string(), z.int()).describe('対象外の理由ごとの人数 / people left out, by reason'),
  charset: z.enum(['utf-8', 'shift_jis']),
  file_sha256: z.string(),
  made_by_name: z.string(),
  created_at: z.string(),
});
export type TransferView = z.infer<typeof transferView>;
export const transfersAnswer = z.strictObject({ transfers: z.array(transferView) });
