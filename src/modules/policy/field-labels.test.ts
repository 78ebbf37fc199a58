import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { completePolicy } from '../../../test/support/policy-fixture.ts';
import { fieldLabel } from './field-labels.ts';
import { validatePolicyDocument } from './versions.ts';

describe('field labels in validation messages', () => {
  it('names places in Japanese and English, rows numbered from 1, whatever the path spelling', () => {
    expect(fieldLabel('organization.website')).toEqual({ ja: '組織 › ウェブサイト', en: 'Organization › website' });
    expect(fieldLabel('purposes.1.name')).toEqual({ ja: '利用目的 2 › 名称', en: 'Purpose 2 › name' });
    expect(fieldLabel('joint_uses[0].responsible.address')).toEqual({
      ja: '共同利用 1 › 管理責任者 › 住所',
      en: 'Joint use 1 › responsible party › address',
    });
    expect(fieldLabel('requests.methods.2')).toEqual({
      ja: '開示等の請求の手続 › 請求の方法 3',
      en: 'Request procedure › way to make a request 3',
    });
    expect(fieldLabel('organization.unheard_of').ja).toBe('組織 › unheard_of');
    // The registers of issue 12 §2, and a key named by the list it is in.
    expect(fieldLabel('holders[1].representative').ja).toBe('共同の保有者 2 › 代表者');
    expect(fieldLabel('joint_uses.0.purpose_items.1.purpose').ja).toBe('共同利用 1 › 利用目的ごとの項目 2 › 利用目的');
    expect(fieldLabel('third_parties.0.purpose').ja).toBe('第三者提供 1 › 提供の目的');
    expect(fieldLabel('safety_measures.basic_policy.0').ja).toBe('安全管理措置 › 基本方針の策定 1');
    expect(fieldLabel('data_subjects.0.ledger').en).toBe('Group of data subjects 1 › kept in the member ledger');
  });

  it('reports every problem of a document at once, each with its field’s label and no raw path or English in the Japanese', () => {
    const doc = completePolicy('test-coop') as unknown as Record<string, unknown> & {
      organization: Record<string, unknown>;
      purposes: Record<string, unknown>[];
      contact: Record<string, unknown>;
    };
    doc.organization.website = 'not a url';
    doc.purposes[1]!.name = '';
    doc.contact.email = 'nobody';
    doc.joint_uses = [{ code: 'x', name: 'A', starts_on: '2026-13-40' }];
    let issues: { field: string; message_ja: string; message_en: string }[] = [];
    try {
      validatePolicyDocument(doc);
    } catch (error) {
      issues = (error as { issues: typeof issues }).issues;
    }
    const byField = new Map(issues.map((i) => [i.field, i]));
    expect([...byField.keys()].sort()).toEqual(['contact.email', 'joint_uses.0.starts_on', 'organization.website', 'purposes.1.name']);
    expect(byField.get('organization.website')!.message_ja).toBe('組織 › ウェブサイトはURLの形式で入力してください。');
    expect(byField.get('purposes.1.name')!.message_ja).toBe('利用目的 2 › 名称を入力してください。');
    expect(byField.get('contact.email')!.message_ja).toBe('お問い合わせ窓口 › メールアドレスはメールアドレスの形式で入力してください。');
    expect(byField.get('joint_uses.0.starts_on')!.message_ja).toBe('共同利用 1 › 開始日は日付（YYYY-MM-DD）の形式で入力してください。');
    expect(byField.get('organization.website')!.message_en).toBe('Organization › website is not a valid URL.');
    for (const i of issues) {
      expect(i.message_ja).not.toMatch(/[a-z_]+\.[a-z_0-9]+|Invalid|expected/);
    }
  });

  it('names an entry in the co-op’s own words as the console’s input does, not by its place in the whole list', () => {
    const doc = completePolicy('test-coop') as unknown as Record<string, unknown>;
    doc.requests = {
      ...(doc.requests as Record<string, unknown>),
      kinds: ['disclosure', '照会', 'correction', ''],
      methods: ['phone', ''],
    };
    let issues: { field: string; message_ja: string; message_en: string }[] = [];
    try {
      validatePolicyDocument(doc);
    } catch (error) {
      issues = (error as { issues: typeof issues }).issues;
    }
    const byField = new Map(issues.map((i) => [i.field, i]));
    // Entry 4 of the list is the second the co-op worded itself: the console shows it as that input.
    expect(byField.get('requests.kinds.3')?.message_ja).toBe('開示等の請求の手続 › 独自の表現による請求の種類 2を入力してください。');
    expect(byField.get('requests.methods.1')?.message_ja).toBe('開示等の請求の手続 › その他の請求の方法 1を入力してください。');
    expect(byField.get('requests.kinds.3')?.message_en).toMatch(/^Request procedure › Kinds of request in the co-op's own words 2 /);
    // A ticked kind keeps its place's name; without the document nothing changes.
    expect(fieldLabel('requests.kinds.0', doc).ja).toBe('開示等の請求の手続 › 請求できる内容 1');
    expect(fieldLabel('requests.kinds.3').ja).toBe('開示等の請求の手続 › 請求できる内容 4');
    // The names are the console's (web/src/i18n), so the message and the input it is shown at agree.
    for (const lang of ['ja', 'en'] as const) {
      const words = JSON.parse(readFileSync(new URL(`../../../web/src/i18n/${lang}.json`, import.meta.url), 'utf8')) as Record<
        string,
        string
      >;
      expect(fieldLabel('requests.kinds.1', doc)[lang]).toContain(`${words['policy.requests.ownKinds']} 1`);
      expect(fieldLabel('requests.methods.1', doc)[lang]).toContain(`${words['policy.requests.ownMethods']} 1`);
    }
  });
});
