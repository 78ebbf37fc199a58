/**
 * The demo co-op a fresh `npm start` runs with: a co-op configured with the purposes of the Miyagi seed, a
 * federation that jointly uses some of its members' data (共同利用), an unrelated co-op (to show that its
 * members are out of reach), departments, roles, staff users and synthetic members.
 */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../base/context.ts';
import { purposeCodeOf } from '../../contract/policy-vocabulary.ts';
import type { Duty, RoleKind } from '../../contract/roles.ts';
import type { Tx } from '../../db/database.ts';
import type { MemberTable } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { appendAuditBatch } from '../audit/append.ts';
import type { Actor, AuditEvent } from '../audit/events.ts';
import { hashPassword } from '../auth/passwords.ts';
import { newTotpSecret } from '../auth/totp.ts';
import { seedDemoLedger } from '../ledger/demo.ts';
import { normalizeMemberInput, toRow } from '../members/fields.ts';
import { createDepartment, createOrganization, createRole } from '../organizations/service.ts';
import { publishDemoPolicy } from './demo-policy.ts';
import { seedDemoPortal } from './demo-portal.ts';
import { seedDemoDeliveryTarget } from './demo-release.ts';
import { createDemoSystems, registerDemoSystems } from './demo-systems.ts';
import { syntheticMember } from './synthetic.ts';

export const DEMO_ORG = 'demo-coop';
export const DEMO_JOINT_ORG = 'demo-kyosai';
export const DEMO_OTHER_ORG = 'demo-other-coop';
export const DEMO_PASSWORD = 'mamori-demo-2026';

const P = (...numbers: number[]) => numbers.map((number) => purposeCodeOf({ number }));

/** Duties (base/duties.ts): member services and the department manager handle requests, consents and
 * provision records; delivery, kyosai, welfare staff and analysts only use their purposes' items. */
const allDuties: Duty[] = ['member_requests', 'provision_records'];

const roles: { code: string; name: string; name_en: string; kind: RoleKind; purposes: string[]; duties?: Duty[] }[] = [
  {
    code: 'privacy_officer',
    name: '個人情報保護管理責任者',
    name_en: 'Privacy officer',
    kind: 'privacy_officer',
    purposes: P(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16),
  },
  {
    code: 'department_manager',
    name: '部門管理者',
    name_en: 'Department manager',
    kind: 'department_manager',
    purposes: P(2, 3, 4, 6, 13),
    duties: allDuties,
  },
  { code: 'delivery_staff', name: '宅配担当職員', name_en: 'Delivery staff', kind: 'staff', purposes: P(3, 4, 13) },
  {
    code: 'member_service',
    name: '組合員サービス担当',
    name_en: 'Member services',
    kind: 'staff',
    purposes: P(1, 2, 6, 7, 9, 10, 11),
    duties: allDuties,
  },
  { code: 'kyosai_staff', name: '共済担当職員', name_en: 'Mutual-aid (kyosai) staff', kind: 'staff', purposes: P(14, 15) },
  { code: 'welfare_staff', name: '福祉担当職員', name_en: 'Welfare staff', kind: 'staff', purposes: P(8) },
  { code: 'analyst', name: '商品分析担当', name_en: 'Product analyst', kind: 'staff', purposes: P(16) },
  { code: 'auditor', name: '内部監査員', name_en: 'Internal auditor', kind: 'auditor', purposes: [] },
  { code: 'system_admin', name: 'システム管理者', name_en: 'System administrator', kind: 'system_admin', purposes: [] },
];

const departments = [
  { code: 'governance', name: '機関運営部', name_en: 'Governance (privacy contact window)' },
  { code: 'delivery', name: '宅配事業部', name_en: 'Home delivery' },
  { code: 'stores', name: '店舗事業部', name_en: 'Stores' },
  { code: 'kyosai', name: '共済事業部', name_en: 'Mutual aid (kyosai)' },
  { code: 'welfare', name: '福祉事業部', name_en: 'Welfare' },
  { code: 'it', name: '情報システム部', name_en: 'Information systems' },
  { code: 'audit', name: '内部監査室', name_en: 'Internal audit' },
];

export interface DemoUser {
  login: string;
  displayName: string;
  role: string;
  department: string;
  org: string;
  totpSecret?: string;
}

export const demoUsers: DemoUser[] = [
  { login: 'officer', displayName: '保護 管理子', role: 'privacy_officer', department: 'governance', org: DEMO_ORG },
  { login: 'manager', displayName: '宅配 部長', role: 'department_manager', department: 'delivery', org: DEMO_ORG },
  { login: 'staff', displayName: '配達 一郎', role: 'delivery_staff', department: 'delivery', org: DEMO_ORG },
  { login: 'service', displayName: '窓口 花子', role: 'member_service', department: 'governance', org: DEMO_ORG },
  { login: 'analyst', displayName: '分析 次郎', role: 'analyst', department: 'stores', org: DEMO_ORG },
  { login: 'auditor', displayName: '監査 三郎', role: 'auditor', department: 'audit', org: DEMO_ORG },
  { login: 'admin', displayName: 'システム 管理者', role: 'system_admin', department: 'it', org: DEMO_ORG },
  { login: 'kyosai', displayName: '共済連 職員', role: 'kyosai_staff', department: 'kyosai', org: DEMO_JOINT_ORG },
  { login: 'other', displayName: '別生協 職員', role: 'member_service', department: 'governance', org: DEMO_OTHER_ORG },
];

export interface DemoSeedResult {
  users: DemoUser[];
  password: string;
  members: number;
}

const system: Actor = { type: 'system', id: null, orgId: null, label: 'demo-seed' };

/**
 * Seeds the demo organizations and users in one transaction, then `memberCount` members in batches. With
 * `systemsDir`, the demo co-op also gets its connected systems (an ordering and a 共済 system: SQLite databases
 * made there, mapped in its policy and registered; demo-systems.ts).
 */
export async function seedDemo(ctx: AppContext, memberCount: number, opts: { systemsDir?: string } = {}): Promise<DemoSeedResult> {
  const now = ctx.clock();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const users = demoUsers.map((u) =>
    u.role === 'privacy_officer' || u.role === 'system_admin' ? { ...u, totpSecret: newTotpSecret() } : { ...u },
  );
  const orgIds = await ctx.db.transaction().execute(async (tx) => {
    const orgs = new Map<string, string>();
    orgs.set(
      DEMO_ORG,
      await createOrganization(
        tx,
        system,
        { code: DEMO_ORG, name: 'デモ生活協同組合', name_en: 'Demo Consumer Co-operative', kind: 'coop', settings: { demo: true } },
        now,
      ),
    );
    orgs.set(
      DEMO_JOINT_ORG,
      await createOrganization(
        tx,
        system,
        {
          code: DEMO_JOINT_ORG,
          name: 'デモ共済生活協同組合連合会',
          name_en: 'Demo Kyosai Federation (joint user)',
          kind: 'federation',
          settings: { demo: true },
        },
        now,
      ),
    );
    orgs.set(
      DEMO_OTHER_ORG,
      await createOrganization(
        tx,
        system,
        { code: DEMO_OTHER_ORG, name: '別のデモ生活協同組合', name_en: 'Another Demo Co-op', kind: 'coop', settings: { demo: true } },
        now,
      ),
    );
    for (const [code, orgId] of [...orgs]) {
      // Every demo organization starts from the Miyagi seed's published policy (version 1, in effect today).
      await publishDemoPolicy(tx, orgId, code, now, { systems: code === DEMO_ORG && opts.systemsDir !== undefined });
      const purposeRows = await tx.selectFrom('purposes').select(['id', 'code']).where('org_id', '=', orgId).execute();
      const purposeIds = new Map(purposeRows.map((p) => [p.code, p.id]));
      const deptIds = new Map<string, string>();
      for (const d of departments) deptIds.set(d.code, await createDepartment(tx, system, { orgId, ...d }, now));
      const roleIds = new Map<string, string>();
      for (const r of roles) {
        const ids = r.purposes.map((c) => purposeIds.get(c)!);
        roleIds.set(
          r.code,
          await createRole(
            tx,
            system,
            {
              orgId,
              code: r.code,
              name: r.name,
              name_en: r.name_en,
              kind: r.kind,
              purposeIds: ids,
              ...(r.duties ? { duties: r.duties } : {}),
            },
            now,
          ),
        );
      }
      for (const u of users.filter((x) => x.org === code)) {
        await tx
          .insertInto('users')
          .values({
            id: randomUUID(),
            org_id: orgId,
            department_id: deptIds.get(u.department) ?? null,
            role_id: roleIds.get(u.role)!,
            login: u.login,
            display_name: u.displayName,
            email: `${u.login}@example.jp`,
            password_hash: passwordHash,
            totp_secret_enc: u.totpSecret ? ctx.keys.encrypt(u.totpSecret) : null,
            totp_enabled: u.totpSecret ? 1 : 0,
            failed_attempts: 0,
            locked_until: null,
            status: 'active',
            created_at: iso(now),
            updated_at: iso(now),
          })
          .execute();
      }
      if (code === DEMO_JOINT_ORG) {
        // The federation's kyosai staff may use the co-op's kyosai purposes (⑭⑮) under its joint uses.
        const owner = await tx
          .selectFrom('purposes')
          .select('id')
          .where('org_id', '=', orgs.get(DEMO_ORG)!)
          .where('code', 'in', P(14, 15))
          .execute();
        await tx
          .insertInto('role_purposes')
          .values(owner.map((p) => ({ role_id: roleIds.get('kyosai_staff')!, purpose_id: p.id })))
          .execute();
      }
    }
    await seedDemoLedger(tx, orgs.get(DEMO_ORG)!, now);
    if (opts.systemsDir) await registerDemoSystems(tx, ctx.keys, orgs.get(DEMO_ORG)!, opts.systemsDir, now);
    return orgs;
  });
  await ctx.events.publish(ctx.db, 'policy.changed', {});
  await insertSyntheticMembers(ctx, orgIds.get(DEMO_ORG)!, 1, memberCount);
  await insertSyntheticMembers(ctx, orgIds.get(DEMO_OTHER_ORG)!, 5_000_001, Math.min(200, memberCount));
  await seedDemoPortal(ctx, orgIds.get(DEMO_ORG)!);
  if (opts.systemsDir) createDemoSystems(opts.systemsDir, memberCount);
  if (opts.systemsDir) await seedDemoDeliveryTarget(ctx, opts.systemsDir);
  return { users, password: DEMO_PASSWORD, members: memberCount };
}

/** Inserts synthetic members `first` … `first+count-1` with one audit entry each, in batches. */
export async function insertSyntheticMembers(ctx: AppContext, orgId: string, first: number, count: number): Promise<void> {
  const batch = 1000;
  for (let start = first; start < first + count; start += batch) {
    const end = Math.min(start + batch, first + count);
    await ctx.db.transaction().execute(async (tx: Tx) => {
      const now = ctx.clock();
      const rows: MemberTable[] = [];
      for (let i = start; i < end; i++) {
        const { values } = normalizeMemberInput(syntheticMember(i) as never, 'create');
        rows.push({
          id: randomUUID(),
          org_id: orgId,
          ...toRow(ctx, values),
          version: 1,
          created_at: iso(now),
          updated_at: iso(now),
        } as MemberTable);
      }
      for (let i = 0; i < rows.length; i += 200)
        await tx
          .insertInto('members')
          .values(rows.slice(i, i + 200))
          .execute();
      const events: AuditEvent[] = rows.map((r) => ({
        action: 'member.create',
        outcome: 'ok',
        orgId,
        memberId: r.id,
        detail: { fields: ['*'], via: 'demo-seed' },
      }));
      await appendAuditBatch(tx, system, events, ctx.clock);
    });
  }
}
