/**
 * The demo co-op's ledger: a handful of synthetic but realistic information assets (paper and systems) with
 * their risk assessments and review history: one review overdue, one due soon, one asset holding 要配慮
 * data. Everything goes through `insertAsset`, so the demo obeys the same checks and leaves the same audit
 * entries as the console.
 */
import { randomUUID } from 'node:crypto';
import type { ReviewResult } from '../../contract/ledger-vocabulary.ts';
import type { Tx } from '../../db/database.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { loadRegisters } from './registers.ts';
import { addDays, addMonths, japanDate, nextReviewOn } from './schedule.ts';
import type { CreateAssetInput, RiskInput } from './schemas.ts';
import { insertAsset } from './write-asset.ts';

type DemoAsset = CreateAssetInput & { review?: { monthsAgo: number; daysLater?: number; result: ReviewResult; notes: string } };

const risk = (
  stage: RiskInput['stage'],
  threats: string,
  countermeasures: string,
  residual_risk: 'low' | 'medium' | 'high',
): RiskInput => ({
  stage,
  threats,
  countermeasures,
  residual_risk,
});
const none = (stage: RiskInput['stage'], note: string): RiskInput => ({ stage, applicable: false, threats: note });

const contact = ['member_code', 'name', 'name_kana', 'postal_code', 'address', 'phone'];

const assets: DemoAsset[] = [
  {
    code: 'L-0001',
    name: '組合員台帳システム',
    department: 'governance',
    medium: 'electronic',
    description: '組合員の加入・脱退、出資金、利用形態を管理する基幹システム。',
    data_subjects: '組合員（脱退者を含む）',
    record_count: 120_000,
    items: [
      ...contact,
      'gender',
      'birth_date',
      'email',
      'bank_account',
      'delivery_type',
      'join_date',
      'leave_date',
      'share_capital',
      'status',
    ],
    purposes: ['P01', 'P02', 'P11'],
    storage_location: '本部サーバー室（仙台市）、バックアップは国内データセンター',
    storage_method: 'データベース（口座情報は暗号化）、日次バックアップ',
    access_scope: '組合員サービス担当・宅配担当ほか、利用目的ごとに許可された役割のみ（mamoriで制御）',
    period_of_use: '加入から脱退後の出資金返還完了まで',
    retention: '脱退後10年（会計帳簿・重要書類）',
    disposal_method: '保存期間満了後にデータ消去、媒体はデータ消去証明を取得して廃棄',
    acquisition_method: 'direct_written',
    acquisition_note: '加入申込書（紙・Web）から入力',
    notice_method: '加入申込書に利用目的を明示、ホームページで公表',
    consent: '加入申込書で同意を取得',
    provision: 'なし（本人の同意または法令に基づく場合のみ）',
    joint_use: '日本コープ共済生活協同組合連合会（共済事業に必要な項目）',
    contractors: ['データセンター運用（デモデータセンター株式会社）'],
    risks: [
      risk('acquire', '入力誤り、なりすまし加入', '申込書と入力内容の照合、本人確認書類の確認', 'low'),
      risk('transfer', '通信の盗聴、誤送信', 'TLS通信、拠点間はVPN', 'low'),
      risk('use', '目的外の参照、大量参照', '利用目的ごとの権限、監査記録とアラート', 'low'),
      risk('store', '不正アクセス、バックアップ媒体の紛失', '口座情報の暗号化、二要素認証、バックアップの暗号化と施錠保管', 'medium'),
      risk('dispose', '消去漏れ', '保存期間の管理、消去証明の取得', 'low'),
      risk('outsource', 'データセンター事業者による漏えい', '委託契約（秘密保持・再委託禁止）、年1回の実地確認', 'low'),
      none('provide', '第三者提供なし'),
    ],
    review: { monthsAgo: 5, result: 'no_change', notes: '項目・保管方法に変更なし。' },
  },
  {
    code: 'L-0002',
    name: '宅配注文書（紙）',
    department: 'delivery',
    medium: 'paper',
    description: '班・個配の組合員が記入する週次の注文用紙。',
    data_subjects: '組合員',
    record_count: 45_000,
    items: ['member_code', 'name', 'phone', 'delivery_type', 'purchase_history'],
    purposes: ['P03', 'P04'],
    storage_location: '各宅配センターの施錠キャビネット',
    storage_method: '回収後にOCR読取、原本は週ごとに箱詰めして施錠保管',
    access_scope: '宅配センター職員、OCR読取委託先',
    period_of_use: '注文受付から配達完了まで',
    retention: '3か月',
    disposal_method: '溶解処理（委託、溶解証明書を受領）',
    acquisition_method: 'direct_written',
    notice_method: '注文書とカタログに利用目的を記載',
    consent: '加入時に同意を取得済み',
    provision: 'なし',
    contractors: ['OCR読取（デモ印刷株式会社）', '機密書類の溶解処理（デモ資源株式会社）'],
    risks: [
      risk('acquire', '回収時の紛失、他の組合員の注文書との混入', '回収袋の封緘、班ごとの枚数確認', 'medium'),
      risk('transfer', '配送車両からの紛失・盗難', '施錠できる回収ボックスで運搬、車両を離れるときは施錠', 'medium'),
      risk('use', 'OCR読取時の誤読', '読取結果の目視確認', 'low'),
      risk('store', 'キャビネットの施錠忘れ', '施錠の終業時点検、鍵の管理簿', 'low'),
      risk('dispose', '溶解前の保管中の紛失', '溶解箱の封緘、溶解証明書の受領', 'low'),
      risk('outsource', 'OCR委託先での漏えい', '委託契約、受け渡し記録、年1回の点検', 'medium'),
      none('provide', '第三者提供なし'),
    ],
    review: { monthsAgo: 12, daysLater: 14, result: 'updated', notes: '溶解処理の委託先変更を反映。' },
  },
  {
    code: 'L-0003',
    name: '共済申込書（紙）',
    department: 'kyosai',
    medium: 'paper',
    description: 'CO・OP共済の加入申込書（告知欄を含む）。',
    data_subjects: '組合員、被共済者',
    record_count: 8_000,
    items: ['member_code', 'name', 'name_kana', 'gender', 'birth_date', 'address', 'phone', 'bank_account'],
    other_items: '告知事項（健康状態）',
    purposes: ['P14', 'P15'],
    storage_location: '共済事業部の書庫（施錠）',
    storage_method: '原本を申込月ごとにファイリング、写しを共済連へ送付',
    access_scope: '共済担当職員',
    period_of_use: '共済契約の有効期間中',
    retention: '契約終了後5年',
    disposal_method: '溶解処理',
    sensitive: true,
    sensitive_note: '告知事項（病歴・健康状態）',
    acquisition_method: 'direct_written',
    notice_method: '申込書に利用目的と共同利用を明示',
    consent: '申込書で同意を取得（告知事項を含む）',
    provision: 'なし',
    joint_use: '日本コープ共済生活協同組合連合会（共済契約の引受・管理）',
    contractors: [],
    risks: [
      risk('acquire', '記入漏れ、告知内容の誤記', '受付時の記入チェック', 'low'),
      risk('transfer', '共済連への郵送中の紛失', '簡易書留で送付、送付記録', 'medium'),
      risk('use', '告知事項の目的外利用', '共済担当者以外は閲覧不可', 'low'),
      risk('store', '書庫の鍵の管理不備', '鍵の貸出記録、入退室の記録', 'medium'),
      risk('dispose', '保存期間経過後の廃棄漏れ', '年1回の廃棄棚卸', 'high'),
      none('outsource', '委託なし'),
      none('provide', '第三者提供なし（共同利用のみ）'),
    ],
    review: { monthsAgo: 14, result: 'action_required', notes: '廃棄棚卸が未実施。書庫の鍵管理簿を整備すること。' },
  },
  {
    code: 'L-0004',
    name: '福祉サービス利用者記録',
    department: 'welfare',
    medium: 'both',
    description: '訪問介護・福祉用具などの利用者のケース記録。',
    data_subjects: '福祉サービス利用者（組合員とその家族）',
    record_count: 1_200,
    items: [...contact, 'gender', 'birth_date'],
    other_items: 'ケース記録、緊急連絡先',
    purposes: ['P08'],
    storage_location: '福祉事業所の施錠キャビネット、介護記録システム（国内クラウド）',
    storage_method: '紙のケースファイルと介護記録システム',
    access_scope: '担当ケアマネジャー、サービス提供責任者',
    period_of_use: 'サービス利用期間中',
    retention: 'サービス終了後5年',
    disposal_method: '紙は溶解処理、データはシステム上で削除',
    sensitive: true,
    sensitive_note: '要介護度、心身の状況、服薬情報',
    acquisition_method: 'direct_written',
    acquisition_note: '契約時の面談・アセスメント、ケアプラン作成事業者から受領',
    notice_method: '重要事項説明書で説明',
    consent: '利用契約書で同意を取得（サービス担当者会議での共有を含む）',
    provision: 'サービス担当者会議での居宅介護支援事業者への提供（同意に基づく）',
    contractors: ['介護記録システム（デモケアクラウド株式会社）'],
    risks: [
      risk('acquire', '訪問先での記録の紛失', '訪問時は持ち出し簿に記入、記録はタブレット入力を原則', 'medium'),
      risk('transfer', 'FAXの誤送信', '短縮ダイヤル登録、送信前の2名確認', 'medium'),
      risk('use', '要配慮個人情報の目的外利用', '担当者以外はアクセス不可、アクセス記録の月次確認', 'low'),
      risk('store', 'タブレットの紛失', '端末の暗号化、遠隔消去', 'low'),
      risk('dispose', '紙記録の廃棄漏れ', '保存期間管理表で年1回確認', 'low'),
      risk('outsource', 'クラウド事業者での漏えい', '国内リージョン、委託契約、第三者認証の確認', 'low'),
      risk('provide', '提供先の誤り', '提供記録の作成、同意書の確認', 'low'),
    ],
    review: { monthsAgo: 2, result: 'no_change', notes: '要配慮個人情報の取扱いを再確認。' },
  },
  {
    code: 'L-0005',
    name: 'コールセンター通話録音',
    department: 'governance',
    medium: 'electronic',
    description: '組合員からの問合せ・苦情の通話録音と応対記録。',
    data_subjects: '組合員、問合せをした方',
    record_count: 60_000,
    items: ['member_code', 'name', 'phone', 'inquiries'],
    other_items: '通話音声',
    purposes: ['P06'],
    storage_location: '録音サーバー（委託先データセンター、国内）',
    storage_method: '録音ファイルを暗号化して保存',
    access_scope: 'コールセンター責任者、苦情対応担当',
    period_of_use: '応対品質の確認と苦情対応の間',
    retention: '録音日から1年',
    disposal_method: '保存期間経過後に自動削除',
    acquisition_method: 'direct_other',
    acquisition_note: '通話冒頭の音声案内で録音を告知',
    notice_method: '音声案内とホームページ',
    consent: '音声案内で告知（同意は不要な範囲の利用）',
    provision: 'なし',
    contractors: ['コールセンター運営（デモコンタクト株式会社）'],
    risks: [
      risk('acquire', '録音告知の漏れ', '音声案内の自動再生', 'low'),
      risk('transfer', '録音データの転送時の漏えい', '専用線、暗号化', 'low'),
      risk('use', '録音の私的な持ち出し', 'ダウンロード禁止、再生記録', 'medium'),
      risk('store', '録音サーバーへの不正アクセス', 'アクセス制御、暗号化', 'low'),
      risk('dispose', '自動削除の設定誤り', '削除ログの四半期確認', 'low'),
      risk('outsource', '委託先オペレーターによる漏えい', '誓約書、教育記録の確認、年1回の監査', 'medium'),
      none('provide', '第三者提供なし'),
    ],
    review: { monthsAgo: 8, result: 'no_change', notes: '委託先監査の結果を確認。' },
  },
  {
    code: 'L-0006',
    name: '採用応募書類',
    department: 'governance',
    medium: 'both',
    description: '職員募集への応募書類（履歴書・職務経歴書）と選考記録。',
    data_subjects: '採用応募者',
    record_count: 300,
    items: ['name', 'name_kana', 'birth_date', 'address', 'phone', 'email'],
    other_items: '学歴・職歴、資格、選考結果',
    purposes: ['P12'],
    storage_location: '機関運営部の施錠キャビネット、採用管理システム',
    storage_method: '紙は応募者ごとのファイル、Web応募は採用管理システム',
    access_scope: '採用担当者、面接官（選考期間中のみ）',
    period_of_use: '選考期間中（採用者は職員台帳へ移行）',
    retention: '不採用の場合は選考終了後6か月',
    disposal_method: '返却または溶解処理、データは削除',
    acquisition_method: 'direct_written',
    notice_method: '募集要項に利用目的を明示',
    consent: '応募をもって同意（募集要項に明記）',
    provision: 'なし',
    contractors: ['採用管理システム（デモ人材サービス株式会社）'],
    risks: [
      risk('acquire', '応募書類の郵送中の紛失', 'Web応募を推奨、郵送は受付簿に記録', 'low'),
      risk('transfer', '面接官へのメール送付での誤送信', 'システム内で共有、メール添付は禁止', 'low'),
      risk('use', '選考目的以外での利用', '面接官には選考期間中のみ閲覧権限', 'low'),
      risk('store', '応募書類の机上放置', 'クリアデスク、施錠保管', 'low'),
      risk('dispose', '不採用者書類の廃棄漏れ', '選考終了日から6か月で廃棄予定を登録', 'medium'),
      risk('outsource', '採用管理システム事業者での漏えい', '委託契約、セキュリティ評価', 'low'),
      none('provide', '第三者提供なし'),
    ],
    review: { monthsAgo: 1, result: 'no_change', notes: '新卒採用の開始前に確認。' },
  },
];

/**
 * Seeds the demo co-op's ledger inside the caller's transaction (after its departments, purposes and users
 * exist). Does nothing when the organization already has a ledger, so it may be called again safely.
 * Returns the number of assets created.
 */
export async function seedDemoLedger(tx: Tx, orgId: string, now: Date): Promise<number> {
  const existing = await tx.selectFrom('ledger_assets').select('id').where('org_id', '=', orgId).limit(1).executeTakeFirst();
  if (existing) return 0;
  const actor: Actor = { type: 'system', id: null, orgId, label: 'demo-seed' };
  const registers = await loadRegisters(tx, orgId);
  const officer = await tx
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.display_name'])
    .where('users.org_id', '=', orgId)
    .where('roles.kind', '=', 'privacy_officer')
    .orderBy('users.login')
    .limit(1)
    .executeTakeFirst();
  const today = japanDate(now);
  let created = 0;
  for (const { review, ...input } of assets) {
    const dept = [...registers.departments.values()].find((d) => d.code === input.department);
    if (!dept) continue;
    const reviewedOn = review ? addDays(addMonths(today, -review.monthsAgo), review.daysLater ?? 0) : null;
    // Registered in the office's earlier (spreadsheet) ledger: the last review there moves in with it.
    const id = await insertAsset(tx, actor, {
      orgId,
      registers,
      departmentId: dept.id,
      input: { ...input, last_reviewed_on: reviewedOn },
      now,
      via: 'demo-seed',
    });
    created += 1;
    if (!review || !reviewedOn) continue;
    const reviewId = randomUUID();
    await tx
      .insertInto('ledger_reviews')
      .values({
        id: reviewId,
        asset_id: id,
        org_id: orgId,
        reviewed_on: reviewedOn,
        result: review.result,
        notes: review.notes,
        reviewer_id: officer?.id ?? null,
        reviewer_name: officer?.display_name ?? '個人情報保護管理責任者',
        created_at: iso(now),
      })
      .execute();
    await appendAudit(
      tx,
      actor,
      {
        action: 'ledger.review',
        outcome: 'ok',
        orgId,
        detail: {
          asset_id: id,
          code: input.code ?? '',
          review_id: reviewId,
          result: review.result,
          reviewed_on: reviewedOn,
          next_review_on: nextReviewOn({ lastReviewedOn: reviewedOn, registeredOn: today, intervalMonths: 12 }),
        },
      },
      () => now,
    );
  }
  return created;
}
