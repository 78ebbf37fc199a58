/**
 * 組織の新規設定 (system administrator): a new co-op, federation or subsidiary with its first privacy officer,
 * who signs in (enrolling a second factor), completes the draft policy — blank or started from a preset of a
 * published co-op policy — publishes it and grants purposes to roles.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, Card, ErrorNotice, Field, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { orgKindOptions } from '../policy/labels.ts';
import type { PresetSummary } from '../policy/types.ts';

const empty = {
  code: '',
  name: '',
  name_en: '',
  kind: 'coop',
  preset: '',
  login: '',
  display_name: '',
  password: '',
  email: '',
};
type Draft = typeof empty;

/** Server field names (`officer.login`) → the form's. */
const fieldOf = (f: string) => f.replace(/^officer\./, '');

export function OrganizationSetupPage() {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const [draft, setDraft] = useState<Draft>(empty);
  const [presets, setPresets] = useState<PresetSummary[]>([]);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ code: string; name: string; login: string } | null>(null);

  useEffect(() => {
    api
      .get<{ presets: PresetSummary[] }>('/policy/presets')
      .then((r) => setPresets(r.presets))
      .catch(() => {});
  }, []);

  const set = (key: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setIssues({});
    setError(null);
    setCreated(null);
    const trimmed = (v: string) => v.trim() || undefined;
    try {
      await api.post('/organizations', {
        code: draft.code.trim(),
        name: draft.name.trim(),
        name_en: trimmed(draft.name_en),
        kind: draft.kind,
        preset: trimmed(draft.preset),
        officer: {
          login: draft.login.trim(),
          display_name: draft.display_name.trim(),
          password: draft.password,
          email: trimmed(draft.email),
        },
      });
      setCreated({ code: draft.code.trim(), name: draft.name.trim(), login: draft.login.trim() });
      setDraft(empty);
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) {
        setIssues(Object.fromEntries(err.issues.map((i) => [fieldOf(i.field), pick(i.message_ja, i.message_en)])));
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader title={t('orgSetup.title')} description={t('orgSetup.lead')} />
      {created && (
        <Notice tone="success" title={t('orgSetup.created', { name: created.name, code: created.code })} testId="org-created">
          {t('orgSetup.createdHelp', { login: created.login })}
        </Notice>
      )}
      <form onSubmit={submit} data-testid="org-form">
        <Card title={t('orgSetup.organization')}>
          <div className="form-grid">
            <Field label={t('orgSetup.code')} hint={t('orgSetup.codeHint')} error={issues.code} required>
              {(p) => <input {...p} name="code" autoComplete="off" value={draft.code} onChange={set('code')} />}
            </Field>
            <Field label={t('orgSetup.kind')} error={issues.kind}>
              {(p) => (
                <select {...p} name="kind" value={draft.kind} onChange={set('kind')}>
                  {orgKindOptions(i18n).map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('orgSetup.name')} error={issues.name} required>
              {(p) => <input {...p} name="name" value={draft.name} onChange={set('name')} />}
            </Field>
            <Field label={t('orgSetup.nameEn')} error={issues.name_en}>
              {(p) => <input {...p} name="name_en" value={draft.name_en} onChange={set('name_en')} />}
            </Field>
            <Field label={t('orgSetup.preset')} hint={t('orgSetup.presetHint')} error={issues.preset} className="span-2">
              {(p) => (
                <select {...p} name="preset" value={draft.preset} onChange={set('preset')}>
                  <option value="">{t('orgSetup.blank')}</option>
                  {presets.map((pr) => (
                    <option key={pr.id} value={pr.id}>
                      {pick(pr.name, pr.name_en)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        </Card>
        <Card title={t('orgSetup.officer')}>
          <p className="card-lead">{t('orgSetup.officerLead')}</p>
          <div className="form-grid">
            <Field label={t('users.login')} hint={t('users.loginHint')} error={issues.login} required>
              {(p) => <input {...p} name="login" autoComplete="off" value={draft.login} onChange={set('login')} />}
            </Field>
            <Field label={t('users.name')} error={issues.display_name} required>
              {(p) => <input {...p} name="display_name" value={draft.display_name} onChange={set('display_name')} />}
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
          {error !== null && <ErrorNotice error={error} />}
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy}>
              {t('orgSetup.submit')}
            </Button>
          </div>
        </Card>
      </form>
    </>
  );
}
