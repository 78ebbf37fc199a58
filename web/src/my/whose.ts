/**
 * Whose page is open, in words for the page's texts: 「あなたの」 on the member's own page, 「守田 さくら さんの」 on
 * a ward's page opened by a guardian, so that no heading says 「あなた」 of someone else's data.
 */
import { useI18n } from '../i18n/i18n.tsx';
import { useMemberSession } from './member-session.tsx';

export interface Whose {
  /** 「あなたの」 / 「〇〇 さんの」 (en: your / 〇〇’s). */
  whose: string;
  /** The same at the start of an English sentence (Your / 〇〇’s). */
  Whose: string;
  /** 「あなた」 / 「〇〇 さん」 (en: you / 〇〇). */
  who: string;
}

export function useWhose(): Whose {
  const { t } = useI18n();
  const { me } = useMemberSession();
  const self = me.subject.is_self;
  const whose = self ? t('my.whose.self') : t('my.whose.ward', { name: me.subject.name });
  return {
    whose,
    Whose: whose.charAt(0).toUpperCase() + whose.slice(1),
    who: self ? t('my.who.self') : t('my.who.ward', { name: me.subject.name }),
  };
}
