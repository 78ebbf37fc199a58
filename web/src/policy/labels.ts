/** Labels the register tabs share: the choices of items and purposes, and the coded values in Japanese first. */
import type { I18n, MessageKey } from '../i18n/i18n.tsx';
import { circledNumber, type Doc, legalBases, purposeCodeOf, type TabId } from './types.ts';

export interface TabProps {
  doc: Doc;
  change: (patch: Partial<Doc>) => void;
}

export const tabLabel: Record<TabId, MessageKey> = {
  organization: 'policy.tab.organization',
  basic_policy: 'policy.tab.basicPolicy',
  scope: 'policy.tab.scope',
  items: 'policy.tab.items',
  purposes: 'policy.tab.purposes',
  joint_uses: 'policy.tab.jointUses',
  third_parties: 'policy.tab.thirdParties',
  contractors: 'policy.tab.contractors',
  contact: 'policy.tab.contact',
  safety_measures: 'policy.tab.safety',
  anonymized: 'policy.tab.anonymized',
  retention: 'policy.tab.retention',
  systems: 'policy.tab.systems',
  other: 'policy.tab.other',
};

export function itemOptions(doc: Doc, { pick }: I18n) {
  return doc.items.filter((i) => i.code).map((i) => ({ value: i.code, label: pick(i.name || i.code, i.name_en) }));
}

/** `① 組合員台帳の作成・管理のため`, by code. */
export function purposeOptions(doc: Doc, { pick }: I18n) {
  return [...doc.purposes]
    .sort((a, b) => a.number - b.number)
    .map((p) => ({ value: purposeCodeOf(p), label: `${circledNumber(p.number)} ${pick(p.name, p.name_en)}` }));
}

export function legalBasisOptions({ t }: I18n) {
  return legalBases.map((b) => ({ value: b, label: t(`policy.legalBasis.${b}`) }));
}

export const orgKinds = ['coop', 'federation', 'subsidiary'] as const;
export function orgKindOptions({ t }: I18n) {
  return orgKinds.map((k) => ({ value: k, label: t(`policy.orgKind.${k}`) }));
}

export const holderKinds = ['coop', 'federation', 'subsidiary', 'other'] as const;
export function holderKindOptions({ t }: I18n) {
  return holderKinds.map((k) => ({ value: k, label: t(`policy.orgKind.${k}`) }));
}

/** The groups of data subjects, by code. */
export function subjectOptions(doc: Doc, { pick }: I18n) {
  return doc.data_subjects.filter((g) => g.code).map((g) => ({ value: g.code, label: pick(g.name || g.code, g.name_en) }));
}

/** Removes keys whose value is undefined, and gives undefined for an object with nothing stated. */
export function pruned<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length ? (Object.fromEntries(entries) as T) : undefined;
}
