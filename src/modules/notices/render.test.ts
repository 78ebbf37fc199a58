/**
 * The notice page says everything the law requires to be made available, from the demo policy file: the
 * five items of a joint use (APPI Art. 27(5)(iii)), the Art. 32 items, third-party provision with its legal
 * basis and foreign regime, outsourcing without inspection details — and escapes everything it prints.
 */
import { describe, expect, it } from 'vitest';
import { DRAFT_MARKER, demoPolicy, demoVersions } from '../../../test/fixtures/notices/versions.ts';
import { circledNumber } from '../../contract/policy-vocabulary.ts';
import { policyDocumentSchema, requestsSchema } from '../policy/document.ts';
import { renderErrorPage, renderNoticePage, renderVersionsPage } from './render.ts';
import { type PublishedVersion, timelineOn } from './timeline.ts';

const published = (): PublishedVersion[] =>
  demoVersions().map((v) => ({
    id: `v${v.number}`,
    number: v.number,
    summary: v.summary,
    changes: v.changes,
    noticeOn: v.noticeOn,
    effectiveOn: v.effectiveOn,
    publishedAt: `${v.noticeOn}T00:00:00.000Z`,
    sha256: 'x',
  }));

/** The text of the page without tags (entities decoded), to look for what a reader sees. */
const textOf = (html: string) =>
  html
    .replace(/<style>.*?<\/style>/s, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

function currentPage(doc = demoVersions()[1]!.doc) {
  const timeline = timelineOn(published(), '2026-11-22');
  return renderNoticePage({ orgCode: 'demo-coop', timeline, version: timeline.current!, doc, isCurrentPage: true });
}

describe('notice page', () => {
  const html = currentPage();
  const text = textOf(html);

  it('is a Japanese, script-free, mobile-friendly page', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="ja">/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('name="viewport"');
    expect(html).not.toMatch(/<script|\son[a-z]+=|javascript:/i);
    expect(html).toContain('@media print');
  });

  it('shows the title, the organization, the version with its notice and effective dates, and links', () => {
    expect(text).toContain('デモ生活協同組合個人情報保護方針');
    expect(text).toContain('第2版　通知日 2026年5月1日　施行日 2026年6月10日');
    expect(html).toContain('href="/notices/demo-coop/versions"');
    expect(html).toContain('href="/api/v1/public/notices/demo-coop/versions/2"');
    expect(html).toContain('href="/notices/demo-coop/diff?from=1&amp;to=2"');
  });

  it('announces the upcoming version prominently with its effective date, summary and change badges', () => {
    const box = html.slice(html.indexOf('id="upcoming"'), html.indexOf('class="toc"'));
    expect(textOf(box)).toContain('2026年12月1日から、この方針を改定します（第3版）');
    expect(textOf(box)).toContain('共済連合会の代表者の変更と、提携旅行会社への提供を追加します。');
    expect(box).toContain('<span class="badge after">事後通知</span>');
    expect(box).toContain('<span class="badge consent">同意が必要</span>');
    expect(box).toContain('href="/notices/demo-coop/diff?from=2&amp;to=3"');
    // Before the policy text, so that it is seen first.
    expect(html.indexOf('id="upcoming"')).toBeLessThan(html.indexOf('id="purposes"'));
  });

  it('shows the basic philosophy and policy, and the purposes numbered as published with the scope', () => {
    expect(text).toContain('基本理念');
    expect(text).toContain('基本方針');
    for (const p of demoVersions()[1]!.doc.purposes) expect(text).toContain(`${circledNumber(p.number)}${p.name}`);
    expect(text).toContain('「商品・サービス」の範囲');
    expect(text).toContain('①生協の店舗及び宅配にて取り扱う商品・サービス');
    expect(text).toContain('16歳未満のお子さまの個人情報は、保護者（法定代理人）の同意を得て取り扱います。');
    expect(text).toContain('要介護度（要配慮個人情報）');
  });

  it('gives every joint use the five items of APPI Art. 27(5)(iii) and its start date', () => {
    const section = textOf(html.slice(html.indexOf('id="joint-use-coop-group"'), html.indexOf('id="joint-use-kyosai-federation"')));
    expect(section).toContain('次の個人データを共同して利用します'); // that joint use takes place
    expect(section).toContain(
      '共同して利用される個人データの項目氏名、組合員コード、性別、生年月日、住所、電話番号、メールアドレス、購買履歴',
    );
    expect(section).toContain('共同して利用する者の範囲');
    expect(section).toContain('デモ生協連合会');
    expect(section).toContain('社会福祉法人デモ福祉会（福祉関連サービスの提供に限ります。）');
    expect(section).toContain('利用する者の利用目的');
    expect(section).toContain('②商品・サービス情報を提供するため');
    expect(section).toContain('⑨ご本人に関する行動');
    expect(section).toContain('個人データの管理について責任を有する者の名称デモ生活協同組合');
    expect(section).toContain('責任を有する者の住所〒980-0000 宮城県仙台市青葉区見本町一丁目2番3号');
    expect(section).toContain('責任を有する者の代表者代表理事 理事長 見本 太郎');
    expect(section).toContain('共同利用の開始日2022年6月10日');
    const kyosai = textOf(html.slice(html.indexOf('id="joint-use-kyosai-federation"'), html.indexOf('id="third-parties"')));
    expect(kyosai).toContain('責任を有する者の代表者代表理事 会長 例示 花子');
    expect(kyosai).toContain('東京都渋谷区見本町四丁目5番6号');
  });

  it('names third-party recipients with the legal basis in words, the transmission and the foreign regime', () => {
    const section = textOf(html.slice(html.indexOf('id="third-parties"'), html.indexOf('id="outsourcing"')));
    expect(section).toContain('提供先の区分損害保険会社');
    expect(section).toContain('提供の根拠ご本人の同意に基づく提供');
    expect(section).toContain('提供の方法書面の送付又は電子データの送信');
    expect(section).toContain('提供先株式会社デモクレジット');
    expect(section).toContain('代表者代表取締役 見本 次郎');
    expect(section).toContain('提供の根拠法令に基づく場合');
    expect(section).toContain('提供先の所在国アメリカ合衆国');
    expect(section).toContain('当該国の個人情報の保護に関する制度連邦法として包括的な個人情報保護法はなく');
    expect(section).not.toContain('consent');
  });

  it('publishes outsourcing by work and contract terms, never contractors’ inspections, names or notes', () => {
    const section = textOf(html.slice(html.indexOf('id="outsourcing"'), html.indexOf('id="anonymized"')));
    expect(section).toContain('個人データの取扱いを外部に委託しています');
    expect(section).toContain('商品の配送');
    expect(section).toContain('秘密保持、再提供の禁止、事故時の責任分担、契約終了時の返却・廃棄');
    expect(section).toContain('事前の書面による承諾がある場合に限り認めています');
    expect(section).toContain('再委託を禁止しています');
    for (const secret of ['2026-03-15', '2026年3月15日', '2025年9月30日', '点検', '株式会社デモ物流', '内部資料', '2021年4月1日']) {
      expect(text).not.toContain(secret);
    }
  });

  it('publishes the anonymized releases with their items and method of provision', () => {
    const section = textOf(html.slice(html.indexOf('id="anonymized"'), html.indexOf('id="retained-data"')));
    expect(section).toContain('匿名加工情報に含まれる個人に関する情報の項目顧客ID、年代、性別、はん個配区分、購買情報');
    expect(section).toContain('提供の方法取引先と共同利用可能なサーバーにアップロードします。');
  });

  it('makes the APPI Art. 32 items available: controller, purposes, requests with fee and identity, safety incl. foreign storage, complaints', () => {
    const section = textOf(html.slice(html.indexOf('id="retained-data"'), html.indexOf('id="retention"')));
    expect(section).toContain('名称デモ生活協同組合');
    expect(section).toContain('住所〒980-0000 宮城県仙台市青葉区見本町一丁目2番3号');
    expect(section).toContain('代表者代表理事 理事長 見本 太郎');
    expect(section).toContain('すべての保有個人データの利用目的は、「利用目的」に記載のとおりです（①〜⑨）。');
    expect(html).toContain('<a href="#purposes">');
    expect(section).toContain('開示等の請求の手続');
    expect(section).toContain('開示（第三者提供記録を含む）');
    expect(section).toContain('組合員ページ（ご本人の確認・訂正・削除）');
    expect(section).toContain('手数料無料（費用が多額になる場合は、その実費をご請求することがあります。）');
    expect(section).toContain('ご本人の確認運転免許証');
    expect(section).toContain('代理人による請求');
    expect(section).toContain('組織的安全管理措置');
    expect(section).toContain('人的安全管理措置');
    expect(section).toContain('物理的安全管理措置');
    expect(section).toContain('技術的安全管理措置');
    expect(section).toContain('外的環境の把握');
    expect(section).toContain('シンガポールシンガポールには個人情報保護法（PDPA）があり');
    expect(section).toContain('苦情の申出先');
    expect(section).toContain('個人情報の取扱いに関する苦情は、個人情報相談窓口（機関運営部）でお受けします。');
  });

  it('shows retention, free sections, the contact window and the enactment and revision dates', () => {
    expect(text).toContain('脱退後、出資金の払戻しが完了してから10年');
    expect(text).toContain('ウェブサイトにおける個人情報の取扱い');
    expect(text).toContain('当組合のウェブサイトでは、サーバーの障害対応のためにIPアドレスを記録し、90日で消去します。');
    const contact = textOf(html.slice(html.indexOf('id="contact"'), html.indexOf('id="history"')));
    expect(contact).toContain('窓口個人情報相談窓口（機関運営部）');
    expect(contact).toContain('電話番号022-000-0000');
    expect(contact).toContain('受付時間9:30～18:30（土・日・祝日を除く）');
    expect(text).toContain('2005年3月31日 制定');
    expect(text).toContain('2022年6月10日 改定');
    expect(text).toContain('2026年6月10日 改定');
  });

  it('escapes everything from the document', () => {
    const doc = demoPolicy();
    doc.purposes[0] = { ...doc.purposes[0]!, name: '<script>alert("x")</script>&" onload=\'y\'' };
    doc.organization = { ...doc.organization, name: '<b>生協</b>' };
    doc.sections = [{ title: '<img src=x onerror=alert(1)>', body: ['</section><script>1</script>'] }];
    const page = currentPage(doc);
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>');
    expect(page).toContain('①&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot; onload=&#39;y&#39;');
    expect(page).toContain('&lt;b&gt;生協&lt;/b&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('other pages', () => {
  it('a past version carries a banner pointing to the current one', () => {
    const timeline = timelineOn(published(), '2026-11-22');
    const html = renderNoticePage({
      orgCode: 'demo-coop',
      timeline,
      version: timeline.versions[2]!,
      doc: demoPolicy(),
      isCurrentPage: false,
    });
    expect(textOf(html)).toContain(
      'この版（第1版）は現在の方針ではありません（過去の版です）。現在の方針は第2版（2026年6月10日施行）です。',
    );
    expect(html).not.toContain('id="upcoming"');
  });

  it('an upcoming version says when it takes effect', () => {
    const timeline = timelineOn(published(), '2026-11-22');
    const html = renderNoticePage({
      orgCode: 'demo-coop',
      timeline,
      version: timeline.upcoming[0]!,
      doc: demoVersions()[2]!.doc,
      isCurrentPage: false,
    });
    expect(textOf(html)).toContain('この版（第3版）は2026年12月1日から施行されます。');
  });

  it('the history lists every version with dates, summary and badged changes', () => {
    const timeline = timelineOn(published(), '2026-11-22');
    const html = renderVersionsPage({ orgCode: 'demo-coop', orgName: 'デモ生活協同組合', timeline });
    const text = textOf(html);
    expect(text.indexOf('第3版')).toBeLessThan(text.indexOf('第2版'));
    expect(text).toContain('第3版 施行予定');
    expect(text).toContain('第2版 現在の版');
    expect(text).toContain('第1版 過去の版');
    expect(text).toContain('通知日2026年5月1日施行日2026年6月10日');
    expect(html).toContain('<span class="badge prior">事前通知</span>利用目的⑨を追加');
    expect(html).toContain('<span class="badge consent">同意が必要</span>第三者提供「提携旅行会社」を追加');
    expect(html).toContain('<li>改定日を追加</li>');
    expect(html).toContain('href="/notices/demo-coop/diff?from=2&amp;to=3"');
    expect(html).not.toContain(DRAFT_MARKER);
  });

  it('the error page is Japanese first', () => {
    const html = renderErrorPage('policy_not_published');
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('この組織のポリシーはまだ公表されていません。');
  });
});

describe('the notice says only what the co-op wrote', () => {
  /** A policy with only what the schema requires, every optional field absent. */
  function bare() {
    const doc = demoVersions()[1]!.doc;
    return policyDocumentSchema.parse({
      format: doc.format,
      organization: { code: doc.organization.code, name: doc.organization.name },
      requests: { methods: ['窓口'] },
      joint_uses: [
        {
          code: 'ju1',
          name: '共同利用A',
          items: [],
          purposes: [],
          users: [],
        },
      ],
    });
  }

  it('renders a policy with every optional field absent without undefined, invented defaults or claims', () => {
    const text = textOf(currentPage(bare()));
    for (const s of ['undefined', 'null', 'NaN', '[object Object]', '有料', '無料', '委託していません', '共同利用は行っていません'])
      expect(text).not.toContain(s);
    // The request procedure it stated, and no fee row for the fee it did not state.
    expect(text).toContain('窓口');
    expect(text).not.toContain('手数料');
  });

  it('states the fee as chosen: free, paid, an amount, or only the note', () => {
    const withFee = (fee: Record<string, unknown>) => {
      const doc = bare();
      doc.requests = requestsSchema.parse({ methods: ['窓口'], fee });
      return textOf(currentPage(doc));
    };
    expect(withFee({ free: true })).toContain('手数料無料');
    expect(withFee({ free: false })).toContain('手数料有料');
    expect(withFee({ free: false, amount_yen: 1000 })).toContain('手数料1件につき1,000円');
    const noteOnly = withFee({ note: '郵送の場合は実費' });
    expect(noteOnly).toContain('手数料郵送の場合は実費');
    expect(noteOnly).not.toContain('有料');
  });

  it('gives a joint use without a start date the date it starts: the version’s effective date', () => {
    const text = textOf(currentPage(bare()));
    expect(text).toContain('共同利用の開始日2026年6月10日（この方針の施行日）');
  });

  it('says there is no joint use or outsourcing only when the co-op stated it', () => {
    const doc = bare();
    doc.joint_uses = [];
    const silent = textOf(currentPage(doc));
    expect(silent).not.toContain('個人データの共同利用');
    expect(silent).not.toContain('個人データの取扱いの委託');
    doc.no_joint_use = true;
    doc.no_outsourcing = true;
    const stated = textOf(currentPage(doc));
    expect(stated).toContain('個人データの共同利用は行っていません。');
    expect(stated).toContain('個人データの取扱いを外部に委託していません。');
  });

  it('offers no comparison while only one version is published', () => {
    const timeline = timelineOn(published().slice(0, 1), '2026-11-22');
    const html = renderNoticePage({ orgCode: 'demo-coop', timeline, version: timeline.current!, doc: bare(), isCurrentPage: true });
    expect(html).not.toContain('/notices/demo-coop/diff');
    expect(currentPage()).toContain('href="/notices/demo-coop/diff"');
  });
});
