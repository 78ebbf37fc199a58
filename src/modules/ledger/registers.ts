/**
 * The organization's registers as the ledger sees them: data items and purposes by code (an asset names
 * them; they are checked on save and shown by name), departments, and the contractors of the policy in
 * effect (an asset's contractor may be a contractor code of the policy document).
 */
import { AppError } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import { circledNumber } from '../../contract/policy-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';

export interface RegisterItem {
  code: string;
  name: string;
  name_en: string;
  sensitive: boolean;
  status: 'active' | 'retired';
}
export interface RegisterPurpose {
  code: string;
  number: number;
  label: string;
  name: string;
  name_en: string;
  status: 'active' | 'retired';
}
export interface RegisterDepartment {
  id: string;
  code: string;
  name: string;
  name_en: string;
}
export interface RegisterContractor {
  code: string;
  name: string;
  service: string | null;
}

export interface Registers {
  items: Map<string, RegisterItem>;
  purposes: Map<string, RegisterPurpose>;
  /** By id. */
  departments: Map<string, RegisterDepartment>;
  contractors: Map<string, RegisterContractor>;
}

/** Loads what the ledger needs from the registers of one organization. */
export async function loadRegisters(db: DbOrTx, orgId: string): Promise<Registers> {
  const [items, purposes, departments, policy] = await Promise.all([
    db.selectFrom('data_items').select(['code', 'name', 'name_en', 'sensitive', 'status']).where('org_id', '=', orgId).execute(),
    db.selectFrom('purposes').select(['code', 'number', 'name', 'name_en', 'status']).where('org_id', '=', orgId).execute(),
    db.selectFrom('departments').select(['id', 'code', 'name', 'name_en']).where('org_id', '=', orgId).execute(),
    db
      .selectFrom('policy_versions')
      .select('document')
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .orderBy('number', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return {
    items: new Map(items.map((i) => [i.code, { ...i, sensitive: Number(i.sensitive) === 1, status: i.status ?? 'active' }])),
    purposes: new Map(purposes.map((p) => [p.code, { ...p, label: circledNumber(p.number) }])),
    departments: new Map(departments.map((d) => [d.id, d])),
    contractors: policyContractors(policy?.document),
  };
}

/** Contractors (委託先) of a policy document; an unreadable document simply has none. */
function policyContractors(document: string | undefined): Map<string, RegisterContractor> {
  const out = new Map<string, RegisterContractor>();
  if (!document) return out;
  try {
    const doc = JSON.parse(document) as { contractors?: { code?: unknown; name?: unknown; service?: unknown }[] };
    for (const c of doc.contractors ?? []) {
      if (typeof c.code === 'string' && typeof c.name === 'string')
        out.set(c.code, { code: c.code, name: c.name, service: typeof c.service === 'string' ? c.service : null });
    }
  } catch {
    // The policy module validates documents; the ledger only borrows names from them.
  }
  return out;
}

/**
 * Checks the item and purpose codes an asset names. Unknown codes are refused with the code in the message;
 * retired codes are refused when newly added, but an asset may keep a code it already had (the register
 * changed under it; the console marks it).
 */
export function checkRegisterCodes(
  registers: Registers,
  next: { items?: readonly string[] | undefined; purposes?: readonly string[] | undefined },
  previous: { items: readonly string[]; purposes: readonly string[] } = { items: [], purposes: [] },
): void {
  const itemIssues: FieldIssue[] = [];
  const purposeIssues: FieldIssue[] = [];
  next.items?.forEach((code, i) => {
    const item = registers.items.get(code);
    if (!item)
      itemIssues.push({
        field: `items.${i}`,
        code: 'unknown_item',
        message_ja: `情報項目コード「${code}」は情報項目の登録簿にありません。`,
        message_en: `Data item code "${code}" is not in the register of data items.`,
      });
    else if (item.status === 'retired' && !previous.items.includes(code))
      itemIssues.push({
        field: `items.${i}`,
        code: 'retired_item',
        message_ja: `情報項目「${item.name}」（${code}）は登録簿で廃止されています。`,
        message_en: `Data item "${item.name_en}" (${code}) is retired in the register.`,
      });
  });
  next.purposes?.forEach((code, i) => {
    const purpose = registers.purposes.get(code);
    if (!purpose)
      purposeIssues.push({
        field: `purposes.${i}`,
        code: 'unknown_purpose',
        message_ja: `利用目的コード「${code}」は利用目的の登録簿にありません。`,
        message_en: `Purpose code "${code}" is not in the register of purposes.`,
      });
    else if (purpose.status === 'retired' && !previous.purposes.includes(code))
      purposeIssues.push({
        field: `purposes.${i}`,
        code: 'retired_purpose',
        message_ja: `利用目的 ${purpose.label}（${code}）は登録簿で廃止されています。`,
        message_en: `Purpose ${purpose.label} (${code}) is retired in the register.`,
      });
  });
  if (itemIssues.length) throw new AppError('ledger_item_unknown', [...itemIssues, ...purposeIssues]);
  if (purposeIssues.length) throw new AppError('ledger_purpose_unknown', purposeIssues);
}

/** The department with this code in the organization; `department_unknown` (naming the code) otherwise. */
export function departmentByCode(registers: Registers, code: string, field = 'department'): RegisterDepartment {
  for (const d of registers.departments.values()) if (d.code === code) return d;
  throw new AppError('department_unknown', [
    {
      field,
      code: 'unknown_department',
      message_ja: `部署コード「${code}」はこの組織にありません。`,
      message_en: `Department code "${code}" does not exist in this organization.`,
    },
  ]);
}
