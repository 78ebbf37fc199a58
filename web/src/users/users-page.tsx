/**
 * Staff users of the organization: who has which role in which department, whether the second factor is set
 * up and whether the account is locked. The system admin registers new staff (the password is set here and
 * changed by the person; privacy officers and admins enrol TOTP at first sign-in).
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Named, RoleKind, StaffUser } from '../api/types.ts';
import { Badge, Button, Card, ErrorNotice, Field, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';

type User = StaffUser & { totp_enabled: number; locked_until: string | null };
interface Organization {
  departments: Named[];
  roles: (Named & { kind: RoleKind })[];
}
const empty = { login: '', display_name: '', password: '', role: '', department: '', email: '' };

export function UsersPage() {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { me } = useSession();
  const canCreate = me.role.kind === 'system_admin';
  const [users, setUsers] = useState<User[] | null>(null);
  const [org, setOrg] = useState<Organization | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState(empty);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [u, o] = await Promise.all([api.get<{ users: User[] }>('/users'), api.get<Organization>('/organization')]);
      setUsers(u.users);
      setOrg(o);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setIssues({});
    setFormError(null);
    setCreated(null);
    try {
      await api.post('/users', {
        login: draft.login.trim(),
        display_name: draft.display_name.trim(),
        password: draft.password,
        role: draft.role,
        department: draft.department || null,
        email: draft.email.trim() || null,
      });
      setCreated(draft.login.trim());
      setDraft(empty);
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0)
        setIssues(Object.fromEntries(err.issues.map((i) => [i.field, pick(i.message_ja, i.message_en)])));
      setFormError(err);
    } finally {
      setBusy(false);
    }
  };
  const set = (key: keyof typeof empty) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  if (error) return <ErrorNotice error={error} />;
  if (!users || !org) return <Loading />;
  const locked = (u: User) => u.locked_until !== null && u.locked_until > new Date().toISOString();

  return (
    <>
      <PageHeader title={t('users.title')} description={t('users.lead')} />
      <Card title={t('users.list', { n: users.length })}>
        <div className="table-wrap">
          <table className="table" data-testid="users-table">
            <thead>
              <tr>
                <th>{t('users.login')}</th>
                <th>{t('users.name')}</th>
                <th>{t('users.role')}</th>
                <th>{t('users.department')}</th>
                <th>{t('users.state')}</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} data-testid="user-row" data-login={u.login}>
                  <td className="mono">{u.login}</td>
                  <td>{u.display_name}</td>
                  <td>{u.role_name}</td>
                  <td>{u.department_name ?? '—'}</td>
                  <td className="badges">
                    {u.status !== 'active' && <Badge tone="bad">{t('users.disabled')}</Badge>}
                    {locked(u) && <Badge tone="warn">{t('users.locked')}</Badge>}
                    <Badge tone={u.totp_enabled ? 'ok' : 'neutral'}>{u.totp_enabled ? t('users.totpOn') : t('users.totpOff')}</Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      {canCreate && (
        <Card title={t('users.create')}>
          <form onSubmit={submit} data-testid="user-form">
            <div className="form-grid">
              <Field label={t('users.login')} hint={t('users.loginHint')} error={issues.login} required>
                {(p) => <input {...p} name="login" autoComplete="off" value={draft.login} onChange={set('login')} />}
              </Field>
              <Field label={t('users.name')} error={issues.display_name} required>
                {(p) => <input {...p} name="display_name" value={draft.display_name} onChange={set('display_name')} />}
              </Field>
              <Field label={t('users.role')} error={issues.role} required>
                {(p) => (
                  <select {...p} name="role" value={draft.role} onChange={set('role')}>
                    <option value="">{t('users.choose')}</option>
                    {org.roles.map((r) => (
                      <option key={r.code} value={r.code}>
                        {pick(r.name, r.name_en)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('users.department')} error={issues.department}>
                {(p) => (
                  <select {...p} name="department" value={draft.department} onChange={set('department')}>
                    <option value="">{t('users.none')}</option>
                    {org.departments.map((d) => (
                      <option key={d.code} value={d.code}>
                        {pick(d.name, d.name_en)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('users.password')} hint={t('users.passwordHint')} error={issues.password} required>
                {(p) => (
                  <input
                    {...p}
                    name="password"
                    type="password"
                    autoComplete="new-password"
                    value={draft.password}
                    onChange={set('password')}
                  />
                )}
              </Field>
              <Field label={t('users.email')} error={issues.email}>
                {(p) => <input {...p} name="email" type="email" value={draft.email} onChange={set('email')} />}
              </Field>
            </div>
            {created && <Notice tone="success" title={t('users.created', { login: created })} />}
            {formError !== null && Object.keys(issues).length === 0 && <ErrorNotice error={formError} />}
            <div className="form-actions">
              <Button type="submit" variant="primary" busy={busy}>
                {t('users.submit')}
              </Button>
            </div>
          </form>
        </Card>
      )}
    </>
  );
}
