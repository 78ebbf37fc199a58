/**
 * Who is signed in and what the console may offer them: the organization, role and permitted purposes
 * (from /auth/me) and the co-op's purpose and item registers (from /purposes) for labels.
 */
import { createContext, useContext } from 'react';
import type { DataItem, Me, Purpose, RoleKind } from './api/types.ts';
import { type I18n, useI18n } from './i18n/i18n.tsx';

export interface Session {
  me: Me;
  /** Every purpose of the organization (with `permitted`), numbered as published. */
  purposes: Purpose[];
  items: DataItem[];
  signOut: () => Promise<void>;
  /** Reads /auth/me again (e.g. after the second factor changed). */
  refresh: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in shell');
  return s;
}

const auditKinds: readonly RoleKind[] = ['privacy_officer', 'auditor'];

/** What the signed-in role may see in the console (the API enforces the same on its side). */
export function capabilities(me: Me) {
  return {
    searchMembers: me.purposes.length > 0,
    audit: auditKinds.includes(me.role.kind),
    alerts: auditKinds.includes(me.role.kind),
    acknowledgeAlerts: me.role.kind === 'privacy_officer',
    users: (['system_admin', 'privacy_officer', 'auditor'] as readonly RoleKind[]).includes(me.role.kind),
    /** 個人情報管理台帳: officers and auditors all of it, a department manager their department's (see ledger/permissions.ts). */
    ledger: auditKinds.includes(me.role.kind) || (me.role.kind === 'department_manager' && me.department !== null),
    editLedger: me.role.kind === 'privacy_officer' || (me.role.kind === 'department_manager' && me.department !== null),
    /**
     * 開示等の請求 and consents (with identity documents and guardian links): roles with the `member_requests`
     * duty handle them, auditors read them; provision records likewise with `provision_records`
     * (/auth/me's `duties`, see src/modules/organizations/duties.ts; the API refuses the same).
     */
    requests: me.duties.member_requests !== null,
    handleRequests: me.duties.member_requests === 'handle',
    provisions: me.duties.provision_records !== null,
    /** Approving, answering, refusing, opening documents and downloading packages: the privacy office only. */
    decideRequests: me.role.kind === 'privacy_officer',
    /** 定期ジョブ: the system administrator handles failed and dead runs, the privacy officer reads (jobs/permissions.ts). */
    jobs: me.role.kind === 'system_admin' || me.role.kind === 'privacy_officer',
    /** 連携システム: officers and administrators manage the register, auditors read the list (systems/permissions.ts). */
    systems: (['system_admin', 'privacy_officer', 'auditor'] as readonly RoleKind[]).includes(me.role.kind),
    /** 仮名加工情報: the privacy office and auditors read every set, a role with purposes the sets of its purposes (pseudonymized/permissions.ts). */
    pseudonymized:
      me.role.kind === 'privacy_officer' || me.role.kind === 'auditor' || (me.role.kind !== 'system_admin' && me.purposes.length > 0),
    /** 委託先・共同利用: the `handovers` duty (handovers/permissions.ts): handle, or read for auditors. */
    handovers: me.duties.handovers !== null,
    handleHandovers: me.duties.handovers === 'handle',
    /** 匿名加工情報: the privacy office defines and delivers, auditors read (releases/permissions.ts). */
    releases: me.role.kind === 'privacy_officer' || me.role.kind === 'auditor',
    /** 提供先サーバー: the privacy officer manages targets, auditors and administrators read (deliveries/permissions.ts). */
    deliveries: (['system_admin', 'privacy_officer', 'auditor'] as readonly RoleKind[]).includes(me.role.kind),
  };
}

/** Labels of purposes and items in the current language. */
export function useLabels() {
  const session = useContext(SessionContext);
  const i18n = useI18n();
  return labelsFor(session, i18n);
}

export function labelsFor(session: Session | null, { pick, t, has }: I18n) {
  const purposes = new Map<string, Purpose>();
  for (const p of session?.purposes ?? []) purposes.set(p.code, p);
  for (const p of session?.me.purposes ?? []) if (!purposes.has(p.code)) purposes.set(p.code, p);
  const items = new Map((session?.items ?? []).map((i) => [i.code, i]));
  return {
    purpose: (code: string | null | undefined) => (code ? purposes.get(code) : undefined),
    /** `④ 商品のお届けまたはサービス提供のため` */
    purposeTitle: (code: string | null | undefined) => {
      if (!code) return '';
      const p = purposes.get(code);
      return p ? `${p.label} ${pick(p.name, p.name_en)}` : code;
    },
    purposeShort: (code: string | null | undefined) => {
      if (!code) return '';
      const p = purposes.get(code);
      return p ? p.label : code;
    },
    item: (code: string) => {
      const i = items.get(code);
      if (i) return pick(i.name, i.name_en);
      const key = `field.${code}`;
      return has(key) ? t(key) : code;
    },
  };
}
