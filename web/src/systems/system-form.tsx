/**
 * Registering or editing a connected system: the fields each kind needs (a database URL or host, a SQLite file,
 * an SFTP host and folder) and the secret as a write-only field. Editing, an empty secret keeps the stored one
 * (shown as 「設定済み」, never its value), a new one replaces it, and 「消去する」 clears it. Removing asks first.
 */
import { type FormEvent, useState } from 'react';
import type { SystemView } from '../../../src/contract/api.ts';
import { type SystemKind, systemKindLabels, systemKinds } from '../../../src/contract/connector-vocabulary.ts';
import { ApiError, api } from '../api/client.ts';
import { Badge, Button, Card, ErrorNotice, Field } from '../components/ui.tsx';
import { type MessageKey, useI18n } from '../i18n/i18n.tsx';

export type SystemFormStart = { mode: 'new'; code?: string; name?: string; kind?: SystemKind } | { mode: 'edit'; system: SystemView };

type Key = 'url' | 'file' | 'schema' | 'host' | 'port' | 'user' | 'folder' | 'timeout_seconds';
/** The fields each kind offers, in order. */
const fieldsOf: Record<SystemKind, Key[]> = {
  postgres: ['url', 'schema', 'host', 'port', 'user', 'timeout_seconds'],
  mysql: ['url', 'schema', 'host', 'port', 'user', 'timeout_seconds'],
  sqlite: ['file', 'timeout_seconds'],
  sftp_drop: ['host', 'port', 'user', 'folder', 'timeout_seconds'],
};
const numeric = new Set<Key>(['port', 'timeout_seconds']);

export function SystemForm({
  start,
  onSaved,
  onCancel,
}: {
  start: SystemFormStart;
  onSaved: (message: string) => void | Promise<void>;
  onCancel: () => void;
}) {
  const { t, pick, lang } = useI18n();
  const editing = start.mode === 'edit' ? start.system : null;
  const [code, setCode] = useState(editing?.code ?? (start.mode === 'new' ? (start.code ?? '') : ''));
  const [name, setName] = useState(editing?.name ?? (start.mode === 'new' ? (start.name ?? '') : ''));
  const [kind, setKind] = useState<SystemKind>(editing?.kind ?? (start.mode === 'new' ? (start.kind ?? 'postgres') : 'postgres'));
  const [values, setValues] = useState<Partial<Record<Key, string>>>(() =>
    Object.fromEntries(Object.entries(editing?.settings ?? {}).map(([k, v]) => [k, String(v)])),
  );
  const [secret, setSecret] = useState('');
  const [clearSecret, setClearSecret] = useState(false);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'save' | 'remove' | null>(null);

  const settings = () => {
    const out: Record<string, string | number> = {};
    for (const key of fieldsOf[kind]) {
      const v = values[key]?.trim();
      if (v) out[key] = numeric.has(key) && /^\d+$/.test(v) ? Number(v) : v;
    }
    return out;
  };

  const fail = (err: unknown) => {
    if (err instanceof ApiError && err.issues.length > 0)
      setIssues(Object.fromEntries(err.issues.map((i) => [i.field, pick(i.message_ja, i.message_en)])));
    setError(err);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('save');
    setIssues({});
    setError(null);
    try {
      if (editing) {
        await api.patch(`/systems/${encodeURIComponent(editing.code)}`, {
          version: editing.version,
          name: name.trim(),
          kind,
          settings: settings(),
          ...(clearSecret ? { secret: null } : secret ? { secret } : {}),
        });
        await onSaved(t('systems.updated', { code: editing.code }));
      } else {
        await api.post('/systems', { code: code.trim(), name: name.trim(), kind, settings: settings(), ...(secret ? { secret } : {}) });
        await onSaved(t('systems.registered', { code: code.trim() }));
      }
    } catch (err) {
      fail(err);
    } finally {
      setSecret('');
      setBusy(null);
    }
  };

  const remove = async () => {
    if (!editing || !window.confirm(t('systems.removeConfirm', { code: editing.code }))) return;
    setBusy('remove');
    setError(null);
    try {
      await api.delete(`/systems/${encodeURIComponent(editing.code)}`, { version: String(editing.version) });
      await onSaved(t('systems.removed', { code: editing.code }));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const set = (key: Key) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });

  return (
    <Card title={editing ? t('systems.editTitle', { code: editing.code }) : t('systems.newTitle')}>
      <form onSubmit={submit} data-testid="system-form" autoComplete="off">
        <div className="form-grid">
          <Field label={t('systems.field.code')} hint={t('systems.field.codeHint')} error={issues.code} required>
            {(p) => <input {...p} name="code" value={code} readOnly={Boolean(editing)} onChange={(e) => setCode(e.target.value)} />}
          </Field>
          <Field label={t('systems.field.name')} error={issues.name} required>
            {(p) => <input {...p} name="name" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t('systems.field.kind')} error={issues.kind} required>
            {(p) => (
              <select {...p} name="kind" value={kind} onChange={(e) => setKind(e.target.value as SystemKind)}>
                {systemKinds.map((k) => (
                  <option key={k} value={k}>
                    {systemKindLabels[k][lang]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {fieldsOf[kind].map((key) => (
            <Field
              key={key}
              label={t(`systems.field.${key}` as MessageKey)}
              hint={key === 'url' || key === 'file' ? t(`systems.field.${key}Hint` as MessageKey) : undefined}
              error={issues[`settings.${key}`]}
              required={key === 'file' || (kind === 'sftp_drop' && (key === 'host' || key === 'user' || key === 'folder'))}
            >
              {(p) => (
                <input
                  {...p}
                  name={key}
                  inputMode={numeric.has(key) ? 'numeric' : undefined}
                  value={values[key] ?? ''}
                  onChange={set(key)}
                />
              )}
            </Field>
          ))}
          <Field
            label={
              <>
                {t('systems.field.secret')}{' '}
                {editing?.has_secret && !clearSecret && (
                  <span data-testid="secret-state">
                    <Badge tone="ok">{t('systems.secretSet')}</Badge>
                  </span>
                )}
              </>
            }
            hint={editing?.has_secret ? t('systems.field.secretKeepHint') : t('systems.field.secretHint')}
            error={issues.secret}
          >
            {(p) => (
              <input
                {...p}
                name="secret"
                type="password"
                autoComplete="new-password"
                value={secret}
                disabled={clearSecret}
                onChange={(e) => setSecret(e.target.value)}
              />
            )}
          </Field>
          {editing?.has_secret && (
            <div className="check-input">
              <label className="check-label">
                <input type="checkbox" checked={clearSecret} onChange={(e) => setClearSecret(e.target.checked)} />
                <span>{t('systems.field.clearSecret')}</span>
              </label>
            </div>
          )}
        </div>
        {error !== null && Object.keys(issues).length === 0 && <ErrorNotice error={error} />}
        {error !== null && Object.keys(issues).length > 0 && (
          <p className="field-error" role="alert">
            {error instanceof ApiError ? pick(error.messageJa, error.messageEn) : ''}
          </p>
        )}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy === 'save'}>
            {editing ? t('systems.save') : t('systems.submit')}
          </Button>
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
          {editing && (
            <Button variant="danger" busy={busy === 'remove'} onClick={() => void remove()} data-testid="system-remove">
              {t('systems.remove')}
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}
