/**
 * What real co-op policies say, as data (issue 12 §2), from the register to the published notice and the lint:
 * joint holders, groups of data subjects, joint use of all items and purposes with per-purpose items, the
 * co-op's own provision exceptions and refusal grounds, the request sentence built from the kinds accepted,
 * ways to file with the member page's link, safety measures under the guideline's headings, and line breaks and
 * sub-lists inside text fields.
 */
import { describe, expect, it } from 'vitest';
import { completePolicy } from '../../../test/support/policy-fixture.ts';
import { compareDocuments } from '../policy/changes.ts';
import { type PolicyDocument, policyDocumentSchema } from '../policy/document.ts';
import { lintPolicy } from '../policy/lint.ts';
import { renderNoticePage } from './render.ts';
import { timelineOn } from './timeline.ts';

const textOf = (html: string) =>
  html
    .replace(/<style>.*?<\/style>/s, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

function page(doc: PolicyDocument): string {
  const timeline = timelineOn(
    [
      {
        id: 'v1',
        number: 1,
        summary: null,
        changes: [],
        noticeOn: '2026-04-01',
        effectiveOn: '2026-04-01',
        publishedAt: null,
        sha256: 'x',
      },
    ],
    '2026-12-04',
  );
  return renderNoticePage({ orgCode: 'test-coop', timeline, version: timeline.current!, doc, isCurrentPage: true });
}

/** The fixture policy with every new register field filled in. */
function richPolicy(): PolicyDocument {
  const base = completePolicy('test-coop');
  return policyDocumentSchema.parse({
    ...base,
    holders: [
      {
        org: 'test-sub',
        name: '株式会社テストサービス',
        kind: 'subsidiary',
        postal_code: '980-0000',
        address: '宮城県仙台市青葉区子会社町4-5-6',
        representative: '代表取締役 子会 花子',
      },
    ],
    data_subjects: [
      { code: 'member', name: '組合員', ledger: true },
      { code: 'staff', name: '役職員', description: '役員・職員・パート職員を含みます。' },
    ],
    purposes: [
      ...base.purposes,
      { number: 4, name: '役職員の雇用管理のため', items: ['name', 'address', 'birth_date'], subjects: ['staff'] },
    ].map((p) => (p.number <= 3 ? { ...p, subjects: ['member'] } : p)),
    joint_uses: [
      {
        ...base.joint_uses[0]!,
        items: [],
        items_all: true,
        purposes: [],
        purposes_all: true,
        purpose_items: [{ purpose: 'P03', items: ['member_code', 'birth_date'] }],
      },
    ],
    third_party_exceptions: [
      '法令に基づく場合',
      '人の生命、身体又は財産の保護のために必要がある場合であって、\n・ご本人の同意を得ることが困難なとき',
    ],
    requests: {
      ...base.requests!,
      kinds: ['disclosure', 'correction', '照会'],
      methods: ['phone', 'member_page', '店舗のサービスカウンター'],
      refusal_grounds: ['ご本人又は第三者の生命、身体、財産その他の権利利益を害するおそれがある場合'],
    },
    safety_measures: {
      basic_policy: ['個人データの適正な取扱いの確保のため、基本方針を策定しています。'],
      rules: ['取得、利用、保存、提供、削除・廃棄等の段階ごとに、取扱方法や責任者を定めた規程を策定しています。'],
      organizational: ['責任者を置きます。\n・個人情報保護管理者\n・部門ごとの担当者'],
      human: ['職員に教育を行います。'],
      physical: ['入退室を管理します。'],
      technical: ['アクセスを制御します。'],
      external_environment: ['外国の事業者のサービスは利用していません。'],
      storage: [{ country: '日本' }],
    },
  });
}

describe('the notice says what the registers hold', () => {
  const doc = richPolicy();
  const html = page(doc);
  const text = textOf(html);

  it('names every holder in the title and with its address and representative', () => {
    expect(html).toContain('<span class="org-name">テスト生活協同組合及び株式会社テストサービス</span>');
    expect(text).toContain('株式会社テストサービス');
    expect(text).toContain('〒980-0000 宮城県仙台市青葉区子会社町4-5-6');
    expect(text).toContain('代表取締役 子会 花子');
    // The internal mamori code of a holder is never published.
    expect(html).not.toContain('test-sub');
  });

  it('shows each group of people under its own heading with its purposes and items', () => {
    const section = html.slice(html.indexOf('id="subjects-member"'), html.indexOf('id="subjects-staff"'));
    const staff = html.slice(html.indexOf('id="subjects-staff"'), html.indexOf('id="scope"'));
    expect(section).toContain('組合員の個人情報');
    expect(section).toContain('商品のお届けのため');
    expect(section).not.toContain('雇用管理');
    expect(staff).toContain('役職員の個人情報');
    expect(staff).toContain('④役職員の雇用管理のため');
    expect(staff).toContain('役員・職員・パート職員を含みます。');
    expect(staff).not.toContain('商品のお届け');
  });

  it('states joint use of all items and purposes as a rule, and the narrower items of a purpose', () => {
    expect(text).toContain('「取り扱う個人情報の項目」に記載のすべての項目');
    expect(text).toContain('「利用目的」に記載のすべての利用目的');
    expect(text).toContain('利用目的ごとに利用する項目 ③共済契約の引受けのため：組合員コード、生年月日');
  });

  it('lists the co-op’s own exceptions to provision without consent, with a sub-list from the text', () => {
    expect(text).toContain('次の場合を除き、あらかじめご本人の同意を得ないで個人データを第三者に提供することはありません。');
    expect(html).toContain('<li>法令に基づく場合</li>');
    expect(html).toMatch(/保護のために必要がある場合であって、<ul><li>ご本人の同意を得ることが困難なとき<\/li><\/ul>/);
    expect(text).not.toContain('その他個人情報保護法が認める場合を除き');
  });

  it('builds the request sentence from the kinds accepted, and names the ways with the window’s details', () => {
    expect(text).toContain('保有個人データの開示、内容の訂正・追加・削除及び照会のご請求は、次の手続でお受けします。');
    expect(text).not.toContain('利用の停止');
    expect(text).toContain('お電話（個人情報相談窓口（総務部）、000-0000-0000、受付時間 9:00〜17:00（土日祝休み））');
    expect(text).toContain('店舗のサービスカウンター');
    expect(html).toContain('<a href="/my">組合員ページへ</a>');
    expect(text).toContain('開示等に応じられない場合 ご本人又は第三者の生命');
  });

  it('publishes the safety measures under the guideline’s headings in its order, with line breaks and sub-lists', () => {
    const headings = [
      '基本方針の策定',
      '個人データの取扱いに係る規律の整備',
      '組織的安全管理措置',
      '人的安全管理措置',
      '物理的安全管理措置',
      '技術的安全管理措置',
      '外的環境の把握',
    ];
    const at = headings.map((h) => html.indexOf(`>${h}<`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toContain('責任者を置きます。<ul><li>個人情報保護管理者</li><li>部門ごとの担当者</li></ul>');
    expect(text).toContain('外国の事業者のサービスは利用していません。');
  });

  it('never prints an unset value', () => {
    expect(text).not.toMatch(/undefined|null|\[object/);
  });

  it('does not place a contractor in Japan when the co-op did not say where it is', () => {
    const abroad = structuredClone(doc);
    abroad.contractors.push({ ...abroad.contractors[0]!, code: 'cloud', service: 'クラウドでの保管', country: 'シンガポール' });
    const rows = [...page(abroad).matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => textOf(m[1]!).trim());
    expect(rows.find((r) => r.startsWith('案内の印刷・封入'))).toMatch(/記載なし$/);
    expect(rows.find((r) => r.startsWith('クラウドでの保管'))).toMatch(/シンガポール$/);
  });

  it('claims no kind of request when none is listed, and shows a window without hours as it is', () => {
    const bare = structuredClone(doc);
    bare.requests!.kinds = [];
    bare.contact = { department: '総務部', phone: '000-1111-2222' };
    const t = textOf(page(bare));
    expect(t).toContain('保有個人データに関するご請求は、次の手続でお受けします。');
    expect(t).toContain('総務部（電話 000-1111-2222）');
    expect(t).not.toMatch(/undefined/);
  });
});

describe('the lint checks the new registers', () => {
  const codes = (doc: PolicyDocument) =>
    lintPolicy(doc, { today: '2026-12-04', knownOrgCodes: new Set(['test-coop']) }).map((g) => `${g.severity}:${g.code}:${g.path}`);

  it('accepts the rich policy with only the warnings it should give', () => {
    const gaps = codes(richPolicy());
    expect(gaps.filter((g) => g.startsWith('error'))).toEqual(['error:holder_org_unknown:holders[0].org']);
    expect(gaps).toContain('warning:request_kinds_incomplete:requests.kinds');
  });

  it('asks for each holder’s address and representative, known groups and a ledger group', () => {
    const doc = richPolicy();
    doc.holders[0] = { name: '住所のない子会社', kind: 'subsidiary' };
    doc.purposes[0]!.subjects = ['volunteers'];
    doc.data_subjects = doc.data_subjects.map((g) => ({ ...g, ledger: false }));
    const gaps = codes(doc);
    expect(gaps).toEqual(
      expect.arrayContaining([
        'error:holder_address_missing:holders[0].address',
        'error:holder_representative_missing:holders[0].representative',
        'error:purpose_subject_unknown:purposes[0].subjects[0]',
        'error:ledger_subject_missing:data_subjects',
      ]),
    );
  });

  it('takes "all items" and "all purposes" as stated, and keeps per-purpose items inside the joint use', () => {
    const doc = richPolicy();
    doc.holders = [];
    const ju = doc.joint_uses[0]!;
    expect(codes(doc).filter((g) => g.includes('joint_use'))).toEqual([]);
    ju.items_all = false;
    ju.items = ['member_code', 'name'];
    ju.purposes_all = false;
    ju.purposes = ['P01'];
    expect(codes(doc)).toEqual(
      expect.arrayContaining([
        'error:joint_use_purpose_items_purpose:joint_uses[0].purpose_items[0].purpose',
        'error:joint_use_purpose_items_item:joint_uses[0].purpose_items[0].items[1]',
      ]),
    );
    ju.items = [];
    expect(codes(doc)).toContain('error:joint_use_items_missing:joint_uses[0].items');
  });

  it('names the missing kinds of request and safety headings in words in English too, never as codes', () => {
    const gaps = [
      ...lintPolicy(richPolicy(), { today: '2026-12-04', knownOrgCodes: new Set(['test-coop']) }),
      ...lintPolicy(completePolicy('test-coop'), { today: '2026-12-04', knownOrgCodes: new Set(['test-coop']) }),
    ].filter((g) => g.code === 'request_kinds_incomplete' || g.code === 'safety_headings_missing');
    expect(new Set(gaps.map((g) => g.code))).toEqual(new Set(['request_kinds_incomplete', 'safety_headings_missing']));
    for (const g of gaps) expect(g.message_en).not.toMatch(/[a-z]+_[a-z_]+/);
    expect(gaps.find((g) => g.code === 'request_kinds_incomplete')?.message_en).toMatch(
      /not selected: (Notification of the purposes|Disclosure|Correction|Cessation)/,
    );
  });

  it('warns when the safety measures leave guideline headings empty', () => {
    const gaps = codes(completePolicy('test-coop'));
    expect(gaps).toContain('warning:safety_headings_missing:safety_measures');
    expect(codes(richPolicy())).not.toContain('warning:safety_headings_missing:safety_measures');
  });
});

describe('changes to the new registers and their notice', () => {
  const kind = (before: PolicyDocument, after: PolicyDocument) => compareDocuments(before, after).map((c) => `${c.section}:${c.notice}`);

  it('asks prior notice for a new holder, a purpose’s groups and a joint use’s per-purpose items', () => {
    const before = richPolicy();
    const holder = structuredClone(before);
    holder.holders.push({ name: '株式会社テスト配送', kind: 'subsidiary', address: '仙台市', representative: '代表 配送' });
    expect(kind(before, holder)).toContain('holders:prior');
    const groups = structuredClone(before);
    groups.purposes[1]!.subjects = ['member', 'staff'];
    expect(kind(before, groups)).toContain('purposes:prior');
    const narrower = structuredClone(before);
    narrower.joint_uses[0]!.purpose_items = [];
    expect(kind(before, narrower)).toContain('joint_uses:prior');
  });
});
