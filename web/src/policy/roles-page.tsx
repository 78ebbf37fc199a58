/**
 * 役割と利用目的: which role may use which purpose — the organization's own purposes in effect and, for a joint
 * user, the owner's purposes under a joint use naming this organization (labelled with the owner's name).
 * Below the purposes, the duties (業務) of staff and department-manager roles: handling requests from the
 * person and consents, and provision records; the other kinds' duties follow from the kind and are shown as
 * such. The privacy officer saves each role's column; administrators and auditors read it.
 */
import { Fragment, useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Duty, RoleKind } from '../api/types.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { circledNumber } from './types.ts';

interface Role {
  code: string;
  name: string;
  name_en: string;
  kind: RoleKind;
  purposes: string[];
  duties: Duty[];
}
interface Grantable {
  key: string;
  code: string;
  number: number;
  name: string;
  org_code: string | null;
  org_name: string | null;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

const allDuties: readonly Duty[] = ['member_requests', 'provision_records', 'handovers'];
/** Kinds whose duties the officer grants; the others' follow from the kind (src/modules/organizations/duties.ts). */
const dutyGrantable = (kind: RoleKind) => kind === 'staff' || kind === 'department_manager';
const fixedDuty: Partial<Record<RoleKind, 'roles.duty.always' | 'roles.duty.readOnly' | 'roles.duty.none'>> = {
  privacy_officer: 'roles.duty.always',
  auditor: 'roles.duty.readOnly',
  system_admin: 'roles.duty.none',
};

export function RolesPage() {
  const { t, pick } = useI18n();
  const { me } = useSession();
  const editable = me.role.kind === 'privacy_officer';
  const [roles, setRoles] = useState<Role[] | null>(null);
  const [purposes, setPurposes] = useState<Grantable[]>([]);
  const [grants, setGrants] = useState<Record<string, string[]>>({});
  const [dutyGrants, setDutyGrants] = useState<Record<string, Duty[]>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await api.get<{ roles: Role[]; purposes: Grantable[] }>('/roles');
      setRoles(r.roles);
      setPurposes(r.purposes);
      setGrants(Object.fromEntries(r.roles.map((role) => [role.code, role.purposes])));
      setDutyGrants(Object.fromEntries(r.roles.map((role) => [role.code, role.duties])));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  if (!roles) return error ? <ErrorNotice error={error} /> : <Loading />;

  const toggle = (role: string, key: string, on: boolean) => {
    setSaved(null);
    setGrants((g) => ({ ...g, [role]: on ? [...(g[role] ?? []), key] : (g[role] ?? []).filter((k) => k !== key) }));
  };
  const toggleDuty = (role: string, duty: Duty, on: boolean) => {
    setSaved(null);
    setDutyGrants((g) => ({ ...g, [role]: on ? [...(g[role] ?? []), duty] : (g[role] ?? []).filter((d) => d !== duty) }));
  };
  const changed = (r: Role) => !same(grants[r.code] ?? [], r.purposes) || !same(dutyGrants[r.code] ?? [], r.duties);
  const save = async (role: Role) => {
    setBusy(role.code);
    setError(null);
    setSaved(null);
    try {
      // Sent in the matrix's order so the audit entry lists them as shown.
      const keys = purposes.map((p) => p.key).filter((k) => grants[role.code]?.includes(k));
      const duties = allDuties.filter((d) => dutyGrants[role.code]?.includes(d));
      if (!same(keys, role.purposes)) await api.put(`/roles/${encodeURIComponent(role.code)}/purposes`, { purposes: keys });
      if (!same(duties, role.duties)) await api.put(`/roles/${encodeURIComponent(role.code)}/duties`, { duties });
      setRoles((rs) => rs?.map((r) => (r.code === role.code ? { ...r, purposes: keys, duties } : r)) ?? rs);
      setSaved(pick(role.name, role.name_en));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const own = purposes.filter((p) => !p.org_code);
  const owners = [...new Map(purposes.filter((p) => p.org_code).map((p) => [p.org_code, p.org_name ?? p.org_code])).entries()];
  const groups: { title: string; joint: boolean; rows: Grantable[] }[] = [
    { title: t('roles.own', { org: pick(me.organization.name, me.organization.name_en) }), joint: false, rows: own },
    ...owners.map(([code, name]) => ({
      title: t('roles.joint', { org: name ?? '' }),
      joint: true,
      rows: purposes.filter((p) => p.org_code === code),
    })),
  ].filter((g) => g.rows.length > 0);

  return (
    <>
      <PageHeader title={t('roles.title')} description={t('roles.lead')} />
      {!editable && <Notice tone="info">{t('roles.readOnly')}</Notice>}
      {saved && <Notice tone="success" title={t('roles.saved', { role: saved })} testId="roles-saved" />}
      {error !== null && <ErrorNotice error={error} />}
      <Card>
        {purposes.length === 0 ? (
          <Empty title={t('roles.noPurposes')}>
            <Link to="/policy">{t('roles.noPurposesHelp')}</Link>
          </Empty>
        ) : (
          <div className="table-wrap">
            <table className="table role-matrix" data-testid="role-matrix">
              <thead>
                <tr>
                  <th scope="col">{t('roles.purpose')}</th>
                  {roles.map((r) => (
                    <th key={r.code} scope="col" className="role-col">
                      {pick(r.name, r.name_en)}
                      {changed(r) && <span className="role-changed">{t('roles.changed')}</span>}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <Fragment key={g.title}>
                    <tr className="role-group">
                      <th colSpan={roles.length + 1} scope="colgroup">
                        {g.title} {g.joint && <Badge tone="info">{t('roles.jointBadge')}</Badge>}
                      </th>
                    </tr>
                    {g.rows.map((p) => {
                      const label = `${g.joint ? `${p.org_name ?? p.org_code} ` : ''}${circledNumber(p.number)} ${p.name}`;
                      return (
                        <tr key={p.key} data-testid="role-purpose-row" data-key={p.key}>
                          <th scope="row" className="role-purpose">
                            <span className="purpose-number-inline">{circledNumber(p.number)}</span> {p.name}
                          </th>
                          {roles.map((r) => (
                            <td key={r.code} className="role-cell">
                              <input
                                type="checkbox"
                                aria-label={`${pick(r.name, r.name_en)}：${label}`}
                                data-testid={`grant-${r.code}-${p.key}`}
                                checked={grants[r.code]?.includes(p.key) ?? false}
                                disabled={!editable}
                                onChange={(e) => toggle(r.code, p.key, e.target.checked)}
                              />
                            </td>
                          ))}
                        </tr>
                      );
                    })}
                  </Fragment>
                ))}
                <tr className="role-group">
                  <th colSpan={roles.length + 1} scope="colgroup">
                    {t('roles.duties')}
                  </th>
                </tr>
                {allDuties.map((d) => (
                  <tr key={d} data-testid="role-duty-row" data-duty={d}>
                    <th scope="row" className="role-purpose">
                      {t(`roles.duty.${d}`)}
                      <span className="sub">{t(`roles.duty.${d}.help`)}</span>
                    </th>
                    {roles.map((r) => {
                      const fixed = fixedDuty[r.kind];
                      return (
                        <td key={r.code} className="role-cell">
                          {dutyGrantable(r.kind) ? (
                            <input
                              type="checkbox"
                              aria-label={`${pick(r.name, r.name_en)}：${t(`roles.duty.${d}`)}`}
                              data-testid={`duty-${r.code}-${d}`}
                              checked={dutyGrants[r.code]?.includes(d) ?? false}
                              disabled={!editable}
                              onChange={(e) => toggleDuty(r.code, d, e.target.checked)}
                            />
                          ) : (
                            fixed && <span className="muted small">{t(fixed)}</span>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
              {editable && (
                <tfoot>
                  <tr>
                    <th scope="row">{t('roles.saveRow')}</th>
                    {roles.map((r) => (
                      <td key={r.code} className="role-cell">
                        <Button
                          small
                          variant="primary"
                          busy={busy === r.code}
                          disabled={!changed(r) || (busy !== null && busy !== r.code)}
                          aria-label={t('roles.saveRole', { role: pick(r.name, r.name_en) })}
                          data-testid={`save-role-${r.code}`}
                          onClick={() => void save(r)}
                        >
                          {t('roles.save')}
                        </Button>
                      </td>
                    ))}
                  </tr>
                </tfoot>
              )}
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
