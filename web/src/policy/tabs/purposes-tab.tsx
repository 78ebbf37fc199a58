/** 利用目的: numbered as published (①, ②, …), each with the items it may use. */
import { useI18n } from '../../i18n/i18n.tsx';
import { CheckInput, CheckList, NumberInput, opt, TextInput } from '../form.tsx';
import { itemOptions, subjectOptions, type TabProps } from '../labels.ts';
import { nextCode, RowList } from '../lists.tsx';
import { circledNumber } from '../types.ts';

export function PurposesTab({ doc, change }: TabProps) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const items = itemOptions(doc, i18n);
  const subjects = subjectOptions(doc, i18n);
  return (
    <>
      <h3 className="sub-section-title">{t('policy.subjects.title')}</h3>
      <p className="tab-lead">{t('policy.subjects.lead')}</p>
      <RowList
        path="data_subjects"
        rows={doc.data_subjects}
        onChange={(data_subjects) => change({ data_subjects })}
        newRow={() => ({
          code: nextCode(
            'subjects',
            doc.data_subjects.map((g) => g.code),
          ),
          name: '',
          ledger: doc.data_subjects.length === 0,
        })}
        addLabel={t('policy.subjects.add')}
        rowTitle={(g) => pick(g.name, g.name_en) || t('policy.subjects.untitled')}
        empty={t('policy.subjects.empty')}
      >
        {(g, set, at) => (
          <div className="form-grid">
            <TextInput label={t('policy.f.code')} path={`${at}.code`} required value={g.code} onChange={(v) => set({ ...g, code: v })} />
            <TextInput
              label={t('policy.subjects.name')}
              path={`${at}.name`}
              required
              value={g.name}
              onChange={(v) => set({ ...g, name: v })}
            />
            <TextInput
              label={t('policy.f.nameEn')}
              path={`${at}.name_en`}
              value={g.name_en}
              onChange={(v) => set({ ...g, name_en: opt(v) })}
            />
            <CheckInput
              label={t('policy.subjects.ledger')}
              path={`${at}.ledger`}
              checked={g.ledger}
              onChange={(v) => set({ ...g, ledger: v })}
            />
            <TextInput
              className="span-2"
              label={t('policy.f.description')}
              path={`${at}.description`}
              multiline
              rows={2}
              value={g.description}
              onChange={(v) => set({ ...g, description: opt(v) })}
            />
          </div>
        )}
      </RowList>
      <h3 className="sub-section-title">{t('policy.tab.purposes')}</h3>
      <p className="tab-lead">{t('policy.purposes.lead')}</p>
      <RowList
        path="purposes"
        rows={doc.purposes}
        onChange={(purposes) => change({ purposes })}
        newRow={() => ({ number: Math.max(0, ...doc.purposes.map((p) => p.number)) + 1, name: '', items: [], subjects: [] })}
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
            {subjects.length > 0 && (
              <CheckList
                legend={t('policy.purposes.subjects')}
                path={`${at}.subjects`}
                options={subjects}
                selected={p.subjects}
                onChange={(v) => set({ ...p, subjects: v })}
                empty={t('policy.subjects.empty')}
                testId="purpose-subjects"
              />
            )}
          </>
        )}
      </RowList>
    </>
  );
}
