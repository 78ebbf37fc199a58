/** 情報項目: the kinds of personal data held. Ledger field codes (`name`, `address`, …) bind to the member ledger. */
import { useI18n } from '../../i18n/i18n.tsx';
import { CheckInput, opt, TextInput } from '../form.tsx';
import type { TabProps } from '../labels.ts';
import { nextCode, RowList } from '../lists.tsx';

export function ItemsTab({ doc, change }: TabProps) {
  const { t, pick } = useI18n();
  return (
    <>
      <p className="tab-lead">{t('policy.items.lead')}</p>
      <RowList
        path="items"
        rows={doc.items}
        onChange={(items) => change({ items })}
        newRow={() => ({
          code: nextCode(
            'item',
            doc.items.map((i) => i.code),
          ),
          name: '',
          sensitive: false,
          financial: false,
        })}
        addLabel={t('policy.items.add')}
        rowTitle={(item, i) => pick(item.name, item.name_en) || t('policy.items.untitled', { n: i + 1 })}
        empty={t('policy.items.empty')}
      >
        {(item, set, at) => (
          <>
            <div className="form-grid">
              <TextInput
                label={t('policy.f.name')}
                path={`${at}.name`}
                required
                value={item.name}
                onChange={(v) => set({ ...item, name: v })}
              />
              <TextInput
                label={t('policy.f.nameEn')}
                path={`${at}.name_en`}
                value={item.name_en}
                onChange={(v) => set({ ...item, name_en: opt(v) })}
              />
              <TextInput
                label={t('policy.f.code')}
                path={`${at}.code`}
                hint={t('policy.items.codeHint')}
                required
                value={item.code}
                onChange={(v) => set({ ...item, code: v })}
              />
              <TextInput
                label={t('policy.f.description')}
                path={`${at}.description`}
                value={item.description}
                onChange={(v) => set({ ...item, description: opt(v) })}
              />
            </div>
            <CheckInput
              label={t('policy.items.sensitive')}
              path={`${at}.sensitive`}
              checked={item.sensitive}
              onChange={(v) => set({ ...item, sensitive: v })}
            />
            <CheckInput
              label={t('policy.items.financial')}
              path={`${at}.financial`}
              checked={item.financial}
              onChange={(v) => set({ ...item, financial: v })}
            />
          </>
        )}
      </RowList>
    </>
  );
}
