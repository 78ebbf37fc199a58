/**
 * The processing standards of pseudonymized data (Art. 41(1), Rule 31), enforced by the engine and not left to the
 * care of whoever writes a definition: a definition is checked when it is saved and again each time the set is
 * produced (the registers may have changed in between).
 *
 * 1. Identifying descriptions (氏名, フリガナ, 電話番号, メールアドレス) are removed or replaced by a keyed pseudonym;
 *    the member code (which links back to the ledger) likewise; an address is cut to its municipality or
 *    prefecture and a postal code to its first three digits, or removed.
 * 2. 個人識別符号: the member ledger holds none, and My Number is never a field (the API's guard, the ledger's
 *    rules); a field not in the ledger cannot be named at all.
 * 3. Items whose misuse may cause financial damage — the registered bank account, and every item the policy in
 *    effect marks `financial: true` — are removed; a definition that keeps one is refused naming the column.
 * Free text (備考) is always removed: it may hold anything. Fields a definition does not name are not written.
 * Beyond the law, minimum necessary: every column the set writes must be an item of each of its purposes.
 */
import { AppError, type ErrorCode } from '../../base/errors.ts';
import type { FieldIssue } from '../../contract/errors.ts';
import type { MemberField } from '../../contract/member-fields.ts';
import { circledNumber } from '../../contract/policy-vocabulary.ts';
import { fieldTreatments, type Treatment, treatmentLabels } from '../../contract/pseudonymized-vocabulary.ts';
import type { DbOrTx } from '../../db/database.ts';
import { memberFieldLabels } from '../members/fields.ts';
import { policyInEffect } from '../policy/in-effect.ts';

export interface SetColumn {
  field: MemberField;
  treatment: Treatment;
}

/** The fields that are financial for this organization: the bank account, and the items its policy marks so. */
export async function financialFields(db: DbOrTx, orgId: string): Promise<Set<MemberField>> {
  const fields = new Set<MemberField>(
    (Object.keys(fieldTreatments) as MemberField[]).filter((f) => fieldTreatments[f].class === 'financial'),
  );
  const policy = await policyInEffect(db, orgId);
  for (const item of policy?.document.items ?? []) {
    if (item.financial && Object.hasOwn(fieldTreatments, item.code)) fields.add(item.code as MemberField);
  }
  return fields;
}

/** The organization's purposes in force that concern members, with their items. */
async function purposesWithItems(db: DbOrTx, orgId: string, codes: readonly string[]) {
  const rows = await db
    .selectFrom('purposes')
    .leftJoin('purpose_items', 'purpose_items.purpose_id', 'purposes.id')
    .leftJoin('data_items', 'data_items.id', 'purpose_items.item_id')
    .select(['purposes.code', 'purposes.number', 'purposes.for_members', 'data_items.code as item'])
    .where('purposes.org_id', '=', orgId)
    .where('purposes.status', '=', 'active')
    .where('purposes.code', 'in', codes.length ? [...codes] : [''])
    .execute();
  const out = new Map<string, { label: string; items: Set<string> }>();
  for (const r of rows) {
    if (Number(r.for_members) !== 1) continue;
    const p = out.get(r.code) ?? { label: `${circledNumber(Number(r.number))}（${r.code}）`, items: new Set<string>() };
    if (r.item) p.items.add(r.item);
    out.set(r.code, p);
  }
  return out;
}

const label = (field: MemberField) => memberFieldLabels[field];
const issue = (field: string, code: string, ja: string, en: string): FieldIssue => ({ field, code, message_ja: ja, message_en: en });

/** Whether the column is written to the file (removed columns are kept in the definition only as a record). */
export const isWritten = (c: SetColumn) => c.treatment !== 'remove';

/**
 * Checks a definition against the standards and the registers; throws the gravest refusal with every issue found
 * (each naming its column or purpose), or returns nothing when the definition may be saved or produced.
 */
export async function checkDefinition(
  db: DbOrTx,
  opts: { orgId: string; purposes: readonly string[]; columns: readonly SetColumn[] },
): Promise<void> {
  const issues: { code: ErrorCode; issue: FieldIssue }[] = [];
  const add = (code: ErrorCode, i: FieldIssue) => issues.push({ code, issue: i });
  const financial = await financialFields(db, opts.orgId);
  const seen = new Set<MemberField>();
  opts.columns.forEach((c, i) => {
    const at = `columns[${i}].treatment`;
    const { ja, en } = label(c.field);
    const t = treatmentLabels[c.treatment];
    if (seen.has(c.field)) {
      add(
        'pseudonymized_treatment_invalid',
        issue(`columns[${i}].field`, 'duplicate', `列「${ja}」が二度指定されています。`, `Column “${en}” is given twice.`),
      );
      return;
    }
    seen.add(c.field);
    if (financial.has(c.field) && c.treatment !== 'remove') {
      add(
        'pseudonymized_financial_item',
        issue(
          at,
          'financial',
          `列「${ja}」は財産的被害のおそれのある項目のため、「${t.ja}」にはできません。削除してください。`,
          `Column “${en}” may cause financial damage if misused: it cannot be “${t.en}”; remove it.`,
        ),
      );
      return;
    }
    const rule = fieldTreatments[c.field];
    if (rule.allowed.includes(c.treatment)) return;
    const allowed = rule.allowed.map((a) => treatmentLabels[a]);
    const identifying = rule.class === 'identifying' || rule.class === 'identifier' || rule.class === 'location';
    add(
      identifying ? 'pseudonymized_identifying_kept' : 'pseudonymized_treatment_invalid',
      issue(
        at,
        identifying ? 'identifying' : 'not_allowed',
        `列「${ja}」は「${t.ja}」にできません（選べるもの: ${allowed.map((a) => a.ja).join('、')}）。`,
        `Column “${en}” cannot be “${t.en}” (allowed: ${allowed.map((a) => a.en).join(', ')}).`,
      ),
    );
  });

  const purposes = await purposesWithItems(db, opts.orgId, opts.purposes);
  opts.purposes.forEach((code, i) => {
    const purpose = purposes.get(code);
    if (!purpose) {
      add(
        'pseudonymized_purpose_invalid',
        issue(
          `purposes[${i}]`,
          'unknown',
          `利用目的「${code}」は、組合員に関する有効な利用目的にありません。`,
          `Purpose “${code}” is not a purpose in force that concerns members.`,
        ),
      );
      return;
    }
    opts.columns.forEach((c, k) => {
      if (!isWritten(c) || purpose.items.has(c.field)) return;
      const { ja, en } = label(c.field);
      add(
        'pseudonymized_item_not_in_purpose',
        issue(
          `columns[${k}].field`,
          'not_in_purpose',
          `列「${ja}」は利用目的 ${purpose.label} の項目ではありません。`,
          `Column “${en}” is not an item of purpose ${purpose.label}.`,
        ),
      );
    });
  });

  if (!issues.length) return;
  const gravity: ErrorCode[] = [
    'pseudonymized_financial_item',
    'pseudonymized_identifying_kept',
    'pseudonymized_treatment_invalid',
    'pseudonymized_purpose_invalid',
    'pseudonymized_item_not_in_purpose',
  ];
  const code = gravity.find((g) => issues.some((i) => i.code === g))!;
  throw new AppError(
    code,
    issues.map((i) => i.issue),
  );
}
