/**
 * Words for what the audit trail and alerts record. The kinds of event, outcomes and kinds of actor, and each
 * entry's sentence come from the vocabulary the server's exports use too (src/contract/audit-vocabulary.ts), so
 * the screen and a downloaded file say the same; refusal codes and alert kinds are the console's own messages.
 */
import {
  type AuditNames,
  auditActionLabel,
  auditActorTypeLabel,
  auditDetailList,
  auditOutcomeLabel,
  describeAuditEntry,
} from '../../../src/contract/audit-vocabulary.ts';
import type { AuditEntry } from '../api/types.ts';
import type { I18n } from '../i18n/i18n.tsx';

export { auditActions, auditOutcomes } from '../../../src/contract/audit-vocabulary.ts';

function label(i18n: I18n, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return i18n.has(key) ? i18n.t(key) : code;
}

export const actionLabel = (i18n: I18n, action: string) => auditActionLabel(i18n.lang, action);
export const outcomeLabel = (i18n: I18n, outcome: string) => auditOutcomeLabel(i18n.lang, outcome);
export const actorTypeLabel = (i18n: I18n, type: string) => auditActorTypeLabel(i18n.lang, type);
export const errorCodeLabel = (i18n: I18n, code: string) => label(i18n, 'errcode', code);
export const alertKindLabel = (i18n: I18n, kind: string) => label(i18n, 'alert.kind', kind);

export function outcomeTone(outcome: string): 'ok' | 'bad' | 'warn' {
  return outcome === 'refused' ? 'warn' : outcome === 'failed' ? 'bad' : 'ok';
}

/** What the sentences need: the session's item and purpose names, times as the reader reads them. */
export function auditNames(i18n: I18n, labels: { item: (code: string) => string; purposeTitle: (code: string) => string }): AuditNames {
  return { item: labels.item, purpose: labels.purposeTitle, dateTime: i18n.dateTime };
}

/** One sentence saying what the entry recorded (never personal data: the trail holds none). */
export const describeEntry = (i18n: I18n, names: AuditNames, e: AuditEntry) => describeAuditEntry(i18n.lang, e, names);

/** The entry's fields as a labelled list, for the 詳細 expander. */
export const detailFields = (i18n: I18n, names: AuditNames, e: AuditEntry) => auditDetailList(i18n.lang, e.detail, names);
