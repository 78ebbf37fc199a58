import type { Kysely } from 'kysely';

/**
 * Duties on roles (base/duties.ts): `roles.duties`, a JSON array such as `["member_requests"]`.
 *
 * Existing roles get no duty, with one exception: the demo co-op's roles that the demo seed grants them to
 * (`member_service`, `department_manager` in organizations whose settings say `demo: true`). Before this
 * migration every staff and department-manager role handled requests, consents and provision records, by kind;
 * which of a co-op's own roles do that work is the co-op's decision, and a migration cannot tell a counter
 * clerk from a delivery driver. So after upgrading only the privacy officer (all duties, by kind) and the
 * auditor (read only, by kind) reach these registers, until the privacy officer grants the duty to the roles
 * whose work it is (役割と利用目的). Failing closed costs a configuration step; failing open would keep showing
 * every member's requests and identity-check notes to roles that never needed them. See docs/access.md.
 */
export const roleDuties = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against the database as it was then.
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('roles')
      .addColumn('duties', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    const orgs: { id: string; settings: string }[] = await db.selectFrom('organizations').select(['id', 'settings']).execute();
    const demo = orgs.filter((o) => {
      try {
        return (JSON.parse(o.settings) as { demo?: unknown }).demo === true;
      } catch {
        return false;
      }
    });
    if (demo.length === 0) return;
    await db
      .updateTable('roles')
      .set({ duties: JSON.stringify(['member_requests', 'provision_records']) })
      .where(
        'org_id',
        'in',
        demo.map((o) => o.id),
      )
      .where('code', 'in', ['member_service', 'department_manager'])
      .execute();
  },
};
