/**
 * The data items (情報項目) a co-op's policy names. The ledger fields come first; items the seeds list that
 * the member ledger does not hold yet (purchase history, inquiries) are registered so purposes and joint
 * uses can name them, and the presenter skips them.
 */
import { memberFieldCodes, memberFieldLabels } from '../members/fields.ts';

export interface ItemDefinition {
  code: string;
  name: string;
  name_en: string;
  sensitive?: boolean;
}

export const standardItems: ItemDefinition[] = [
  ...memberFieldCodes.map((code) => ({ code, name: memberFieldLabels[code].ja, name_en: memberFieldLabels[code].en })),
  { code: 'purchase_history', name: '購買履歴', name_en: 'Purchase history' },
  { code: 'inquiries', name: 'お申し出情報', name_en: 'Inquiries and requests' },
];
