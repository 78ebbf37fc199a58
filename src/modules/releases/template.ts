/**
 * The spec file a new release starts from (the console's 新規定義 and `mamori anonymize`'s example): members with
 * their age band, gender and delivery type, and — when the organization maps an ordering system whose `orders`
 * table has an amount and a date (the demo co-op's) — their monthly spend over the last 12 months. The keyed hash
 * replaces the member code; k = 3 and 10 % suppression are a start for small co-ops, to be raised for real data.
 */
import type { StaffActor } from '../../base/actors.ts';
import type { DbOrTx } from '../../db/database.ts';
import type { PolicySystem } from '../policy/document.ts';
import { policyInEffect } from '../policy/in-effect.ts';
import { assertMayManage } from './permissions.ts';

/** The mapped table the template sums purchases from, when the dataset map has the demo ordering system's shape. */
export function purchasesTableOf(systems: readonly PolicySystem[]): { system: string; table: string } | undefined {
  for (const s of systems) {
    if (s.kind === 'sftp_drop') continue;
    const orders = s.tables.find((t) => t.table === 'orders');
    if (orders) return { system: s.code, table: orders.table };
  }
  return undefined;
}

export function releaseTemplate(opts: { code: string; purchases: boolean; system?: string }): string {
  const purchases = opts.purchases
    ? `  purchases:
    system: ${opts.system ?? 'ordering'}
    table: orders
    amount: total_yen
    date: ordered_on
    months: 12
`
    : '';
  const spend = opts.purchases
    ? `  - name: monthly_spend
    label: 月間利用額
    role: insensitive
`
    : '';
  return `# mamori release spec (匿名加工情報の定義)
code: ${opts.code}
name: 組合員の利用状況（取引先向け）
recipients: 一部の取引先
purpose: P02
source:
  kind: members
${purchases}columns:
  - name: member_code
    label: 顧客ID
    role: identifier
    pseudonym: true
  - name: age
    label: 年代
    role: quasi_identifier
    preset: age_bands
    coding:
      top: 90
  - name: gender
    label: 性別
    role: quasi_identifier
    preset: none
  - name: delivery_type
    label: はん個配区分
    role: quasi_identifier
    preset: delivery_type_groups
${spend}k: 3
suppression_limit: 0.1
`;
}

/** The template for the actor's organization: with purchases when its dataset map has an orders table. */
export async function templateFor(db: DbOrTx, opts: { actor: StaffActor }): Promise<{ yaml: string }> {
  assertMayManage(opts.actor);
  const policy = await policyInEffect(db, opts.actor.orgId);
  const table = purchasesTableOf(policy?.document.systems ?? []);
  return { yaml: releaseTemplate({ code: 'new-release', purchases: table !== undefined, ...(table ? { system: table.system } : {}) }) };
}
