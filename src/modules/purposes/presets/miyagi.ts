/**
 * The purposes of use of みやぎ生活協同組合's published policy (seed 000, revised 2022-06-10), numbered ① to ⑯
 * as published, with the items each may use. The item lists are mamori's reading of what each purpose needs
 * (the policy lists purposes and items, not the pairing); a co-op adjusts them in its registers.
 */
import { memberFieldCodes } from '../../members/fields.ts';

export interface PurposeDefinition {
  number: number;
  name: string;
  name_en: string;
  items: string[];
}

const ledger: string[] = [...memberFieldCodes];
const contact = ['member_code', 'name', 'name_kana', 'postal_code', 'address', 'phone'];

export const miyagiPurposes: PurposeDefinition[] = [
  {
    number: 1,
    name: 'メンバー（組合員）の出資金・債券、メンバー（組合員）台帳の作成・管理のため',
    name_en: 'Managing members’ share capital and bonds, and keeping the member ledger',
    items: ledger,
  },
  {
    number: 2,
    name: '商品・サービス情報を提供するため',
    name_en: 'Providing information on products and services',
    items: ['member_code', 'name', 'name_kana', 'postal_code', 'address', 'email', 'delivery_type'],
  },
  {
    number: 3,
    name: '商品・サービスのご注文をいただくため',
    name_en: 'Taking orders for products and services',
    items: ['member_code', 'name', 'name_kana', 'phone', 'delivery_type', 'purchase_history'],
  },
  {
    number: 4,
    name: '商品のお届けまたはサービス提供のため',
    name_en: 'Delivering products or providing services',
    items: [...contact, 'delivery_type'],
  },
  { number: 5, name: '商品・サービスの提供を斡旋するため', name_en: 'Arranging products and services', items: contact },
  {
    number: 6,
    name: '商品・サービスに関わるアフターサービスの提供のため',
    name_en: 'After-sales service for products and services',
    items: [...contact, 'email', 'purchase_history', 'inquiries'],
  },
  {
    number: 7,
    name: '商品・サービスに関わるアンケートなどによりご意見をいただくため',
    name_en: 'Hearing members’ views through surveys on products and services',
    items: ['member_code', 'name', 'gender', 'birth_date', 'email', 'delivery_type'],
  },
  {
    number: 8,
    name: '福祉関連サービスにおける各種手続き代行のため',
    name_en: 'Handling procedures on members’ behalf in welfare services',
    items: [...contact, 'gender', 'birth_date'],
  },
  {
    number: 9,
    name: '生協メンバー（組合員）加入ご案内のため',
    name_en: 'Inviting people to join the co-op',
    items: ['name', 'name_kana', 'postal_code', 'address', 'phone', 'email'],
  },
  {
    number: 10,
    name: 'メンバー（組合員）の生活の改善および文化の向上に関する活動を推進するため',
    name_en: 'Promoting activities that improve members’ lives and culture',
    items: [...contact, 'email'],
  },
  {
    number: 11,
    name: '総代会など生協の機関運営やメンバー（組合員）活動を円滑に進めるため',
    name_en: 'Running the co-op’s governing bodies (e.g. the general assembly) and member activities',
    items: [...contact, 'join_date', 'share_capital', 'status'],
  },
  { number: 12, name: '職員の雇用管理のため', name_en: 'Employment management of staff', items: [] },
  {
    number: 13,
    name: '商品の納入、代金の決済等に不具合が生じた際の連絡を行うため',
    name_en: 'Contacting members when delivery or payment goes wrong',
    items: ['member_code', 'name', 'name_kana', 'phone', 'email', 'bank_account', 'purchase_history'],
  },
  {
    number: 14,
    name: '共済契約の引き受け、維持管理及び共済商品・サービスの案内・提供のため',
    name_en: 'Underwriting and maintaining mutual-aid (kyosai) contracts and offering kyosai products',
    items: [...contact, 'gender', 'birth_date', 'email', 'bank_account', 'join_date', 'leave_date'],
  },
  {
    number: 15,
    name: '前項⑭に関連・付随する業務及び業務を適切かつ円滑に履行するため',
    name_en: 'Work related and incidental to ⑭, and carrying it out properly',
    items: [...contact, 'gender', 'birth_date', 'join_date', 'leave_date'],
  },
  {
    number: 16,
    name: '本人に関する行動、関心等の情報を分析し、本人の嗜好に沿った商品・サービスの提供のため',
    name_en: 'Analysing behaviour and interests to offer products and services suited to the member’s preferences (profiling)',
    items: ['member_code', 'gender', 'birth_date', 'delivery_type', 'purchase_history'],
  },
];

/** ① … ⑳ as published. */
export function circled(n: number): string {
  return n >= 1 && n <= 20 ? String.fromCharCode(0x2460 + n - 1) : `(${n})`;
}

export const purposeCode = (n: number) => `P${String(n).padStart(2, '0')}`;
