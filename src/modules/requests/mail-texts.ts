/**
 * The texts of request mails, adapted from the notification templates (notify/templates.ts) to what a
 * request step knows. Japanese first, English second; no personal data beyond the reference and the kind.
 */
export interface MailText {
  subject: string;
  text: string;
}

type Kind = { ja: string; en: string };

export interface RequestMailInput {
  orgName: string;
  reference: string;
  kind: Kind;
  dueOn: string;
  reason?: string | null;
  answer?: string | null;
  pageUrl: string;
}

export function requestMail(template: 'received' | 'answered' | 'refused' | 'withdrawn' | 'office_new', m: RequestMailInput): MailText {
  const head = `【${m.orgName}】${m.kind.ja}のご請求（受付番号 ${m.reference}）`;
  const lines: Record<typeof template, [string, string, string]> = {
    received: [
      `${head}を受け付けました`,
      `ご請求を受け付けました。${m.dueOn} までに回答します。状況は本人のページでご確認いただけます。\n${m.pageUrl}`,
      `We have received your request (${m.kind.en}, reference ${m.reference}) and will answer by ${m.dueOn}. Follow it on your page: ${m.pageUrl}`,
    ],
    answered: [
      `${head}への回答`,
      `ご請求に回答しました。\n${m.answer ?? ''}\n本人のページ: ${m.pageUrl}`,
      `We have answered your request (${m.kind.en}, reference ${m.reference}).\n${m.answer ?? ''}\nYour page: ${m.pageUrl}`,
    ],
    refused: [
      `${head}について`,
      `誠に恐れ入りますが、次の理由によりご請求に応じることができません。\n理由: ${m.reason ?? ''}\nご不明な点はお問い合わせ窓口までご連絡ください。`,
      `We cannot comply with your request (${m.kind.en}, reference ${m.reference}) for this reason: ${m.reason ?? ''}\nPlease contact our privacy desk with any question.`,
    ],
    withdrawn: [
      `${head}の取り下げ`,
      'ご請求の取り下げを承りました。',
      `Your request (${m.kind.en}, reference ${m.reference}) has been withdrawn.`,
    ],
    office_new: [
      `【mamori】新しい請求 ${m.reference}（${m.kind.ja}、期限 ${m.dueOn}）`,
      `${m.orgName} に ${m.kind.ja} の請求がありました。期限: ${m.dueOn}\n${m.pageUrl}`,
      `A new request (${m.kind.en}) arrived for ${m.orgName}. Due: ${m.dueOn}\n${m.pageUrl}`,
    ],
  };
  const [subject, ja, en] = lines[template];
  return { subject, text: `${ja}\n\n----\n${en}\n` };
}

export function reminderMail(m: {
  orgName: string;
  due: { reference: string; kind: Kind; dueOn: string; overdue: boolean }[];
  pageUrl: string;
}): MailText {
  const overdue = m.due.filter((d) => d.overdue).length;
  const list = (lang: 'ja' | 'en') =>
    m.due
      .map(
        (d) =>
          `- ${d.reference} ${d.kind[lang]} ${lang === 'ja' ? '期限' : 'due'} ${d.dueOn}${d.overdue ? (lang === 'ja' ? '（期限超過）' : ' (OVERDUE)') : ''}`,
      )
      .join('\n');
  return {
    subject: `【mamori】期限の近い請求 ${m.due.length} 件（うち期限超過 ${overdue} 件）`,
    text: `${m.orgName} の期限が近い・過ぎた請求です。\n${list('ja')}\n${m.pageUrl}\n\n----\nRequests of ${m.orgName} due soon or overdue:\n${list('en')}\n`,
  };
}
