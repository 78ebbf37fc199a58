/**
 * Setting up a new organization from the console, without files: the organization, its five standard roles,
 * a privacy contact department, its first privacy officer (who enrols a second factor at first sign-in) and a
 * draft policy, blank or started from a preset. Role grants (which role may use which purpose) are the
 * officer's to set once the policy names its purposes.
 */
import type { AppContext } from '../../base/context.ts';
import { grantableKinds, parseDuties, storeDuties } from '../../base/duties.ts';
import { AppError } from '../../base/errors.ts';
import type { Duty, RoleKind } from '../../contract/roles.ts';
import type { Tx } from '../../db/database.ts';
import type { OrganizationKind } from '../../db/schema.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { PolicyDocument } from '../policy/document.ts';
import { adoptPreset } from '../policy/presets.ts';
import { blankPolicy, getDraft, saveDraft } from '../policy/versions.ts';
import { checkNewUser, createDepartment, createOrganization, createRole, insertUser } from './service.ts';

export const standardRoles: { code: string; name: string; name_en: string; kind: RoleKind }[] = [
  { code: 'privacy_officer', name: '個人情報保護管理責任者', name_en: 'Privacy officer', kind: 'privacy_officer' },
  { code: 'department_manager', name: '部門管理者', name_en: 'Department manager', kind: 'department_manager' },
  { code: 'staff', name: '職員', name_en: 'Staff', kind: 'staff' },
  { code: 'auditor', name: '内部監査員', name_en: 'Internal auditor', kind: 'auditor' },
  { code: 'system_admin', name: 'システム管理者', name_en: 'System administrator', kind: 'system_admin' },
];

export interface SetUpOrganizationInput {
  code: string;
  name: string;
  name_en: string;
  kind: OrganizationKind;
  /** A preset id to start the draft policy from; blank when omitted. */
  preset?: string | undefined;
  officer: { login: string; display_name: string; password: string; email?: string | null | undefined };
}

/** Creates the organization and everything its officer needs to configure it; returns its id. */
export async function setUpOrganization(ctx: AppContext, actor: Actor, input: SetUpOrganizationInput): Promise<string> {
  checkNewUser(input.officer);
  const passwordHash = await hashPassword(input.officer.password);
  const now = ctx.clock();
  return ctx.db.transaction().execute(async (tx: Tx) => {
    const orgId = await createOrganization(
      tx,
      actor,
      { code: input.code, name: input.name, name_en: input.name_en, kind: input.kind },
      now,
    );
    for (const r of standardRoles) await createRole(tx, actor, { orgId, ...r }, now);
    await createDepartment(tx, actor, { orgId, code: 'privacy-office', name: '個人情報相談窓口', name_en: 'Privacy office' }, now);
    await insertUser(
      tx,
      actor,
      {
        orgCode: input.code,
        login: input.officer.login,
        displayName: input.officer.display_name,
        password: input.officer.password,
        role: 'privacy_officer',
        department: 'privacy-office',
        email: input.officer.email ?? null,
      },
      passwordHash,
      now,
    );
    const draft = await getDraft(tx, orgId, now);
    const identity = { code: input.code, name: input.name, name_en: input.name_en, kind: input.kind };
    const document: PolicyDocument = input.preset ? adoptPreset(input.preset, identity) : blankPolicy(identity);
    await saveDraft(tx, { orgId, actor, revision: draft.revision, document, now, via: input.preset ? 'preset' : 'editor' });
    return orgId;
  });
}

/**
 * Sets which purposes a role may use. Codes are the organization's own (`P04`) or, for a joint user, the
 * owner's purposes under a joint use naming this organization (`demo-coop:P14`).
 */
export async function setRolePurposes(ctx: AppContext, actor: Actor & { orgId: string }, roleCode: string, codes: string[]): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    const role = await tx
      .selectFrom('roles')
      .select(['id', 'code'])
      .where('org_id', '=', actor.orgId)
      .where('code', '=', roleCode)
      .executeTakeFirst();
    if (!role) throw new AppError('role_unknown');
    const offered = await grantablePurposes(tx, actor.orgId);
    const ids: string[] = [];
    const unknown: string[] = [];
    for (const code of new Set(codes)) {
      const p = offered.find((o) => o.key === code);
      if (p) ids.push(p.id);
      else unknown.push(code);
    }
    if (unknown.length) {
      throw new AppError(
        'validation_failed',
        unknown.map((c) => ({
          field: 'purposes',
          code: 'purpose_unknown',
          message_ja: `利用目的「${c}」はこの組織で使えません。`,
          message_en: `Purpose “${c}” is not available to this organization.`,
        })),
      );
    }
    await tx.deleteFrom('role_purposes').where('role_id', '=', role.id).execute();
    if (ids.length)
      await tx
        .insertInto('role_purposes')
        .values(ids.map((purpose_id) => ({ role_id: role.id, purpose_id })))
        .execute();
    await appendAudit(
      tx,
      actor,
      { action: 'role.grants', outcome: 'ok', orgId: actor.orgId, detail: { role: role.code, purposes: [...new Set(codes)].sort() } },
      () => now,
    );
  });
  await ctx.events.publish(ctx.db, 'policy.changed', {});
}

/**
 * Sets the duties of a staff or department-manager role (the other kinds' duties follow from the kind, see
 * duties.ts). Sessions cached with the role are dropped in every instance, so the change holds at the next request.
 */
export async function setRoleDuties(ctx: AppContext, actor: Actor & { orgId: string }, roleCode: string, granted: Duty[]): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    const role = await tx
      .selectFrom('roles')
      .select(['id', 'code', 'kind', 'duties'])
      .where('org_id', '=', actor.orgId)
      .where('code', '=', roleCode)
      .executeTakeFirst();
    if (!role) throw new AppError('role_unknown');
    if (!grantableKinds.includes(role.kind)) {
      throw new AppError('validation_failed', [
        {
          field: 'duties',
          code: 'duties_fixed_by_kind',
          message_ja: 'この役割の業務は役割の種類で決まっており、変更できません。',
          message_en: 'The duties of this role follow from its kind and cannot be changed.',
        },
      ]);
    }
    const stored = storeDuties(granted);
    await tx.updateTable('roles').set({ duties: stored }).where('id', '=', role.id).execute();
    // The sessions cached with this role carry its duties: every instance drops them (at commit).
    await ctx.events.publish(tx, 'role.changed', { roleId: role.id });
    await appendAudit(
      tx,
      actor,
      {
        action: 'role.duties',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: { role: role.code, duties: JSON.parse(stored) as string[], before: parseDuties(role.duties) },
      },
      () => now,
    );
  });
}

/** The purposes a role of `orgId` may be granted: its own active purposes and those of joint uses naming it. */
export async function grantablePurposes(db: Tx | AppContext['db'], orgId: string) {
  const own = await db
    .selectFrom('purposes')
    .select(['id', 'code', 'number', 'name'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .orderBy('number')
    .execute();
  const joint = await db
    .selectFrom('joint_use_members')
    .innerJoin('joint_use_groups', 'joint_use_groups.id', 'joint_use_members.group_id')
    .innerJoin('joint_use_purposes', 'joint_use_purposes.group_id', 'joint_use_groups.id')
    .innerJoin('purposes', 'purposes.id', 'joint_use_purposes.purpose_id')
    .innerJoin('organizations', 'organizations.id', 'purposes.org_id')
    .select([
      'purposes.id',
      'purposes.code',
      'purposes.number',
      'purposes.name',
      'organizations.code as org_code',
      'organizations.name as org_name',
    ])
    .where('joint_use_members.org_id', '=', orgId)
    .where('joint_use_groups.owner_org_id', '!=', orgId)
    .where('purposes.status', '=', 'active')
    .distinct()
    .execute();
  return [
    ...own.map((p) => ({ ...p, key: p.code, org_code: null as string | null, org_name: null as string | null })),
    ...joint.map((p) => ({ ...p, key: `${p.org_code}:${p.code}` })),
  ];
}
