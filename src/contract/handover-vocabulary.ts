/**
 * The words of data that leaves the co-op to joint users and contractors (共同利用・委託, issue 14 §2): how a
 * hand-over is sent, what an inspection of a contractor found (委託先の監督), the states of a contract and of its
 * inspection clock, and why a person is left out of a transfer — each with its Japanese and English label. Kept
 * free of dependencies: the server's schemas, the files and the console take the lists from here.
 */
import type { Labelled } from './labels.ts';

/** 受け渡しの方法: how the data reached the contractor. */
export const handoverMethods = ['sftp', 'encrypted_email', 'media', 'paper', 'web_upload', 'other'] as const;
export type HandoverMethod = (typeof handoverMethods)[number];
export const handoverMethodLabels: Record<HandoverMethod, Labelled> = {
  sftp: { ja: 'SFTP', en: 'SFTP' },
  encrypted_email: { ja: '暗号化したメール添付', en: 'Encrypted e-mail attachment' },
  media: { ja: '電子媒体の手渡し（暗号化USB等）', en: 'Media handed over (encrypted USB etc.)' },
  paper: { ja: '紙の手渡し・書留', en: 'Paper, by hand or registered mail' },
  web_upload: { ja: '委託先のシステムへの登録', en: 'Entered in the contractor’s system' },
  other: { ja: 'その他', en: 'Other' },
};

/** 点検の結果: what an inspection of the contractor concluded. */
export const inspectionResults = ['satisfactory', 'improvement_needed', 'unsatisfactory'] as const;
export type InspectionResult = (typeof inspectionResults)[number];
export const inspectionResultLabels: Record<InspectionResult, Labelled> = {
  satisfactory: { ja: '適切', en: 'Satisfactory' },
  improvement_needed: { ja: '要改善（指摘あり）', en: 'Improvement needed' },
  unsatisfactory: { ja: '不適切', en: 'Unsatisfactory' },
};

/** 契約の状態: in force, open-ended (no expiry on record), expired (blocks hand-overs). */
export const contractStates = ['valid', 'open_ended', 'expired'] as const;
export type ContractState = (typeof contractStates)[number];
export const contractStateLabels: Record<ContractState, Labelled> = {
  valid: { ja: '有効', en: 'In force' },
  open_ended: { ja: '期限の記載なし', en: 'No expiry on record' },
  expired: { ja: '期限切れ', en: 'Expired' },
};

/** 点検の状態: up to date, due soon, overdue or never inspected (the last two block hand-overs). */
export const inspectionStates = ['ok', 'due_soon', 'overdue', 'never'] as const;
export type InspectionState = (typeof inspectionStates)[number];
export const inspectionStateLabels: Record<InspectionState, Labelled> = {
  ok: { ja: '期限内', en: 'Up to date' },
  due_soon: { ja: 'まもなく期限', en: 'Due soon' },
  overdue: { ja: '期限切れ', en: 'Overdue' },
  never: { ja: '点検の記録なし', en: 'Never inspected' },
};

/** Contract clauses a hand-over needs (the rest are shown as missing without blocking: docs/handovers.md). */
export const contractClauses = ['confidentiality', 'no_reprovision', 'incident_liability', 'return_or_destruction'] as const;
export type ContractClause = (typeof contractClauses)[number];
export const contractClauseLabels: Record<ContractClause, Labelled> = {
  confidentiality: { ja: '秘密保持', en: 'Confidentiality' },
  no_reprovision: { ja: '再提供の禁止', en: 'No re-provision' },
  incident_liability: { ja: '事故時の責任分担', en: 'Liability for incidents' },
  return_or_destruction: { ja: '契約終了時の返却・廃棄', en: 'Return or destruction at the end' },
};

/** Why a person of the ledger is not in a transfer or a hand-over file. */
export const leftOutReasons = ['beyond_retention', 'erased', 'use_stopped', 'opted_out', 'consent_missing'] as const;
export type LeftOutReason = (typeof leftOutReasons)[number];
export const leftOutReasonLabels: Record<LeftOutReason, Labelled> = {
  beyond_retention: { ja: '脱退後の保存期間を過ぎている', en: 'Withdrawn beyond the retention period' },
  erased: { ja: '削除済み（消去の請求）', en: 'Erased on request' },
  use_stopped: { ja: 'この目的での利用停止', en: 'Use stopped for this purpose' },
  opted_out: { ja: 'この目的を拒否（オプトアウト）', en: 'Opted out of this purpose' },
  consent_missing: { ja: '同意なし（同意が必要な目的）', en: 'No consent (a purpose used only with consent)' },
};
