/** 保存期間: how long each kind of record is kept, and why (law, accounting periods, claim periods). */
import { useI18n } from '../../i18n/i18n.tsx';
import { opt, TextInput } from '../form.tsx';
import type { TabProps } from '../labels.ts';
import { RowList } from '../lists.tsx';

export function RetentionTab({ doc, change }: TabProps) {
  const { t } = useI18n();
  return (
    <>
      <p className="tab-lead">{t('policy.retention.lead')}</p>
      <RowList
        path="retention"
        rows={doc.retention}
        onChange={(retention) => change({ retention })}
        newRow={() => ({ subject: '', period: '' })}
        addLabel={t('policy.retention.add')}
        rowTitle={(r, i) => r.subject || t('policy.retention.untitled', { n: i + 1 })}
        empty={t('policy.retention.empty')}
      >
        {(r, set, at) => (
          <div className="form-grid">
            <TextInput
              label={t('policy.retention.subject')}
              path={`${at}.subject`}
              required
              value={r.subject}
              onChange={(v) => set({ ...r, subject: v })}
            />
            <TextInput
              label={t('policy.retention.period')}
              path={`${at}.period`}
              required
              value={r.period}
              onChange={(v) => set({ ...r, period: v })}
            />
            <TextInput
              className="span-2"
              label={t('policy.retention.basis')}
              path={`${at}.basis`}
              value={r.basis}
              onChange={(v) => set({ ...r, basis: opt(v) })}
            />
          </div>
        )}
      </RowList>
    </>
  );
}
