/** 匿名加工情報: releases of anonymously processed information, their items (published, Art. 43) and recipients. */
import { useI18n } from '../../i18n/i18n.tsx';
import { DateInput, opt, TextInput } from '../form.tsx';
import type { TabProps } from '../labels.ts';
import { nextCode, RowList, StringList } from '../lists.tsx';

export function AnonymizedTab({ doc, change }: TabProps) {
  const { t } = useI18n();
  return (
    <>
      <p className="tab-lead">{t('policy.anonymized.lead')}</p>
      <RowList
        path="anonymized"
        rows={doc.anonymized}
        onChange={(anonymized) => change({ anonymized })}
        newRow={() => ({
          code: nextCode(
            'release',
            doc.anonymized.map((a) => a.code),
          ),
          name: '',
          items: [],
        })}
        addLabel={t('policy.anonymized.add')}
        rowTitle={(a, i) => a.name || t('policy.anonymized.untitled', { n: i + 1 })}
        empty={t('policy.anonymized.empty')}
      >
        {(a, set, at) => (
          <>
            <div className="form-grid">
              <TextInput label={t('policy.f.name')} path={`${at}.name`} required value={a.name} onChange={(v) => set({ ...a, name: v })} />
              <TextInput
                label={t('policy.f.code')}
                path={`${at}.code`}
                hint={t('policy.f.codeHint')}
                required
                value={a.code}
                onChange={(v) => set({ ...a, code: v })}
              />
              <TextInput
                label={t('policy.anonymized.recipients')}
                path={`${at}.recipients`}
                value={a.recipients}
                onChange={(v) => set({ ...a, recipients: opt(v) })}
              />
              <DateInput
                label={t('policy.anonymized.publishedOn')}
                path={`${at}.published_on`}
                value={a.published_on}
                onChange={(v) => set({ ...a, published_on: v })}
              />
            </div>
            <StringList
              label={t('policy.anonymized.items')}
              itemLabel={t('policy.anonymized.item')}
              path={`${at}.items`}
              values={a.items}
              onChange={(items) => set({ ...a, items })}
              addLabel={t('policy.anonymized.addItem')}
            />
            <TextInput
              label={t('policy.anonymized.method')}
              path={`${at}.method_of_provision`}
              multiline
              rows={2}
              value={a.method_of_provision}
              onChange={(v) => set({ ...a, method_of_provision: opt(v) })}
            />
          </>
        )}
      </RowList>
    </>
  );
}
