/**
 * A complete synthetic policy for tests: every section the lint requires, two purposes, a joint use with a
 * mamori organization as joint user, a third-party recipient and a contractor.
 */
import { POLICY_FORMAT, type PolicyDocument, policyDocumentSchema } from '../../src/modules/policy/document.ts';

export function completePolicy(orgCode: string, opts: { jointUserOrg?: string; jointStartsOn?: string } = {}): PolicyDocument {
  return policyDocumentSchema.parse({
    format: POLICY_FORMAT,
    organization: {
      code: orgCode,
      name: 'テスト生活協同組合',
      name_en: 'Test Co-op',
      address: '宮城県仙台市青葉区テスト町1-2-3',
      representative: '代表理事 試験 太郎',
    },
    basic_policy: { philosophy: ['個人情報を大切に扱います。'], commitments: ['法令を守ります。'], enacted_on: '2020-04-01' },
    scope: [{ code: 'delivery', name: '宅配' }],
    items: [
      { code: 'member_code', name: '組合員コード' },
      { code: 'name', name: '氏名' },
      { code: 'address', name: '住所' },
      { code: 'phone', name: '電話番号' },
      { code: 'birth_date', name: '生年月日' },
    ],
    purposes: [
      { number: 1, name: '組合員台帳の管理のため', items: ['member_code', 'name', 'address', 'phone', 'birth_date'] },
      { number: 2, name: '商品のお届けのため', items: ['member_code', 'name', 'address', 'phone'] },
      { number: 3, name: '共済契約の引受けのため', items: ['member_code', 'name', 'address', 'birth_date'] },
    ],
    joint_uses: [
      {
        code: 'kyosai',
        name: '共済事業の共同利用',
        users: [{ name: 'デモ共済生活協同組合連合会', ...(opts.jointUserOrg ? { org: opts.jointUserOrg } : {}) }],
        items: ['member_code', 'name', 'birth_date'],
        purposes: ['P03'],
        responsible: { name: 'テスト生活協同組合', address: '宮城県仙台市青葉区テスト町1-2-3', representative: '代表理事 試験 太郎' },
        starts_on: opts.jointStartsOn ?? '2020-04-01',
      },
    ],
    third_parties: [{ code: 'police', name: '警察・裁判所等', legal_basis: 'law', items: ['name', 'address'], transmission: ['paper'] }],
    contractors: [
      {
        code: 'printing',
        name: 'テスト印刷株式会社',
        service: '案内の印刷・封入',
        items: ['name', 'address'],
        contract: { confidentiality: true, no_reprovision: true, incident_liability: true, return_or_destruction: true },
        inspection: { interval_months: 12, last_on: '2026-06-01' },
      },
    ],
    contact: { department: '個人情報相談窓口（総務部）', phone: '000-0000-0000', hours: '9:00〜17:00（土日祝休み）' },
    requests: { methods: ['窓口', '郵送'], kinds: ['開示', '訂正', '利用停止'], fee: { free: true }, identity_check: '本人確認書類の提示' },
    safety_measures: {
      organizational: ['責任者を置きます。'],
      human: ['職員に教育を行います。'],
      physical: ['入退室を管理します。'],
      technical: ['アクセスを制御します。'],
      storage: [{ country: '日本' }],
    },
  });
}
