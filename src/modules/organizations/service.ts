/** Organizations (co-op, federation, subsidiary), their departments, roles and staff users. */
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../base/context.ts';
import { storeDuties } from '../../base/duties.ts';
import { AppError } from '../../base/errors.ts';
import { orgSettingsSchema } from '../../base/settings.ts';
import type { Duty, RoleKind } from '../../contract/roles.ts';
import type { Tx } from '../../db/database.ts';
import type { OrganizationKind } from '../../db/schema.ts';
import { iso } from '../../db/time.ts';
import { appendAudit } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';
import { hashPassword, passwordIssues } from '../auth/passwords.ts';

export async function createOrganization(
  tx: Tx,
  actor: Actor,
  o: { code: string; name: string; name_en: string; kind: OrganizationKind; parentId?: string | null; settings?: unknown },
  now: Date,
) {
  const exists = await tx.selectFrom('organizations').select('id').where('code', '=', o.code).executeTakeFirst();
  if (exists)
    throw new AppError('validation_failed', [
      { field: 'code', code: 'taken', message_ja: 'この組織コードは既に使われています。', message_en: 'This organization code is taken.' },
    ]);
  const id = randomUUID();
  await tx
    .insertInto('organizations')
    .values({
      id,
      code: o.code,
      name: o.name,
      name_en: o.name_en,
      kind: o.kind,
      parent_id: o.parentId ?? null,
      settings: JSON.stringify(orgSettingsSchema.parse(o.settings ?? {})),
      created_at: iso(now),
    })
    .execute();
  await appendAudit(tx, actor, { action: 'organization.create', outcome: 'ok', orgId: id, detail: { id, code: o.code } }, () => now);
  return id;
}

export async function createDepartment(tx: Tx, actor: Actor, d: { orgId: string; code: string; name: string; name_en: string }, now: Date) {
  const id = randomUUID();
  await tx.insertInto('departments').values({ id, org_id: d.orgId, code: d.code, name: d.name, name_en: d.name_en }).execute();
  await appendAudit(tx, actor, { action: 'department.create', outcome: 'ok', orgId: d.orgId, detail: { id, code: d.code } }, () => now);
  return id;
}

/** A role of the organization's own naming, of one of the five system kinds, granted some purposes and duties. */
export async function createRole(
  tx: Tx,
  actor: Actor,
  r: { orgId: string; code: string; name: string; name_en: string; kind: RoleKind; purposeIds?: string[]; duties?: Duty[] },
  now: Date,
) {
  const id = randomUUID();
  await tx
    .insertInto('roles')
    .values({ id, org_id: r.orgId, code: r.code, name: r.name, name_en: r.name_en, kind: r.kind, duties: storeDuties(r.duties ?? []) })
    .execute();
  if (r.purposeIds?.length) {
    await tx
      .insertInto('role_purposes')
      .values(r.purposeIds.map((purpose_id) => ({ role_id: id, purpose_id })))
      .execute();
  }
  await appendAudit(
    tx,
    actor,
    {
      action: 'policy.change',
      outcome: 'ok',
      orgId: r.orgId,
      detail: {
        role: r.code,
        kind: r.kind,
        purposes: r.purposeIds?.length ?? 0,
        ...(r.duties?.length ? { duties: r.duties } : {}),
      },
    },
    () => now,
  );
  return id;
}

export interface CreateUserInput {
  orgCode: string;
  login: string;
  displayName: string;
  password: string;
  role: string;
  department?: string | null;
  email?: string | null;
}

/** Creates a staff user after checking the login and password rules. */
export async function createUser(ctx: AppContext, actor: Actor, u: CreateUserInput): Promise<string> {
  checkNewUser(u);
  const passwordHash = await hashPassword(u.password);
  const now = ctx.clock();
  return ctx.db.transaction().execute((tx) => insertUser(tx, actor, u, passwordHash, now));
}

/** The login and password rules; `validation_failed` with every issue. */
export function checkNewUser(u: Pick<CreateUserInput, 'login' | 'password'>): void {
  const issues = passwordIssues(u.password);
  if (!/^[a-z0-9._-]{3,40}$/.test(u.login)) {
    issues.push({
      field: 'login',
      code: 'invalid_format',
      message_ja: 'ログインIDは英小文字・数字・._- の3〜40文字です。',
      message_en: 'The login is 3–40 lowercase letters, digits or . _ -.',
    });
  }
  if (issues.length) throw new AppError('validation_failed', issues);
}

/** Inserts a user (password already hashed) inside `tx`, with its audit entry. */
export async function insertUser(tx: Tx, actor: Actor, u: CreateUserInput, passwordHash: string, now: Date): Promise<string> {
  const org = await tx.selectFrom('organizations').select('id').where('code', '=', u.orgCode).executeTakeFirst();
  if (!org) throw new AppError('organization_unknown');
  const role = await tx
    .selectFrom('roles')
    .select(['id', 'code'])
    .where('org_id', '=', org.id)
    .where('code', '=', u.role)
    .executeTakeFirst();
  if (!role) throw new AppError('role_unknown');
  let departmentId: string | null = null;
  if (u.department) {
    const dept = await tx
      .selectFrom('departments')
      .select('id')
      .where('org_id', '=', org.id)
      .where('code', '=', u.department)
      .executeTakeFirst();
    if (!dept) throw new AppError('department_unknown');
    departmentId = dept.id;
  }
  const taken = await tx.selectFrom('users').select('id').where('login', '=', u.login).executeTakeFirst();
  if (taken) throw new AppError('login_taken');
  const id = randomUUID();
  await tx
    .insertInto('users')
    .values({
      id,
      org_id: org.id,
      department_id: departmentId,
      role_id: role.id,
      login: u.login,
      display_name: u.displayName,
      email: u.email ?? null,
      password_hash: passwordHash,
      totp_secret_enc: null,
      totp_enabled: 0,
      failed_attempts: 0,
      locked_until: null,
      status: 'active',
      created_at: iso(now),
      updated_at: iso(now),
    })
    .execute();
  await appendAudit(
    tx,
    actor,
    { action: 'user.create', outcome: 'ok', orgId: org.id, detail: { user_id: id, login: u.login, role: role.code } },
    () => now,
  );
  return id;
}

export async function listUsers(ctx: AppContext, orgId: string) {
  return ctx.db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .leftJoin('departments', 'departments.id', 'users.department_id')
    .select([
      'users.id',
      'users.login',
      'users.display_name',
      'users.status',
      'users.totp_enabled',
      'users.locked_until',
      'roles.code as role',
      'roles.name as role_name',
      'roles.kind as role_kind',
      'departments.code as department',
      'departments.name as department_name',
    ])
    .where('users.org_id', '=', orgId)
    .orderBy('users.login')
    .execute();
}

/**
 * Disables a staff user of the actor's organization, or enables one again. Disabling ends the user's
 * sessions: the rows are deleted and `user.changed` is published in the same transaction, so every instance
 * on the database drops the cached sessions when it commits. Nobody disables their own account (an
 * organization would otherwise lose its last administrator by a slip).
 */
export async function setUserStatus(
  ctx: AppContext,
  actor: Actor & { orgId: string },
  o: { userId: string; status: 'active' | 'disabled' },
): Promise<void> {
  const now = ctx.clock();
  if (actor.type === 'user' && actor.id === o.userId && o.status === 'disabled') {
    throw new AppError('validation_failed', [
      {
        field: 'status',
        code: 'own_account',
        message_ja: '自分自身のアカウントは無効にできません。',
        message_en: 'You cannot disable your own account.',
      },
    ]);
  }
  await ctx.db.transaction().execute(async (tx) => {
    const user = await tx
      .selectFrom('users')
      .select(['id', 'login', 'status'])
      .where('id', '=', o.userId)
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst();
    if (!user) throw new AppError('user_not_found');
    await tx
      .updateTable('users')
      .set({ status: o.status, updated_at: iso(now) })
      .where('id', '=', user.id)
      .execute();
    let ended = 0;
    if (o.status === 'disabled') {
      ended = Number((await tx.deleteFrom('sessions').where('user_id', '=', user.id).executeTakeFirst()).numDeletedRows);
    }
    await ctx.events.publish(tx, 'user.changed', { userId: user.id });
    await appendAudit(
      tx,
      actor,
      {
        action: 'user.update',
        outcome: 'ok',
        orgId: actor.orgId,
        detail: { user_id: user.id, login: user.login, status: o.status, ...(o.status === 'disabled' ? { ended_sessions: ended } : {}) },
      },
      () => now,
    );
  });
}
