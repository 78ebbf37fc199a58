/** その他: free sections published as they are (the website policy, cookies, …) and the guardian-consent age. */
import { useI18n } from '../../i18n/i18n.tsx';
import { NumberInput, TextInput } from '../form.tsx';
import type { TabProps } from '../labels.ts';
import { RowList, StringList } from '../lists.tsx';

export function OtherTab({ doc, change }: TabProps) {
  const { t } = useI18n();
  return (
    <>
      <div className="form-grid">
        <NumberInput
          label={t('policy.other.childAge')}
          path="child_consent_age"
          hint={t('policy.other.childAgeHint')}
          min={1}
          max={20}
          value={doc.child_consent_age}
          onChange={(v) => change({ child_consent_age: v })}
        />
      </div>
      <h3 className="sub-section-title">{t('policy.other.sections')}</h3>
      <RowList
        path="sections"
        rows={doc.sections}
        onChange={(sections) => change({ sections })}
        newRow={() => ({ title: '', body: [] })}
        addLabel={t('policy.other.add')}
        rowTitle={(s, i) => s.title || t('policy.other.untitled', { n: i + 1 })}
        empty={t('policy.other.empty')}
      >
        {(s, set, at) => (
          <>
            <TextInput
              label={t('policy.other.title')}
              path={`${at}.title`}
              required
              value={s.title}
              onChange={(v) => set({ ...s, title: v })}
            />
            <StringList
              label={t('policy.other.body')}
              itemLabel={t('policy.other.paragraph')}
              path={`${at}.body`}
              multiline
              values={s.body}
              onChange={(body) => set({ ...s, body })}
              addLabel={t('policy.other.addParagraph')}
            />
          </>
        )}
      </RowList>
    </>
  );
}
