/**
 * 安全管理措置: the organizational, human, physical and technical measures (Art. 23), and the countries where
 * data is stored with information on their regimes (外的環境の把握, guideline §10-7).
 */
import { Button } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Numbered, opt, TextInput, useEditor } from '../form.tsx';
import type { TabProps } from '../labels.ts';
import { StringList } from '../lists.tsx';
import type { Doc } from '../types.ts';

type Safety = NonNullable<Doc['safety_measures']>;
/** The guideline's headings (通則編 10), in its order; storage countries belong to 外的環境の把握. */
const kinds = ['basic_policy', 'rules', 'organizational', 'human', 'physical', 'technical', 'external_environment'] as const;

export function SafetyTab({ doc, change }: TabProps) {
  const { t } = useI18n();
  const { readOnly } = useEditor();
  const s: Safety = doc.safety_measures ?? {
    basic_policy: [],
    rules: [],
    organizational: [],
    human: [],
    physical: [],
    technical: [],
    external_environment: [],
    storage: [],
  };
  const set = (patch: Partial<Safety>) => {
    const next = { ...s, ...patch };
    change({ safety_measures: [...kinds.map((k) => next[k]), next.storage].every((l) => l.length === 0) ? undefined : next });
  };
  const setStorage = (i: number, patch: Partial<Safety['storage'][number]>) =>
    set({ storage: s.storage.map((x, k) => (k === i ? { ...x, ...patch } : x)) });
  return (
    <div data-path="safety_measures" tabIndex={-1}>
      <p className="tab-lead">{t('policy.safety.lead')}</p>
      {kinds.map((k) => (
        <StringList
          key={k}
          label={t(`policy.safety.${k}`)}
          itemLabel={t(`policy.safety.${k}`)}
          path={`safety_measures.${k}`}
          multiline
          values={s[k]}
          onChange={(v) => set({ [k]: v })}
          addLabel={t('policy.safety.add', { kind: t(`policy.safety.${k}`) })}
        />
      ))}
      <fieldset className="sub-list" data-path="safety_measures.storage" tabIndex={-1}>
        <legend className="field-label">{t('policy.safety.storage')}</legend>
        {s.storage.length === 0 && <p className="field-hint">{t('policy.safety.storageNone')}</p>}
        {s.storage.map((st, i) => {
          const at = `safety_measures.storage[${i}]`;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: storage places have no code of their own
            <div key={i} className="sub-list-row" data-path={at}>
              <TextInput
                label={<Numbered prefix={t('policy.safety.storageN', { n: i + 1 })} label={t('policy.f.country')} />}
                path={`${at}.country`}
                required
                value={st.country}
                onChange={(v) => setStorage(i, { country: v })}
              />
              <TextInput
                label={<Numbered prefix={t('policy.safety.storageN', { n: i + 1 })} label={t('policy.safety.regime')} />}
                path={`${at}.regime`}
                hint={t('policy.safety.regimeHint')}
                value={st.regime}
                onChange={(v) => setStorage(i, { regime: opt(v) })}
              />
              <TextInput
                label={<Numbered prefix={t('policy.safety.storageN', { n: i + 1 })} label={t('policy.f.note')} />}
                path={`${at}.note`}
                value={st.note}
                onChange={(v) => setStorage(i, { note: opt(v) })}
              />
              {!readOnly && (
                <Button
                  small
                  variant="ghost"
                  className="sub-list-remove"
                  onClick={() => set({ storage: s.storage.filter((_, k) => k !== i) })}
                >
                  {t('policy.form.remove')}
                </Button>
              )}
            </div>
          );
        })}
        {!readOnly && (
          <Button small onClick={() => set({ storage: [...s.storage, { country: '' }] })}>
            ＋ {t('policy.safety.addStorage')}
          </Button>
        )}
      </fieldset>
    </div>
  );
}
