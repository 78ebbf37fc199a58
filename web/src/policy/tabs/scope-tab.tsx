/** 「商品・サービス」の範囲: what the purposes' "products and services" cover; services for children. */
import { useI18n } from '../../i18n/i18n.tsx';
import { CheckInput, opt, TextInput } from '../form.tsx';
import type { TabProps } from '../labels.ts';
import { nextCode, RowList } from '../lists.tsx';

export function ScopeTab({ doc, change }: TabProps) {
  const { t, pick } = useI18n();
  return (
    <>
      <p className="tab-lead">{t('policy.scope.lead')}</p>
      <RowList
        path="scope"
        rows={doc.scope}
        onChange={(scope) => change({ scope })}
        newRow={() => ({
          code: nextCode(
            'scope',
            doc.scope.map((s) => s.code),
          ),
          name: '',
          child_facing: false,
          guardian_consent: false,
        })}
        addLabel={t('policy.scope.add')}
        rowTitle={(s, i) => pick(s.name, s.name_en) || t('policy.scope.untitled', { n: i + 1 })}
        empty={t('policy.scope.empty')}
      >
        {(s, set, at) => (
          <>
            <div className="form-grid">
              <TextInput label={t('policy.f.name')} path={`${at}.name`} required value={s.name} onChange={(v) => set({ ...s, name: v })} />
              <TextInput
                label={t('policy.f.nameEn')}
                path={`${at}.name_en`}
                value={s.name_en}
                onChange={(v) => set({ ...s, name_en: opt(v) })}
              />
              <TextInput
                label={t('policy.f.code')}
                path={`${at}.code`}
                hint={t('policy.f.codeHint')}
                required
                value={s.code}
                onChange={(v) => set({ ...s, code: v })}
              />
            </div>
            <div className="check-row">
              <CheckInput
                label={t('policy.scope.childFacing')}
                path={`${at}.child_facing`}
                checked={s.child_facing}
                onChange={(v) => set({ ...s, child_facing: v })}
              />
              <CheckInput
                label={t('policy.scope.guardianConsent')}
                path={`${at}.guardian_consent`}
                checked={s.guardian_consent}
                onChange={(v) => set({ ...s, guardian_consent: v })}
              />
            </div>
          </>
        )}
      </RowList>
    </>
  );
}
