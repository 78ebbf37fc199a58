import { type Lang, useI18n } from '../i18n/i18n.tsx';

const langs: { code: Lang; label: string }[] = [
  { code: 'ja', label: '日本語' },
  { code: 'en', label: 'English' },
];

/** 日本語 / English: the choice is kept in this browser. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <fieldset className="lang-switch" aria-label={t('header.language')}>
      {langs.map((l) => (
        <button
          key={l.code}
          type="button"
          lang={l.code}
          className={l.code === lang ? 'lang-active' : ''}
          aria-pressed={l.code === lang}
          onClick={() => setLang(l.code)}
        >
          {l.label}
        </button>
      ))}
    </fieldset>
  );
}
