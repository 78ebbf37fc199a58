/**
 * What changed between two versions of a policy, and what each change requires before it may take effect.
 * Filled in by `compareDocuments`; stored with each published version and shown in the console and on the
 * public version history.
 */

import { circledNumber, purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import type { PolicyDocument } from './document.ts';

/**
 * - `prior`: members must be notified (or it made easily available) before the change takes effect
 *   (a new purpose, a joint use's purposes, items, users or responsible party, a new joint use);
 * - `after`: notify without delay after the change (the responsible party's address or representative);
 * - `consent`: the change needs each person's consent before data is used this way (a new third-party
 *   recipient);
 * - `none`: wording or internal registers only.
 */
export type NoticeRequirement = 'prior' | 'after' | 'consent' | 'none';

export interface PolicyChange {
  /** The section of the document (`purposes`, `joint_uses`, `contact`, …). */
  section: string;
  /** The register entry's code, when the change is to one entry. */
  key?: string;
  kind: 'added' | 'removed' | 'changed';
  /** The fields that changed, for `changed`. */
  fields?: string[];
  notice: NoticeRequirement;
  summary_ja: string;
  summary_en: string;
}

type Keyed = { [key: string]: unknown };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const changedFields = (a: Keyed, b: Keyed) => [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !same(a[k], b[k])).sort();

/**
 * The changes from `before` to `after`, each with what it requires before taking effect. The first version
 * of a policy (no `before`) is one change: the policy is published.
 */
export function compareDocuments(before: PolicyDocument | undefined, after: PolicyDocument): PolicyChange[] {
  if (!before) {
    return [{ section: 'policy', kind: 'added', notice: 'none', summary_ja: '初版を公表', summary_en: 'First version published' }];
  }
  const changes: PolicyChange[] = [];

  const orgFields = changedFields(before.organization, after.organization);
  if (orgFields.length) {
    changes.push({
      section: 'organization',
      kind: 'changed',
      fields: orgFields,
      notice: 'after',
      summary_ja: `組織の情報（${orgFields.join('、')}）を変更`,
      summary_en: `Organization details changed (${orgFields.join(', ')})`,
    });
  }

  changes.push(
    ...keyed('purposes', before.purposes, after.purposes, purposeCodeOf, {
      added: (p) => ({
        notice: 'prior',
        summary_ja: `利用目的${circledNumber(p.number)}を追加: ${p.name}`,
        summary_en: `Purpose ${p.number} added: ${p.name_en ?? p.name}`,
      }),
      removed: (p) => ({
        notice: 'none',
        summary_ja: `利用目的${circledNumber(p.number)}を削除: ${p.name}`,
        summary_en: `Purpose ${p.number} removed: ${p.name_en ?? p.name}`,
      }),
      changed: (p, fields) =>
        fields.includes('subjects') && !fields.includes('name')
          ? {
              // Whose data a purpose concerns is what the purpose is: a new group of people is a new use.
              notice: 'prior',
              summary_ja: `利用目的${circledNumber(p.number)}の対象となる本人の区分を変更: ${p.name}`,
              summary_en: `Purpose ${p.number}: the groups of people it concerns changed`,
            }
          : fields.includes('name')
            ? {
                notice: 'prior',
                summary_ja: `利用目的${circledNumber(p.number)}の内容を変更: ${p.name}`,
                summary_en: `Purpose ${p.number} reworded: ${p.name_en ?? p.name}`,
              }
            : {
                notice: 'none',
                summary_ja: `利用目的${circledNumber(p.number)}の${fields.includes('items') ? '利用項目' : '番号・英語名'}を変更`,
                summary_en: `Purpose ${p.number}: ${fields.join(', ')} changed`,
              },
    }),
  );

  changes.push(
    ...keyed('joint_uses', before.joint_uses, after.joint_uses, (j) => j.code, {
      added: (j) => ({
        notice: 'prior',
        summary_ja: `共同利用「${j.name}」を開始${j.starts_on ? `（${j.starts_on}から）` : ''}`,
        summary_en: `Joint use “${j.name_en ?? j.name}” added${j.starts_on ? ` (from ${j.starts_on})` : ''}`,
      }),
      removed: (j) => ({
        notice: 'none',
        summary_ja: `共同利用「${j.name}」を終了`,
        summary_en: `Joint use “${j.name_en ?? j.name}” ended`,
      }),
      changed: (j, fields, old) => {
        const prior: string[] = [];
        const after: string[] = [];
        if (fields.includes('purposes') || fields.includes('purposes_all')) prior.push('利用目的');
        if (fields.includes('items') || fields.includes('items_all') || fields.includes('purpose_items')) prior.push('共同利用する項目');
        if (fields.includes('users')) prior.push('共同利用者の範囲');
        if (fields.includes('responsible')) {
          if (!same(old.responsible?.name, j.responsible?.name)) prior.push('管理責任者');
          if (
            !same(old.responsible?.address, j.responsible?.address) ||
            !same(old.responsible?.representative, j.responsible?.representative)
          ) {
            after.push('管理責任者の住所・代表者');
          }
        }
        const all = [...prior, ...after];
        return {
          notice: prior.length ? 'prior' : after.length ? 'after' : 'none',
          summary_ja: `共同利用「${j.name}」の${all.length ? all.join('・') : fields.join('、')}を変更`,
          summary_en: `Joint use “${j.name_en ?? j.name}”: ${fields.join(', ')} changed`,
        };
      },
    }),
  );

  changes.push(
    ...keyed('third_parties', before.third_parties, after.third_parties, (t) => t.code, {
      added: (t) => ({
        notice: t.legal_basis === 'consent' || !t.legal_basis ? 'consent' : 'none',
        summary_ja: `第三者提供先「${t.name}」を追加`,
        summary_en: `Third-party recipient “${t.name_en ?? t.name}” added`,
      }),
      removed: (t) => ({
        notice: 'none',
        summary_ja: `第三者提供先「${t.name}」を削除`,
        summary_en: `Recipient “${t.name_en ?? t.name}” removed`,
      }),
      changed: (t, fields) => ({
        notice: fields.includes('items') && (t.legal_basis === 'consent' || !t.legal_basis) ? 'consent' : 'none',
        summary_ja: `第三者提供先「${t.name}」の${fields.join('、')}を変更`,
        summary_en: `Recipient “${t.name_en ?? t.name}”: ${fields.join(', ')} changed`,
      }),
    }),
  );

  changes.push(
    ...keyed('anonymized', before.anonymized, after.anonymized, (a) => a.code, {
      added: (a) => ({
        notice: 'prior',
        summary_ja: `匿名加工情報「${a.name}」を追加`,
        summary_en: `Anonymized release “${a.name}” added`,
      }),
      removed: (a) => ({
        notice: 'none',
        summary_ja: `匿名加工情報「${a.name}」を削除`,
        summary_en: `Anonymized release “${a.name}” removed`,
      }),
      changed: (a, fields) => ({
        notice: fields.includes('items') || fields.includes('method_of_provision') ? 'prior' : 'none',
        summary_ja: `匿名加工情報「${a.name}」の${fields.join('、')}を変更`,
        summary_en: `Anonymized release “${a.name}”: ${fields.join(', ')} changed`,
      }),
    }),
  );

  const simpleLists = [
    ['items', '情報項目', 'Items', (i: { code: string }) => i.code],
    ['scope', '商品・サービスの範囲', 'Scope of products and services', (i: { code: string }) => i.code],
    ['contractors', '委託先', 'Contractors', (i: { code: string }) => i.code],
    ['systems', '連携システム', 'Connected system', (i: { code: string }) => i.code],
  ] as const;
  for (const [section, ja, en, key] of simpleLists) {
    changes.push(
      ...keyed(section, before[section] as { code: string; name: string }[], after[section] as { code: string; name: string }[], key, {
        added: (x) => ({ notice: 'none', summary_ja: `${ja}「${x.name}」を追加`, summary_en: `${en}: “${x.name}” added` }),
        removed: (x) => ({ notice: 'none', summary_ja: `${ja}「${x.name}」を削除`, summary_en: `${en}: “${x.name}” removed` }),
        changed: (x, fields) => ({
          notice: 'none',
          summary_ja: `${ja}「${x.name}」の${fields.join('、')}を変更`,
          summary_en: `${en}: “${x.name}” ${fields.join(', ')} changed`,
        }),
      }),
    );
  }

  // Another holder of the data is someone new holding it: members are told before it takes effect.
  changes.push(
    ...keyed('holders', before.holders, after.holders, (h) => h.name, {
      added: (h) => ({ notice: 'prior', summary_ja: `保有者「${h.name}」を追加`, summary_en: `Holder “${h.name_en ?? h.name}” added` }),
      removed: (h) => ({ notice: 'none', summary_ja: `保有者「${h.name}」を削除`, summary_en: `Holder “${h.name_en ?? h.name}” removed` }),
      changed: (h, fields) => ({
        notice: 'after',
        summary_ja: `保有者「${h.name}」の${fields.join('、')}を変更`,
        summary_en: `Holder “${h.name_en ?? h.name}”: ${fields.join(', ')} changed`,
      }),
    }),
  );

  const sections = [
    ['data_subjects', '本人の区分', 'Groups of data subjects'],
    ['third_party_exceptions', '同意なく第三者に提供する場合', 'Cases of provision without consent'],
    ['basic_policy', '基本方針', 'Basic policy'],
    ['contact', 'お問い合わせ窓口', 'Contact window'],
    ['requests', '開示等の請求の手続', 'Request procedures'],
    ['safety_measures', '安全管理措置', 'Safety management measures'],
    ['retention', '保存期間', 'Retention'],
    ['sections', 'その他の記載', 'Other sections'],
    ['child_consent_age', '保護者の同意が必要な年齢', 'Age needing a guardian’s consent'],
    ['no_joint_use', '共同利用を行っていない旨の記載', 'Statement that there is no joint use'],
    ['no_outsourcing', '委託していない旨の記載', 'Statement that nothing is entrusted to contractors'],
  ] as const;
  for (const [section, ja, en] of sections) {
    if (!same(before[section], after[section])) {
      changes.push({ section, kind: 'changed', notice: 'none', summary_ja: `${ja}を変更`, summary_en: `${en} changed` });
    }
  }
  return changes;
}

type Outcome = Pick<PolicyChange, 'notice' | 'summary_ja' | 'summary_en'>;

function keyed<T extends object>(
  section: string,
  before: readonly T[],
  after: readonly T[],
  key: (t: T) => string,
  describe: { added: (t: T) => Outcome; removed: (t: T) => Outcome; changed: (t: T, fields: string[], old: T) => Outcome },
): PolicyChange[] {
  const old = new Map(before.map((t) => [key(t), t]));
  const now = new Map(after.map((t) => [key(t), t]));
  const out: PolicyChange[] = [];
  for (const [k, t] of now) {
    const prev = old.get(k);
    if (!prev) out.push({ section, key: k, kind: 'added', ...describe.added(t) });
    else {
      const fields = changedFields(prev as Keyed, t as Keyed);
      if (fields.length) out.push({ section, key: k, kind: 'changed', fields, ...describe.changed(t, fields, prev) });
    }
  }
  for (const [k, t] of old) if (!now.has(k)) out.push({ section, key: k, kind: 'removed', ...describe.removed(t) });
  return out;
}

/** Registers kept for the office's own work, never published: their changes are left out of public notices. */
const internalSections: ReadonlySet<string> = new Set(['systems']);

/** The changes the public may read (the notices' version history and comparison). */
export const publicChanges = (changes: readonly PolicyChange[]) => changes.filter((c) => !internalSections.has(c.section));

/** The changes that must be notified to members before the version takes effect. */
export const priorNoticeChanges = (changes: readonly PolicyChange[]) => changes.filter((c) => c.notice === 'prior');
