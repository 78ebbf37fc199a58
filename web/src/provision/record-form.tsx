/**
 * 提供・受領を記録する: on a member's screen, one record of a provision to a third party (Art. 29: the recipient
 * of the register, the items, the date) or of a receipt from one (Art. 30: the provider's name, address and
 * representative, how the provider obtained the data, the items). Shown to the roles that record them (the
 * privacy officer, department managers with the duty `provision_records`).
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import { Button, ErrorNotice, Field, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';
import { useRegister } from './use-register.ts';

export function ProvisionRecordForm({ memberId, onSaved }: { memberId: string; onSaved: () => void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { items } = useSession();
  const { parties } = useRegister();
  const [open, setOpen] = useState(false);
  const [direction, setDirection] = useState<'provided' | 'received'>('received');
  const [party, setParty] = useState('');
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [representative, setRepresentative] = useState('');
  const [acquisition, setAcquisition] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [occurredOn, setOccurredOn] = useState('');
  const [retention, setRetention] = useState<'record' | 'contract'>('record');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [missing, setMissing] = useState<Record<string, boolean>>({});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const gaps = {
      party: direction === 'provided' && !party,
      name: direction === 'received' && !name.trim(),
      acquisition: direction === 'received' && !acquisition.trim(),
      items: chosen.length === 0,
    };
    setMissing(gaps);
    if (Object.values(gaps).some(Boolean)) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<{ id: string; keep_until: string }>(`/members/${encodeURIComponent(memberId)}/provisions`, {
        direction,
        items: chosen,
        retention,
        ...(direction === 'provided'
          ? { third_party_code: party }
          : {
              counterparty: {
                name: name.trim(),
                ...(address.trim() ? { address: address.trim() } : {}),
                ...(representative.trim() ? { representative: representative.trim() } : {}),
              },
              acquisition: acquisition.trim(),
            }),
        ...(occurredOn ? { occurred_on: occurredOn } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setSaved(r.keep_until);
      setOpen(false);
      setChosen([]);
      setName('');
      setAddress('');
      setRepresentative('');
      setAcquisition('');
      setNote('');
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const required = (k: string) => (missing[k] ? t('provision.form.required') : undefined);

  return (
    <div className="provision-record-form">
      {saved && (
        <Notice tone="success" testId="provision-record-saved">
          {t('provision.form.saved', { date: i18n.date(saved) })}
        </Notice>
      )}
      {!open ? (
        <Button small onClick={() => setOpen(true)} data-testid="provision-record-open">
          {t('provision.form.open')}
        </Button>
      ) : (
        <form onSubmit={submit} noValidate data-testid="provision-record-form">
          <h3 className="card-subtitle">{t('provision.form.title')}</h3>
          <fieldset className="segmented">
            <legend className="field-label">{t('provision.form.direction')}</legend>
            {(['received', 'provided'] as const).map((d) => (
              <label key={d} className={`segmented-option${direction === d ? ' checked' : ''}`}>
                <input type="radio" name="direction" value={d} checked={direction === d} onChange={() => setDirection(d)} />
                {t(`provision.form.${d}`)}
              </label>
            ))}
          </fieldset>
          {direction === 'provided' ? (
            <Field label={t('provision.form.recipient')} required error={required('party')}>
              {(p) => (
                <select {...p} name="third_party_code" value={party} onChange={(e) => setParty(e.target.value)}>
                  <option value="">{t('provision.recipient.choose')}</option>
                  {(parties ?? []).map((tp) => (
                    <option key={tp.code} value={tp.code}>
                      {pick(tp.name, tp.name_en)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <>
              <div className="form-grid">
                <Field label={t('provision.form.provider')} required error={required('name')}>
                  {(p) => <input {...p} name="counterparty_name" value={name} onChange={(e) => setName(e.target.value)} />}
                </Field>
                <Field label={t('provision.form.address')}>
                  {(p) => <input {...p} name="counterparty_address" value={address} onChange={(e) => setAddress(e.target.value)} />}
                </Field>
                <Field label={t('provision.form.representative')}>
                  {(p) => (
                    <input
                      {...p}
                      name="counterparty_representative"
                      value={representative}
                      onChange={(e) => setRepresentative(e.target.value)}
                    />
                  )}
                </Field>
              </div>
              <Field label={t('provision.form.acquisition')} required error={required('acquisition')}>
                {(p) => (
                  <textarea {...p} name="acquisition" rows={2} value={acquisition} onChange={(e) => setAcquisition(e.target.value)} />
                )}
              </Field>
            </>
          )}
          <fieldset>
            <legend className="field-label">{t('provision.form.items')}</legend>
            <div className="check-row">
              {items.map((it) => (
                <label key={it.code}>
                  <input
                    type="checkbox"
                    name="items"
                    value={it.code}
                    checked={chosen.includes(it.code)}
                    onChange={(e) => setChosen(e.target.checked ? [...chosen, it.code] : chosen.filter((c) => c !== it.code))}
                  />{' '}
                  {pick(it.name, it.name_en)}
                </label>
              ))}
            </div>
            {missing.items && <p className="field-error">{t('provision.form.required')}</p>}
          </fieldset>
          <div className="form-grid">
            <Field label={t('provision.form.occurredOn')}>
              {(p) => <input {...p} type="date" name="occurred_on" value={occurredOn} onChange={(e) => setOccurredOn(e.target.value)} />}
            </Field>
            <Field label={t('provision.retention')}>
              {(p) => (
                <select {...p} name="retention" value={retention} onChange={(e) => setRetention(e.target.value as 'record' | 'contract')}>
                  <option value="record">{t('provision.retention.record')}</option>
                  <option value="contract">{t('provision.retention.contract')}</option>
                </select>
              )}
            </Field>
            <Field label={t('provision.form.note')}>
              {(p) => <input {...p} name="note" value={note} onChange={(e) => setNote(e.target.value)} />}
            </Field>
          </div>
          {error !== null && <ErrorNotice error={error} />}
          <p>
            <Button type="submit" variant="primary" busy={busy} data-testid="provision-record-save">
              {t('provision.form.save')}
            </Button>{' '}
            <Button onClick={() => setOpen(false)}>{t('provision.form.cancel')}</Button>
          </p>
        </form>
      )}
    </div>
  );
}
