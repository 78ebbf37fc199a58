/**
 * 受領の記録（一括）: the records of a receipt from a provider (Art. 30) for the people of a received list — member
 * codes typed or a CSV — with the provider's name, address, representative and how it obtained the data.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import { Button, Card, ErrorNotice, Field, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';
import { toBase64 } from './run-form.tsx';

interface ReceiptsResult {
  recorded: number;
  unmatched: Record<string, number>;
  keep_until: string;
}

export function ReceiptsForm({ onDone }: { onDone: () => void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { items } = useSession();
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [representative, setRepresentative] = useState('');
  const [acquisition, setAcquisition] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [codes, setCodes] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [occurredOn, setOccurredOn] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<ReceiptsResult | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const member_codes = codes
        .split(/[\s,、]+/)
        .map((c) => c.trim())
        .filter(Boolean);
      setDone(
        await api.post<ReceiptsResult>('/provision/receipts', {
          population: { kind: 'codes', member_codes, ...(file ? { member_codes_csv_base64: await toBase64(file) } : {}) },
          provider: {
            name: name.trim(),
            ...(address.trim() ? { address: address.trim() } : {}),
            ...(representative.trim() ? { representative: representative.trim() } : {}),
          },
          acquisition: acquisition.trim(),
          items: chosen,
          ...(occurredOn ? { occurred_on: occurredOn } : {}),
        }),
      );
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const unmatched = done ? Object.values(done.unmatched).reduce((a, b) => a + b, 0) : 0;
  return (
    <Card title={t('provision.receipts.title')}>
      <p className="card-lead">{t('provision.receipts.lead')}</p>
      {done && (
        <Notice tone="success" testId="provision-receipts-done">
          {t('provision.receipts.done', { n: done.recorded, unmatched, date: i18n.date(done.keep_until) })}
        </Notice>
      )}
      <form onSubmit={submit} noValidate data-testid="provision-receipts-form">
        <div className="form-grid">
          <Field label={t('provision.form.provider')} required>
            {(p) => <input {...p} name="provider_name" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t('provision.form.address')}>
            {(p) => <input {...p} name="provider_address" value={address} onChange={(e) => setAddress(e.target.value)} />}
          </Field>
          <Field label={t('provision.form.representative')}>
            {(p) => (
              <input {...p} name="provider_representative" value={representative} onChange={(e) => setRepresentative(e.target.value)} />
            )}
          </Field>
          <Field label={t('provision.form.occurredOn')}>
            {(p) => <input {...p} type="date" name="occurred_on" value={occurredOn} onChange={(e) => setOccurredOn(e.target.value)} />}
          </Field>
        </div>
        <Field label={t('provision.form.acquisition')} required>
          {(p) => <textarea {...p} name="acquisition" rows={2} value={acquisition} onChange={(e) => setAcquisition(e.target.value)} />}
        </Field>
        <fieldset>
          <legend className="field-label">{t('provision.form.items')}</legend>
          <div className="check-row">
            {items.map((it) => (
              <label key={it.code}>
                <input
                  type="checkbox"
                  checked={chosen.includes(it.code)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, it.code] : chosen.filter((c) => c !== it.code))}
                />{' '}
                {pick(it.name, it.name_en)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-grid">
          <Field label={t('provision.codes')}>
            {(p) => <textarea {...p} name="receipt_codes" rows={3} value={codes} onChange={(e) => setCodes(e.target.value)} />}
          </Field>
          <Field label={t('provision.csv')}>
            {(p) => <input {...p} type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />}
          </Field>
        </div>
        {error !== null && <ErrorNotice error={error} />}
        <p>
          <Button type="submit" variant="primary" busy={busy} data-testid="provision-receipts-save">
            {t('provision.receipts.save')}
          </Button>
        </p>
      </form>
    </Card>
  );
}
