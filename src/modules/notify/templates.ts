/**
 * The texts of mamori's mails (メール文面): one typed builder per mail, each returning the subject and a plain
 * text body in ONE language — Japanese unless the reader chose English (`lang`), never the two joined. Dates
 * and times are Japan's (JST). A mail carries what the reader needs to act (a
 * reference, a kind, a date, a link) and never the person's data: no item values, no names of staff, and the
 * disclosure itself only behind a sign-in.
 */

import { japaneseDate } from '../../base/japan-date.ts';
import type { Labelled } from '../../contract/labels.ts';
import { JST_OFFSET_MS } from '../../db/time.ts';

export interface MailText {
  subject: string;
  text: string;
}

/** The language a mail is written in: Japanese by default, English for a reader who chose it. */
export type MailLanguage = 'ja' | 'en';

/** What every mail builder takes besides its own fields. */
interface MailBase {
  orgName: string;
  lang?: MailLanguage | undefined;
}

/** `2026-06-15T01:05:00Z` → `2026年6月15日 10:05` (Japan time), and the same as `2026-06-15 10:05 JST`. */
function japanTime(at: string): Labelled {
  const local = new Date(Date.parse(at) + JST_OFFSET_MS).toISOString();
  const hm = local.slice(11, 16);
  return { ja: `${japaneseDate(local)} ${hm}`, en: `${local.slice(0, 10)} ${hm} JST` };
}

function compose(subject: Labelled, ja: readonly string[], en: readonly string[], m: MailBase): MailText {
  const lang = m.lang ?? 'ja';
  const footer = {
    ja: `${m.orgName}\nこのメールは送信専用のアドレスから送っています。返信はできません。`,
    en: `${m.orgName}\nThis mail comes from a send-only address; replies are not read.`,
  };
  return {
    subject: `【${m.orgName}】${subject[lang]}`,
    text: [...(lang === 'ja' ? ja : en), '', footer[lang], ''].join('\n'),
  };
}

export interface OneTimeCodeMail extends MailBase {
  code: string;
  minutes: number;
  purpose: 'first_sign_in' | 'recovery';
}

/** The code a member types to sign in for the first time or to set a new password. The code stays out of the subject (lock screens show subjects). */
export function oneTimeCode(m: OneTimeCodeMail): MailText {
  const why =
    m.purpose === 'first_sign_in'
      ? {
          ja: '組合員ページに初めてログインするための確認コードです。',
          en: 'This is the code to sign in to the member page for the first time.',
        }
      : {
          ja: '組合員ページのパスワードを再設定するための確認コードです。',
          en: 'This is the code to set a new password for the member page.',
        };
  return compose(
    { ja: '確認コードのお知らせ', en: 'Your confirmation code' },
    [
      why.ja,
      '',
      `確認コード：${m.code}`,
      `有効期限：${m.minutes}分`,
      '',
      'このコードを他の人に教えないでください。職員が電話やメールでコードをお尋ねすることはありません。',
      'お心当たりがない場合は、このメールを破棄してください。',
    ],
    [
      why.en,
      '',
      `Code: ${m.code}`,
      `Valid for: ${m.minutes} minutes`,
      '',
      'Do not tell anyone this code. Our staff never ask for it by phone or e-mail.',
      'If you did not ask for it, ignore this mail.',
    ],
    m,
  );
}

export interface RequestMail extends MailBase {
  /** 受付番号, e.g. `R2026-00012`. */
  reference: string;
  /** From `requestKindLabels`. */
  kindLabel: Labelled;
}

/** To the person: the request is received, with its reference and the date it is due. */
export function requestReceived(m: RequestMail & { dueOn: string; pageUrl: string }): MailText {
  return compose(
    { ja: `請求を受け付けました（${m.reference}）`, en: `Request received (${m.reference})` },
    [
      'ご請求を受け付けました。',
      '',
      `受付番号：${m.reference}`,
      `請求の種類：${m.kindLabel.ja}`,
      `回答予定日：${japaneseDate(m.dueOn)}までに`,
      '',
      '手続きの状況は組合員ページで確認できます。ご本人確認のため、書類の提出をお願いすることがあります。',
      m.pageUrl,
    ],
    [
      'We have received your request.',
      '',
      `Reference: ${m.reference}`,
      `Kind: ${m.kindLabel.en}`,
      `Answer due by: ${m.dueOn}`,
      '',
      'You can follow the request on the member page. We may ask for documents to confirm your identity.',
      m.pageUrl,
    ],
    m,
  );
}

/**
 * To the person: the request is answered. `answer` is what was done, as told to the person (e.g. 住所を訂正し
 * ました); it must not repeat item values. A disclosure is downloaded after signing in, never attached.
 */
export function requestAnswered(m: RequestMail & { answer: string; downloadUrl?: string | undefined }): MailText {
  const download = m.downloadUrl
    ? {
        ja: ['', '開示する内容は、組合員ページにログインしてダウンロードしてください。', m.downloadUrl],
        en: ['', 'Sign in to the member page to download what is disclosed.', m.downloadUrl],
      }
    : { ja: [], en: [] };
  return compose(
    { ja: `ご請求への回答（${m.reference}）`, en: `Your request is answered (${m.reference})` },
    [`受付番号 ${m.reference}（${m.kindLabel.ja}）のご請求に回答しました。`, '', m.answer, ...download.ja],
    [`We have answered your request ${m.reference} (${m.kindLabel.en}).`, '', m.answer, ...download.en],
    m,
  );
}

/** To the person: the request is refused, with the reason (APPI Art. 36 asks for one) and where to ask or complain. */
export function requestRefused(m: RequestMail & { reason: string; contact: string }): MailText {
  return compose(
    { ja: `ご請求について（${m.reference}）`, en: `About your request (${m.reference})` },
    [
      `受付番号 ${m.reference}（${m.kindLabel.ja}）のご請求には、次の理由によりお応えできません。`,
      '',
      `理由：${m.reason}`,
      '',
      'ご不明な点やご不服がある場合は、次の窓口にお問い合わせください。',
      m.contact,
    ],
    [
      `We cannot grant your request ${m.reference} (${m.kindLabel.en}), for the following reason.`,
      '',
      `Reason: ${m.reason}`,
      '',
      'For questions or complaints, please contact:',
      m.contact,
    ],
    m,
  );
}

/** To the person: the request is withdrawn (取下げ), so nobody mistakes a closed request for a forgotten one. */
export function requestWithdrawn(m: RequestMail): MailText {
  return compose(
    { ja: `請求の取下げ（${m.reference}）`, en: `Request withdrawn (${m.reference})` },
    [
      `受付番号 ${m.reference}（${m.kindLabel.ja}）のご請求の取下げを受け付けました。`,
      'お心当たりがない場合は、お問い合わせ窓口にご連絡ください。',
    ],
    [
      `We have recorded the withdrawal of your request ${m.reference} (${m.kindLabel.en}).`,
      'If you did not withdraw it, please contact us.',
    ],
    m,
  );
}

/** To the privacy office: a new request to handle. Only the reference: the console shows who and what. */
export function officeNewRequest(m: RequestMail & { dueOn: string; consoleUrl: string }): MailText {
  return compose(
    { ja: `新しい請求（${m.reference}）`, en: `New request (${m.reference})` },
    [
      '本人からの新しい請求を受け付けました。',
      '',
      `受付番号：${m.reference}`,
      `請求の種類：${m.kindLabel.ja}`,
      `回答期限：${japaneseDate(m.dueOn)}`,
      '',
      '本人確認と対応は管理画面で行ってください。',
      m.consoleUrl,
    ],
    [
      'A new request from a person has been received.',
      '',
      `Reference: ${m.reference}`,
      `Kind: ${m.kindLabel.en}`,
      `Due: ${m.dueOn}`,
      '',
      'Verify the identity and handle the request in the console.',
      m.consoleUrl,
    ],
    m,
  );
}

export interface DueRequest {
  reference: string;
  kindLabel: Labelled;
  dueOn: string;
  overdue: boolean;
}

/** To the privacy office: the open requests near or past their due date, overdue first. */
export function officeReminder(m: MailBase & { due: readonly DueRequest[]; consoleUrl: string }): MailText {
  const sorted = [...m.due].sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueOn.localeCompare(b.dueOn));
  const overdue = sorted.filter((d) => d.overdue).length;
  const requests = sorted.length === 1 ? '1 request' : `${sorted.length} requests`;
  return compose(
    { ja: `期限が近い請求 ${sorted.length}件`, en: `${requests} due soon` },
    [
      `回答期限が近い、または過ぎている請求が${sorted.length}件あります（うち期限超過${overdue}件）。`,
      '',
      ...sorted.map((d) => `・${d.reference}　${d.kindLabel.ja}　期限 ${japaneseDate(d.dueOn)}${d.overdue ? '【期限超過】' : ''}`),
      '',
      m.consoleUrl,
    ],
    [
      `${requests} due soon or overdue (${overdue} overdue).`,
      '',
      ...sorted.map((d) => `- ${d.reference}  ${d.kindLabel.en}  due ${d.dueOn}${d.overdue ? ' [OVERDUE]' : ''}`),
      '',
      m.consoleUrl,
    ],
    m,
  );
}

/** To the person (or the guardian): a consent or choice changed, so a change they did not make is noticed. */
export function consentChanged(m: MailBase & { subjectName: string; stateLabel: Labelled; at: string }): MailText {
  const at = japanTime(m.at);
  return compose(
    { ja: '同意・選択の変更', en: 'Your choice was changed' },
    [
      '同意・選択の変更を受け付けました。',
      '',
      `対象：${m.subjectName}`,
      `変更後：${m.stateLabel.ja}`,
      `日時：${at.ja}`,
      '',
      'お心当たりがない場合は、お問い合わせ窓口にご連絡ください。',
    ],
    [
      'We have recorded a change of your consent or choice.',
      '',
      `Subject: ${m.subjectName}`,
      `Now: ${m.stateLabel.en}`,
      `At: ${at.en}`,
      '',
      'If you did not make this change, please contact us.',
    ],
    m,
  );
}
