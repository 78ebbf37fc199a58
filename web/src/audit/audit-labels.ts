/** Japanese (and English) words for what the audit trail and alerts record: actions, outcomes, refusal codes. */
import type { AuditEntry } from '../api/types.ts';
import type { I18n, MessageKey } from '../i18n/i18n.tsx';
import { sortItems } from '../members/member-fields.ts';

export const auditActions = [
  'member.read',
  'member.search',
  'member.create',
  'member.update',
  'member.import',
  'import.run',
  'input.my_number_rejected',
  'access.refused',
  'auth.login',
  'auth.logout',
  'auth.locked',
  'auth.totp_enroll_begin',
  'auth.totp_enrolled',
  'user.create',
  'user.update',
  'organization.create',
  'department.create',
  'policy.change',
  'audit.search',
  'audit.verify',
  'audit.queue_tampered',
  'alert.acknowledge',
  'keys.rotate',
  'backup.create',
  'backup.restore',
  'role.duties',
  'ledger.create',
  'ledger.update',
  'ledger.review',
  'ledger.retire',
  'ledger.export',
  'consent.change',
  'disclosure.package',
  'guardian.link',
  'guardian.list',
  'guardian.unlink',
  'job.retry',
  'job.discard',
  'member.self_update',
  'notify.failed',
  'notify.sent',
  'policy.activate',
  'policy.draft_save',
  'policy.publish',
  'portal.act_as',
  'portal.code_request',
  'portal.locked',
  'portal.logout',
  'portal.password_set',
  'portal.sign_in',
  'provision.record',
  'request.document',
  'request.effect',
  'request.file',
  'request.step',
  'request.update',
  'role.grants',
] as const;

export const auditOutcomes = ['allowed', 'refused', 'ok', 'failed'] as const;

function label(i18n: I18n, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return i18n.has(key) ? i18n.t(key as MessageKey) : code;
}

export const actionLabel = (i18n: I18n, action: string) => label(i18n, 'action', action);
export const outcomeLabel = (i18n: I18n, outcome: string) => label(i18n, 'outcome', outcome);
export const errorCodeLabel = (i18n: I18n, code: string) => label(i18n, 'errcode', code);
export const actorTypeLabel = (i18n: I18n, type: string) => label(i18n, 'actorType', type);
export const alertKindLabel = (i18n: I18n, kind: string) => label(i18n, 'alert.kind', kind);

export function outcomeTone(outcome: string): 'ok' | 'bad' | 'warn' {
  return outcome === 'refused' ? 'warn' : outcome === 'failed' ? 'bad' : 'ok';
}

const searchBy: Record<string, MessageKey> = {
  member_code: 'search.by.code',
  name_kana: 'search.by.kana',
  name: 'search.by.name',
  phone: 'search.by.phone',
};

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** One line saying what the entry recorded (never personal data: the trail holds none). */
export function describeEntry(i18n: I18n, itemLabel: (code: string) => string, e: AuditEntry): string {
  const { t } = i18n;
  const d = e.detail ?? {};
  const items = (codes: string[]) => (codes.includes('*') ? t('audit.detail.allItems') : i18n.list(sortItems(codes).map(itemLabel)));
  switch (e.action) {
    case 'member.read': {
      const parts = [];
      if (list(d.items).length) parts.push(t('audit.detail.items', { items: items(list(d.items)) }));
      if (d.joint_use) parts.push(t('audit.detail.jointUse'));
      return parts.join(' / ');
    }
    case 'member.search': {
      const by = searchBy[String(d.by)];
      return t('audit.detail.search', { by: by ? t(by) : String(d.by ?? ''), n: Number(d.results ?? 0) });
    }
    case 'member.create':
    case 'member.update':
    case 'member.import': {
      const parts = [];
      if (list(d.fields).length) {
        const key =
          e.action === 'member.create'
            ? 'audit.detail.createdFields'
            : e.action === 'member.import'
              ? 'audit.detail.importedFields'
              : 'audit.detail.fields';
        parts.push(t(key, { items: items(list(d.fields)) }));
      }
      if (typeof d.version === 'number') parts.push(t('audit.detail.version', { version: d.version }));
      return parts.join(' / ');
    }
    case 'auth.login':
      return [t(d.step === 'totp' ? 'audit.detail.stepTotp' : 'audit.detail.stepPassword'), d.login ? `ID: ${String(d.login)}` : '']
        .filter(Boolean)
        .join(' / ');
    case 'auth.locked':
      return t('audit.detail.lockedUntil', { until: typeof d.until === 'string' ? i18n.dateTime(d.until) : '' });
    case 'audit.verify':
      return t('audit.detail.verify', { n: Number(d.entries ?? 0) });
    case 'alert.acknowledge':
      return t('audit.detail.alert', { id: String(d.alert_id ?? '').slice(0, 8) });
    case 'input.my_number_rejected':
      return list(d.fields).join(', ');
    case 'access.refused': {
      const targets = d.targets && typeof d.targets === 'object' ? Object.entries(d.targets as Record<string, unknown>) : [];
      const route = t('audit.detail.refusedRoute', { route: String(d.route ?? ''), method: String(d.method ?? '') });
      return [route, ...targets.map(([k, v]) => `${k}=${String(v)}`)].join(' / ');
    }
    case 'audit.search': {
      const used = Object.entries(d)
        .filter(([, v]) => v !== null && v !== '')
        .map(([k, v]) => `${k}=${String(v)}`);
      return used.length ? t('audit.detail.filters', { filters: used.join(', ') }) : '';
    }
    default: {
      const text = JSON.stringify(d);
      return text === '{}' ? '' : text;
    }
  }
}
