/** 利用目的: numbered as published (①, ②, …), each with the items it may use. */
import { useI18n } from '../../i18n/i18n.tsx';
import { CheckList, NumberInput, opt, TextInput } from '../form.tsx';
import { itemOptions, type TabProps } from '../labels.ts';
import { RowList } from '../lists.tsx';
import { circledNumber } from '../types.ts';

export function PurposesTab({ doc, change }: TabProps) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const items = itemOptions(doc, i18n);
  return (
    <>
      <p className="tab-lead">{t('policy.purposes.lead')}</p>
      <RowList
        path="purposes"
        rows={doc.purposes}
        onChange={(purposes) => change({ purposes })}
        newRow={() => ({ number: Math.max(0, ...doc.purposes.map((p) => p.number)) + 1, name: '', items: [] })}
        addLabel={t('policy.purposes.add')}
        rowTitle={(p) => `${circledNumber(p.number)} ${pick(p.name, p.name_en) || t('policy.purposes.untitled')}`}
        empty={t('policy.purposes.empty')}
      >
        {(p, set, at) => (
          <>
            <div className="form-grid purpose-grid">
              <NumberInput
                label={t('policy.f.number')}
                path={`${at}.number`}
                required
                min={1}
                max={999}
                value={p.number}
                onChange={(v) => set({ ...p, number: v ?? 0 })}
              />
              <TextInput
                label={t('policy.f.code')}
                path={`${at}.code`}
                hint={t('policy.purposes.codeHint')}
                value={p.code}
                onChange={(v) => set({ ...p, code: opt(v) })}
              />
              <TextInput
                className="span-2"
                label={t('policy.purposes.name')}
                path={`${at}.name`}
                required
                multiline
                rows={2}
                value={p.name}
                onChange={(v) => set({ ...p, name: v })}
              />
              <TextInput
                className="span-2"
                label={t('policy.f.nameEn')}
                path={`${at}.name_en`}
                value={p.name_en}
                onChange={(v) => set({ ...p, name_en: opt(v) })}
              />
            </div>
            <CheckList
              legend={t('policy.purposes.items')}
              path={`${at}.items`}
              options={items}
              selected={p.items}
              onChange={(v) => set({ ...p, items: v })}
              empty={t('policy.form.noItems')}
              testId="purpose-items"
            />
          </>
        )}
      </RowList>
    </>
  );
}
