/**
 * Japanese first, English available: messages live in ja.json (the reference) and en.json, which must have
 * the same keys (the type check fails otherwise). `t('key', { n: 3 })` fills `{n}` placeholders; `pick`
 * chooses between the Japanese and English text the API sends (error messages, purpose and item names).
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import en from './en.json' with { type: 'json' };
import ja from './ja.json' with { type: 'json' };

export type Lang = 'ja' | 'en';
export type MessageKey = keyof typeof ja;
type Catalog = Record<MessageKey, string>;

const catalogs: Record<Lang, Catalog> = { ja, en };
const STORAGE_KEY = 'mamori.lang';

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  /** Has the catalogue a message for this (dynamically built) key? */
  has: (key: string) => key is MessageKey;
  pick: (ja: string, en: string | null | undefined) => string;
  dateTime: (iso: string) => string;
  date: (isoDate: string) => string;
  number: (n: number) => string;
  /** Joins words as the language does: 氏名、住所 / Name, Address. */
  list: (words: readonly string[]) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  return stored === 'en' || stored === 'ja' ? stored : 'ja';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    window.localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const catalog = catalogs[lang];
    const locale = lang === 'ja' ? 'ja-JP' : 'en-GB';
    const dtf = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
    const df = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
    const nf = new Intl.NumberFormat(locale);
    return {
      lang,
      setLang,
      t: (key, vars) => {
        const text = catalog[key] ?? key;
        return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
      },
      has: (key): key is MessageKey => Object.hasOwn(catalog, key),
      pick: (jaText, enText) => (lang === 'en' && enText ? enText : jaText),
      dateTime: (iso) => {
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : dtf.format(d);
      },
      date: (isoDate) => {
        const d = new Date(`${isoDate}T00:00:00Z`);
        return /^\d{4}-\d{2}-\d{2}$/.test(isoDate) && !Number.isNaN(d.getTime()) ? df.format(d) : isoDate;
      },
      number: (n) => nf.format(n),
      list: (words) => words.join(lang === 'ja' ? '、' : ', '),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
