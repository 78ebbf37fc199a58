/**
 * 新しい提供: a provision run from its conditions to its file. The officer picks a recipient of the register,
 * the people (member codes typed or a CSV, or a filter over the member ledger), the legal basis (an Art. 27(1)
 * exception needs a written reason), how the Art. 29 records are kept; the preview shows who is included and
 * who is left out by reason; confirming writes the records, then the file is downloaded.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { ConfirmedRun, ProvisionRunPreview, SystemsList, SystemView } from '../../../src/contract/api.ts';
import { api, downloadFile } from '../api/client.ts';
import { Button, Card, ErrorNotice, Field, Loading, Notice } from '../components/ui.tsx';
import { type MessageKey, useI18n } from '../i18n/i18n.tsx';
import { useLabels } from '../session.tsx';
import { JAPAN, useRegister } from './use-register.ts';
import './provision.css';

const bases = ['consent', 'law', 'life_body_property', 'public_health_children', 'public_body', 'academic_research'] as const;
const statuses = ['active', 'suspended', 'withdrawn'] as const;
const deliveries = ['group', 'individual', 'store_only'] as const;

export function toBase64(file: File): Promise<string> {
  return file.arrayBuffer().then((buf) => {
    let binary = '';
    const bytes = new Uint8Array(buf);
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  });
}

export function ExcludedTable({ excluded }: { excluded: Record<string, number> }) {
  const { t, has } = useI18n();
  const rows = Object.entries(excluded);
  if (rows.length === 0) return null;
  return (
    <table className="table table-dense" data-testid="provision-excluded">
      <thead>
        <tr>
          <th scope="col">{t('provision.reason')}</th>
          <th scope="col">{t('provision.preview.excluded')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([reason, n]) => {
          const key = `provision.reason.${reason}`;
          return (
            <tr key={reason} data-testid={`excluded-${reason}`}>
              <td>{has(key) ? t(key) : reason}</td>
              <td className="num">{t('provision.count', { n })}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function DownloadButtons({ runId, name }: { runId: string; name: string }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const get = (charset: 'utf-8' | 'shift_jis') =>
    downloadFile(`/provision/runs/${encodeURIComponent(runId)}/file?charset=${charset}`, `provision_${name}.csv`).catch(setError);
  return (
    <>
      <Button small onClick={() => void get('utf-8')} data-testid="provision-download-utf8">
        {t('provision.download.utf8')}
      </Button>{' '}
      <Button small onClick={() => void get('shift_jis')} data-testid="provision-download-sjis">
        {t('provision.download.sjis')}
      </Button>
      {error !== null && <ErrorNotice error={error} />}
    </>
  );
}

export function RunForm({ onDone }: { onDone: () => void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const labels = useLabels();
  const { parties, error: registerError } = useRegister();
  const [party, setParty] = useState('');
  const [kind, setKind] = useState<'codes' | 'filter' | 'system'>('codes');
  const [system, setSystem] = useState('');
  const [systems, setSystems] = useState<SystemView[]>([]);
  useEffect(() => {
    let live = true;
    api
      .get<SystemsList>('/systems')
      .then((list) => live && setSystems(list.systems.filter((s) => s.kind !== 'sftp_drop')))
      .catch(() => live && setSystems([]));
    return () => {
      live = false;
    };
  }, []);
  const [codes, setCodes] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [status, setStatus] = useState<string[]>(['active']);
  const [delivery, setDelivery] = useState<string[]>([]);
  const [joinedFrom, setJoinedFrom] = useState('');
  const [joinedTo, setJoinedTo] = useState('');
  const [basis, setBasis] = useState('');
  const [reason, setReason] = useState('');
  const [recordMode, setRecordMode] = useState<'per_person' | 'continuous'>('per_person');
  const [retention, setRetention] = useState<'record' | 'contract'>('record');
  const [preview, setPreview] = useState<ProvisionRunPreview | null>(null);
  const [confirmed, setConfirmed] = useState<ConfirmedRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const recipient = parties?.find((p) => p.code === party);
  const effectiveBasis = basis || recipient?.legal_basis || 'consent';
  const toggle = (list: string[], v: string, on: boolean) => (on ? [...list, v] : list.filter((x) => x !== v));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setConfirmed(null);
    try {
      const population =
        kind === 'system'
          ? { kind, system }
          : kind === 'codes'
            ? {
                kind,
                member_codes: codes
                  .split(/[\s,、]+/)
                  .map((c) => c.trim())
                  .filter(Boolean),
                ...(file ? { member_codes_csv_base64: await toBase64(file) } : {}),
              }
            : {
                kind,
                ...(status.length ? { status } : {}),
                ...(delivery.length ? { delivery_type: delivery } : {}),
                ...(joinedFrom ? { joined_from: joinedFrom } : {}),
                ...(joinedTo ? { joined_to: joinedTo } : {}),
              };
      setPreview(
        await api.post<ProvisionRunPreview>('/provision/runs', {
          third_party_code: party,
          population,
          ...(basis ? { legal_basis: basis } : {}),
          ...(effectiveBasis !== 'consent' ? { exception_reason: reason } : {}),
          record_mode: recordMode,
          retention,
        }),
      );
    } catch (err) {
      setError(err);
      setPreview(null);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (!preview) return;
    setBusy(true);
    setError(null);
    try {
      setConfirmed(await api.post<ConfirmedRun>(`/provision/runs/${encodeURIComponent(preview.id)}/confirm`));
      setPreview(null);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (registerError) return <ErrorNotice error={registerError} />;
  if (!parties) return <Loading />;

  return (
    <Card title={t('provision.new.title')}>
      {confirmed && (
        <Notice
          tone="success"
          testId="provision-confirmed"
          title={t('provision.confirmed', { n: confirmed.included, records: confirmed.records })}
          actions={<DownloadButtons runId={confirmed.id} name={confirmed.third_party_code} />}
        >
          {confirmed.changed_since_preview && <p>{t('provision.changed')}</p>}
        </Notice>
      )}
      {!preview && (
        <form onSubmit={submit} noValidate data-testid="provision-run-form">
          <div className="form-grid">
            <Field label={t('provision.recipient')} required>
              {(p) => (
                <select
                  {...p}
                  name="third_party"
                  value={party}
                  onChange={(e) => {
                    setParty(e.target.value);
                    // Where a contract stands in for the record, the register says so: 1 year instead of 3.
                    setRetention(parties.find((tp) => tp.code === e.target.value)?.contract_record ? 'contract' : 'record');
                  }}
                >
                  <option value="">{t('provision.recipient.choose')}</option>
                  {parties.map((tp) => (
                    <option key={tp.code} value={tp.code}>
                      {pick(tp.name, tp.name_en)}
                      {tp.country && !JAPAN.test(tp.country) ? ` — ${t('provision.recipient.foreign', { country: tp.country })}` : ''}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('provision.basis')}>
              {(p) => (
                <select {...p} name="legal_basis" value={basis} onChange={(e) => setBasis(e.target.value)}>
                  <option value="">
                    {t('provision.basis.register', { basis: t(`policy.legalBasis.${recipient?.legal_basis ?? 'consent'}` as MessageKey) })}
                  </option>
                  {bases.map((b) => (
                    <option key={b} value={b}>
                      {t(`policy.legalBasis.${b}` as MessageKey)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          {recipient && recipient.items.length > 0 && (
            <p className="muted" data-testid="provision-register-items">
              {t('provision.preview.items')}: {i18n.list(recipient.items.map((c) => labels.item(c)))}
            </p>
          )}
          {effectiveBasis !== 'consent' && (
            <Field label={t('provision.exceptionReason')} hint={t('provision.exceptionReason.hint')} required>
              {(p) => <textarea {...p} name="exception_reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
          )}
          <fieldset className="segmented">
            <legend className="field-label">{t('provision.population')}</legend>
            {(systems.length ? (['codes', 'filter', 'system'] as const) : (['codes', 'filter'] as const)).map((k) => (
              <label key={k} className={`segmented-option${kind === k ? ' checked' : ''}`}>
                <input type="radio" name="population" value={k} checked={kind === k} onChange={() => setKind(k)} />
                {t(`provision.population.${k}`)}
              </label>
            ))}
          </fieldset>
          {kind === 'system' ? (
            <Field label={t('provision.population.systemName')} hint={t('provision.population.systemHint')}>
              {(p) => (
                <select {...p} name="system" value={system} onChange={(e) => setSystem(e.target.value)}>
                  <option value="">{t('provision.recipient.choose')}</option>
                  {systems.map((s) => (
                    <option key={s.code} value={s.code}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : kind === 'codes' ? (
            <div className="form-grid">
              <Field label={t('provision.codes')}>
                {(p) => <textarea {...p} name="member_codes" rows={4} value={codes} onChange={(e) => setCodes(e.target.value)} />}
              </Field>
              <Field label={t('provision.csv')}>
                {(p) => (
                  <input
                    {...p}
                    type="file"
                    name="member_codes_csv"
                    accept=".csv,text/csv"
                    onChange={(e) => setFile(e.target.files?.[0] ?? null)}
                  />
                )}
              </Field>
            </div>
          ) : (
            <div className="form-grid">
              <fieldset>
                <legend className="field-label">{t('provision.filter.status')}</legend>
                <div className="check-row">
                  {statuses.map((s) => (
                    <label key={s}>
                      <input
                        type="checkbox"
                        checked={status.includes(s)}
                        onChange={(e) => setStatus(toggle(status, s, e.target.checked))}
                      />{' '}
                      {t(`provision.status.${s}`)}
                    </label>
                  ))}
                </div>
              </fieldset>
              <fieldset>
                <legend className="field-label">{t('provision.filter.deliveryType')}</legend>
                <div className="check-row">
                  {deliveries.map((d) => (
                    <label key={d}>
                      <input
                        type="checkbox"
                        checked={delivery.includes(d)}
                        onChange={(e) => setDelivery(toggle(delivery, d, e.target.checked))}
                      />{' '}
                      {t(`provision.delivery.${d}`)}
                    </label>
                  ))}
                </div>
              </fieldset>
              <Field label={t('provision.filter.joinedFrom')}>
                {(p) => <input {...p} type="date" value={joinedFrom} onChange={(e) => setJoinedFrom(e.target.value)} />}
              </Field>
              <Field label={t('provision.filter.joinedTo')}>
                {(p) => <input {...p} type="date" value={joinedTo} onChange={(e) => setJoinedTo(e.target.value)} />}
              </Field>
            </div>
          )}
          {effectiveBasis === 'consent' && (
            <fieldset className="segmented">
              <legend className="field-label">{t('provision.recordMode')}</legend>
              {(['per_person', 'continuous'] as const).map((m) => (
                <label key={m} className={`segmented-option${recordMode === m ? ' checked' : ''}`}>
                  <input type="radio" name="record_mode" value={m} checked={recordMode === m} onChange={() => setRecordMode(m)} />
                  {t(`provision.recordMode.${m}`)}
                </label>
              ))}
            </fieldset>
          )}
          {effectiveBasis === 'consent' && (
            <fieldset className="segmented">
              <legend className="field-label">{t('provision.retention')}</legend>
              {(['record', 'contract'] as const).map((r) => (
                <label key={r} className={`segmented-option${retention === r ? ' checked' : ''}`}>
                  <input type="radio" name="retention" value={r} checked={retention === r} onChange={() => setRetention(r)} />
                  {t(`provision.retention.${r}`)}
                </label>
              ))}
            </fieldset>
          )}
          {error !== null && <ErrorNotice error={error} />}
          <p>
            <Button type="submit" variant="primary" busy={busy} disabled={!party} data-testid="provision-preview">
              {t('provision.preview')}
            </Button>
          </p>
        </form>
      )}
      {preview && (
        <div data-testid="provision-preview-result">
          <h3 className="card-subtitle">{t('provision.preview.title')}</h3>
          <dl className="provision-facts">
            <dt>{t('provision.recipient')}</dt>
            <dd>
              {preview.recipient.name}
              {preview.recipient.address && <span className="sub">{preview.recipient.address}</span>}
              {preview.recipient.representative && <span className="sub">{preview.recipient.representative}</span>}
              {preview.recipient.country && <span className="sub">{preview.recipient.country}</span>}
            </dd>
            <dt>{t('provision.preview.items')}</dt>
            <dd>{i18n.list(preview.items.map((c) => labels.item(c)))}</dd>
            <dt>{t('provision.basis')}</dt>
            <dd>
              {t(`policy.legalBasis.${preview.legal_basis}` as MessageKey)}
              {preview.exception_reason && <span className="sub">{preview.exception_reason}</span>}
            </dd>
            <dt>{t('provision.recordMode')}</dt>
            <dd>{t(`provision.recordMode.${preview.record_mode}`)}</dd>
            <dt>{t('provision.preview.included')}</dt>
            <dd className="provision-count" data-testid="provision-included">
              {t('provision.count', { n: preview.included })}
            </dd>
            <dt>{t('provision.preview.excluded')}</dt>
            <dd className="provision-count" data-testid="provision-excluded-total">
              {t('provision.count', { n: preview.excluded_total })}
            </dd>
          </dl>
          <ExcludedTable excluded={preview.excluded} />
          {preview.items_outside_ledger.length > 0 && (
            <Notice tone="info">
              {t('provision.preview.outside', { items: i18n.list(preview.items_outside_ledger.map((c) => labels.item(c))) })}
            </Notice>
          )}
          {preview.included === 0 && <Notice tone="warning">{t('provision.preview.nobody')}</Notice>}
          {error !== null && <ErrorNotice error={error} />}
          <p>
            <Button
              variant="primary"
              busy={busy}
              disabled={preview.included === 0}
              onClick={() => void confirm()}
              data-testid="provision-confirm"
            >
              {t('provision.confirm')}
            </Button>{' '}
            <Button onClick={() => setPreview(null)}>{t('provision.restart')}</Button>
          </p>
        </div>
      )}
    </Card>
  );
}
