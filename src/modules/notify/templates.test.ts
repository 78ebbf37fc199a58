/** The mail texts: one language per mail (Japanese by default, English when chosen); what each says, and what it keeps out. */
import { describe, expect, it } from 'vitest';
import type { RequestKind } from '../../contract/requests.ts';
import { requestKindLabels } from '../../contract/requests.ts';
import {
  consentChanged,
  type MailText,
  officeNewRequest,
  officeReminder,
  oneTimeCode,
  requestAnswered,
  requestReceived,
  requestRefused,
  requestWithdrawn,
} from './templates.ts';

const orgName = 'デモ生活協同組合';
const disclosure = requestKindLabels.disclosure;

/** The body in Japanese (the default) and the same mail built for a reader who chose English. */
function halves<M extends object>(build: (m: M) => MailText, m: M): [string, string] {
  return [build(m).text, build({ ...m, lang: 'en' }).text];
}

const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('mail templates', () => {
  const all: [string, MailText][] = [
    ['oneTimeCode', oneTimeCode({ orgName, code: '482915', minutes: 10, purpose: 'first_sign_in' })],
    [
      'requestReceived',
      requestReceived({
        orgName,
        reference: 'R2026-00012',
        kindLabel: disclosure,
        dueOn: '2026-06-15',
        pageUrl: 'https://m.example.jp/my',
      }),
    ],
    ['requestAnswered', requestAnswered({ orgName, reference: 'R2026-00012', kindLabel: disclosure, answer: '開示しました。' })],
    [
      'requestRefused',
      requestRefused({
        orgName,
        reference: 'R2026-00012',
        kindLabel: disclosure,
        reason: '本人確認ができませんでした。',
        contact: '個人情報相談窓口 000-0000-0000',
      }),
    ],
    ['requestWithdrawn', requestWithdrawn({ orgName, reference: 'R2026-00012', kindLabel: disclosure })],
    [
      'officeNewRequest',
      officeNewRequest({
        orgName,
        reference: 'R2026-00012',
        kindLabel: disclosure,
        dueOn: '2026-06-15',
        consoleUrl: 'https://m.example.jp/console',
      }),
    ],
    [
      'officeReminder',
      officeReminder({
        orgName,
        due: [{ reference: 'R2026-00012', kindLabel: disclosure, dueOn: '2026-06-15', overdue: false }],
        consoleUrl: 'https://m.example.jp/console',
      }),
    ],
    [
      'consentChanged',
      consentChanged({
        orgName,
        subjectName: '商品・サービス情報を提供するため',
        stateLabel: { ja: '同意', en: 'Consented' },
        at: '2026-06-15T01:05:00Z',
      }),
    ],
  ];

  it.each(all)('%s: one language only — Japanese by default, never "ja / en" joined', (_, mail) => {
    expect(mail.subject).toMatch(/^【デモ生活協同組合】[^/]*[\u3040-\u30ff\u4e00-\u9fff][^/]*$/);
    expect(mail.subject).not.toMatch(/[A-Za-z]{3,}/);
    expect(mail.text).toMatch(japanese);
    expect(mail.text).toContain('このメールは送信専用のアドレスから送っています。');
    expect(mail.text).not.toContain('This mail comes from a send-only address');
    expect(mail.text).not.toContain('--------');
    // No English sentence of mamori's own (URLs and codes aside).
    const words = mail.text.replace(/https?:\S+/g, '').match(/\b[A-Za-z]{4,}\b/g) ?? [];
    expect(words).toEqual([]);
  });

  it('writes the mail in English only for a reader who chose English', () => {
    const mail = requestReceived({
      orgName,
      lang: 'en',
      reference: 'R2026-00012',
      kindLabel: disclosure,
      dueOn: '2026-06-15',
      pageUrl: 'https://m.example.jp/my',
    });
    expect(mail.subject).toBe('【デモ生活協同組合】Request received (R2026-00012)');
    expect(mail.text).toContain('Answer due by: 2026-06-15');
    // English apart from the co-op's name as given.
    expect(mail.text.replaceAll(orgName, '')).not.toMatch(japanese);
  });

  it('labels the seven kinds of request in both languages (each mail uses one)', () => {
    const kinds: RequestKind[] = [
      'disclosure',
      'correction',
      'deletion',
      'cessation',
      'provision_cessation',
      'provision_records',
      'safety_measures',
    ];
    expect(Object.keys(requestKindLabels).sort()).toEqual([...kinds].sort());
    expect(kinds.map((k) => requestKindLabels[k].ja)).toEqual([
      '開示',
      '訂正・追加',
      '削除',
      '利用停止',
      '第三者提供の停止',
      '第三者提供記録の開示',
      '安全管理措置の開示',
    ]);
    for (const k of kinds) expect(requestKindLabels[k].en).toMatch(/^[A-Z][a-z -]+$/);
  });

  it('keeps the one-time code out of the subject (lock screens show it) and states how long it lasts', () => {
    const mail = oneTimeCode({ orgName, code: '482915', minutes: 10, purpose: 'recovery' });
    expect(mail.subject).not.toContain('482915');
    const [ja, en] = halves(oneTimeCode, { orgName, code: '482915', minutes: 10, purpose: 'recovery' as const });
    expect(ja).toContain('確認コード：482915');
    expect(ja).toContain('有効期限：10分');
    expect(ja).toContain('パスワードを再設定');
    expect(en).toContain('Valid for: 10 minutes');
  });

  it('links to the download only when there is one, and never attaches the disclosure', () => {
    const withLink = requestAnswered({
      orgName,
      reference: 'R1',
      kindLabel: disclosure,
      answer: '開示しました。',
      downloadUrl: 'https://m.example.jp/my/d/1',
    });
    const without = requestAnswered({ orgName, reference: 'R1', kindLabel: requestKindLabels.correction, answer: '住所を訂正しました。' });
    expect(withLink.text).toContain('https://m.example.jp/my/d/1');
    expect(withLink.text).toContain('ログインしてダウンロード');
    expect(without.text).not.toContain('ダウンロード');
    expect(without.text).toContain('受付番号 R1（訂正・追加）');
  });

  it('gives the reason and the contact when a request is refused', () => {
    const [ja, en] = halves(requestRefused, {
      orgName,
      reference: 'R9',
      kindLabel: requestKindLabels.deletion,
      reason: '法令により保存が必要です。',
      contact: '機関運営部 000-0000-0000',
    });
    expect(ja).toContain('理由：法令により保存が必要です。');
    expect(ja).toContain('機関運営部 000-0000-0000');
    expect(en).toContain('Reason: 法令により保存が必要です。');
  });

  it('lists overdue requests first in the office reminder, marked in the mail’s language', () => {
    const input = {
      orgName,
      consoleUrl: 'https://m.example.jp/console',
      due: [
        { reference: 'R3', kindLabel: disclosure, dueOn: '2026-06-20', overdue: false },
        { reference: 'R2', kindLabel: requestKindLabels.cessation, dueOn: '2026-06-10', overdue: true },
        { reference: 'R1', kindLabel: disclosure, dueOn: '2026-06-18', overdue: false },
      ],
    };
    expect(officeReminder(input).subject).toContain('期限が近い請求 3件');
    const [ja, en] = halves(officeReminder, input);
    expect(ja).toContain('（うち期限超過1件）');
    const lines = ja.split('\n').filter((l) => l.startsWith('・'));
    expect(lines).toEqual([
      '・R2　利用停止　期限 2026年6月10日【期限超過】',
      '・R1　開示　期限 2026年6月18日',
      '・R3　開示　期限 2026年6月20日',
    ]);
    expect(en).toContain('- R2  Cessation of use  due 2026-06-10 [OVERDUE]');
  });

  it('says when a consent changed in Japan time', () => {
    const [ja, en] = halves(consentChanged, {
      orgName,
      subjectName: '⑯',
      stateLabel: { ja: '停止', en: 'Opted out' },
      at: '2026-06-14T15:30:00Z',
    });
    expect(ja).toContain('日時：2026年6月15日 00:30');
    expect(en).toContain('At: 2026-06-15 00:30 JST');
  });

  it('tells the office only the reference, kind and due date', () => {
    const mail = officeNewRequest({
      orgName,
      reference: 'R2026-00012',
      kindLabel: disclosure,
      dueOn: '2026-06-15',
      consoleUrl: 'https://m.example.jp/console',
    });
    expect(mail.text).toContain('受付番号：R2026-00012');
    expect(mail.text).toContain('回答期限：2026年6月15日');
    expect(mail.text).toContain('https://m.example.jp/console');
  });
});
