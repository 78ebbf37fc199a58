/**
 * Registering a delivery target (提供先サーバー): a folder on mamori's server (inside the allowed folders) or the
 * partners' SFTP server with its host-key fingerprint and a private key or password. The secret is a write-only
 * field: once saved, the page only ever learns that one is set (「設定済み」).
 */
import { type FormEvent, useState } from 'react';
import { type DeliveryTargetKind, deliveryTargetKindLabels, deliveryTargetKinds } from '../../../src/contract/delivery-vocabulary.ts';
import { ApiError, api } from '../api/client.ts';
import { Button, Card, ErrorNotice, Field } from '../components/ui.tsx';
import { type MessageKey, useI18n } from '../i18n/i18n.tsx';

type Key = 'directory' | 'host' | 'port' | 'user' | 'host_key' | 'timeout_seconds';
const fieldsOf: Record<DeliveryTargetKind, Key[]> = {
  folder: ['directory'],
  sftp: ['host', 'port', 'user', 'directory', 'host_key', 'timeout_seconds'],
};
const numeric = new Set<Key>(['port', 'timeout_seconds']);
const required = new Set<Key>(['directory', 'host', 'user', 'host_key']);

export function TargetForm({ onSaved, onCancel }: { onSaved: (message: string) => void | Promise<void>; onCancel: () => void }) {
  const { t, pick, lang } = useI18n();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [recipient, setRecipient] = useState('');
  const [kind, setKind] = useState<DeliveryTargetKind>('sftp');
  const [values, setValues] = useState<Partial<Record<Key, string>>>({});
  const [secret, setSecret] = useState('');
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const settings = () => {
    const out: Record<string, string | number> = {};
    for (const key of fieldsOf[kind]) {
      const v = values[key]?.trim();
      if (v) out[key] = numeric.has(key) && /^\d+$/.test(v) ? Number(v) : v;
    }
    return out;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setIssues({});
    setError(null);
    try {
      await api.post('/delivery-targets', {
        code: code.trim(),
        name: name.trim(),
        kind,
        recipient: recipient.trim(),
        settings: settings(),
        ...(kind === 'sftp' && secret ? { secret } : {}),
      });
      await onSaved(t('deliveries.registered', { code: code.trim() }));
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0)
        setIssues(Object.fromEntries(err.issues.map((i) => [i.field, pick(i.message_ja, i.message_en)])));
      setError(err);
    } finally {
      setSecret('');
      setBusy(false);
    }
  };

  const set = (key: Key) => (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value });

  return (
    <Card title={t('deliveries.newTitle')}>
      <form onSubmit={submit} data-testid="target-form" autoComplete="off">
        <div className="form-grid">
          <Field label={t('deliveries.field.code')} hint={t('deliveries.field.codeHint')} error={issues.code} required>
            {(p) => <input {...p} name="code" value={code} onChange={(e) => setCode(e.target.value)} />}
          </Field>
          <Field label={t('deliveries.field.name')} error={issues.name} required>
            {(p) => <input {...p} name="name" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t('deliveries.field.recipient')} hint={t('deliveries.field.recipientHint')} error={issues.recipient} required>
            {(p) => <input {...p} name="recipient" value={recipient} onChange={(e) => setRecipient(e.target.value)} />}
          </Field>
          <Field label={t('deliveries.field.kind')} error={issues.kind} required>
            {(p) => (
              <select {...p} name="kind" value={kind} onChange={(e) => setKind(e.target.value as DeliveryTargetKind)}>
                {deliveryTargetKinds.map((k) => (
                  <option key={k} value={k}>
                    {deliveryTargetKindLabels[k][lang]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {fieldsOf[kind].map((key) => (
            <Field
              key={key}
              label={t(`deliveries.field.${key}` as MessageKey)}
              hint={
                key === 'directory'
                  ? t(kind === 'folder' ? 'deliveries.field.folderHint' : 'deliveries.field.remoteHint')
                  : key === 'host_key'
                    ? t('deliveries.field.hostKeyHint')
                    : undefined
              }
              error={issues[`settings.${key}`]}
              required={required.has(key)}
            >
              {(p) => (
                <input
                  {...p}
                  name={key}
                  inputMode={numeric.has(key) ? 'numeric' : undefined}
                  value={values[key] ?? ''}
                  onChange={set(key)}
                  spellCheck={false}
                />
              )}
            </Field>
          ))}
          {kind === 'sftp' && (
            <Field label={t('deliveries.field.secret')} hint={t('deliveries.field.secretHint')} error={issues.secret} required>
              {(p) => (
                <textarea
                  {...p}
                  name="secret"
                  rows={4}
                  className="mono"
                  autoComplete="off"
                  spellCheck={false}
                  value={secret}
                  onChange={(e) => setSecret(e.target.value)}
                />
              )}
            </Field>
          )}
        </div>
        {error !== null && Object.keys(issues).length === 0 && <ErrorNotice error={error} />}
        {error !== null && Object.keys(issues).length > 0 && (
          <p className="field-error" role="alert">
            {error instanceof ApiError ? pick(error.messageJa, error.messageEn) : ''}
          </p>
        )}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {t('deliveries.submit')}
          </Button>
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Card>
  );
}
