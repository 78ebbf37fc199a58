/**
 * Registering or changing an information asset: what it is and who owns it, its items and purposes (from the
 * organization's registers), how it is handled, how it was acquired, and the risk table of the seven
 * lifecycle stages. A change sends only what differs, at the version the editor saw; a conflict offers the
 * latest version; refusals appear at their fields.
 */
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import {
  acquisitionLabels,
  acquisitionMethods,
  assetFieldLabels,
  MAX_REVIEW_INTERVAL_MONTHS,
  media,
  mediumLabels,
} from '../../../src/contract/ledger-vocabulary.ts';
import { ApiError, api } from '../api/client.ts';
import type { Named } from '../api/types.ts';
import { Button, ErrorNotice, Field, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { sortItems } from '../members/member-fields.ts';
import { useSession } from '../session.tsx';
import { type Asset, type AssetDraft, changesOf, japanToday, payloadOf, type RiskDraft, risksToSend, textFields } from './ledger-model.ts';
import { RiskTableInput } from './risk-table-input.tsx';

type Props =
  | { mode: 'create'; initial: AssetDraft; onSaved: (a: Asset) => void; onCancel: () => void }
  | { mode: 'edit'; initial: AssetDraft; asset: Asset; onSaved: (a: Asset) => void; onCancel: () => void; onReload: () => void };

/** Where an issue from the API belongs in the form: `items.3` → items, `risks.0.threats` → risks.<stage>.threats. */
function placeIssues(issues: ApiError['issues'], stages: string[], pick: (ja: string, en: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const parts = issue.field.replace(/^changes\./, '').split('.');
    let key = parts[0] ?? '';
    if (key === 'risks' && parts.length >= 3) key = `risks.${stages[Number(parts[1])] ?? parts[1]}.${parts[2]}`;
    out[key] ??= pick(issue.message_ja, issue.message_en);
  }
  return out;
}

export function AssetForm(props: Props) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { me, items: register, purposes } = useSession();
  // Ledger fields first, in ledger order, as everywhere else in the console.
  const items = sortItems(register.map((i) => i.code)).map((code) => register.find((i) => i.code === code)!);
  const [draft, setDraft] = useState<AssetDraft>(props.initial);
  const [departments, setDepartments] = useState<Named[]>(me.department ? [me.department] : []);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldName = (k: keyof typeof assetFieldLabels) => pick(assetFieldLabels[k].ja, assetFieldLabels[k].en);

  useEffect(() => {
    if (me.role.kind !== 'privacy_officer') return;
    api
      .get<{ departments: Named[] }>('/organization')
      .then((o) => setDepartments(o.departments))
      .catch(() => {});
  }, [me.role.kind]);

  const set = <K extends keyof AssetDraft>(key: K, value: AssetDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setRisk = (stage: string, patch: Partial<RiskDraft>) =>
    setDraft((d) => ({ ...d, risks: d.risks.map((r) => (r.stage === stage ? { ...r, ...patch } : r)) }));
  const toggle = (key: 'items' | 'purposes', code: string) =>
    setDraft((d) => ({ ...d, [key]: d[key].includes(code) ? d[key].filter((c) => c !== code) : [...d[key], code] }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setIssues({});
    setError(null);
    try {
      let saved: Asset;
      if (props.mode === 'create') {
        saved = await api.post<Asset>('/ledger/assets', {
          ...payloadOf(draft),
          ...(draft.last_reviewed_on ? { last_reviewed_on: draft.last_reviewed_on } : {}),
        });
      } else {
        const changes = changesOf(props.initial, draft);
        saved =
          Object.keys(changes).length === 0
            ? props.asset
            : await api.patch<Asset>(`/ledger/assets/${props.asset.id}`, { version: props.asset.version, changes });
      }
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError) setIssues(placeIssues(err.issues, risksToSend(draft).stages, pick));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const conflict = error instanceof ApiError && error.code === 'ledger_version_conflict';
  const text = (key: (typeof textFields)[number] | 'data_subjects' | 'other_items' | 'sensitive_note' | 'acquisition_note', rows = 0) => (
    <Field key={key} label={fieldName(key)} error={issues[key]} className={rows ? 'span-2' : undefined}>
      {(p) =>
        rows ? (
          <textarea {...p} name={key} rows={rows} value={draft[key]} onChange={(e) => set(key, e.target.value)} />
        ) : (
          <input {...p} name={key} value={draft[key]} onChange={(e) => set(key, e.target.value)} />
        )
      }
    </Field>
  );
  const section = (title: string, children: ReactNode) => (
    <fieldset className="form-section">
      <legend>{title}</legend>
      <div className="form-grid">{children}</div>
    </fieldset>
  );

  return (
    <form onSubmit={submit} noValidate className="edit-form asset-form" data-testid="asset-form">
      {conflict ? (
        <Notice
          tone="warning"
          title={t('edit.conflict.title')}
          testId="version-conflict"
          actions={
            props.mode === 'edit' && (
              <Button variant="primary" small onClick={props.onReload}>
                {t('edit.conflict.reload')}
              </Button>
            )
          }
        >
          <p>{pick((error as ApiError).messageJa, (error as ApiError).messageEn)}</p>
          <p>{t('edit.conflict.help')}</p>
        </Notice>
      ) : (
        error !== null && <ErrorNotice error={error} title={Object.keys(issues).length ? t('edit.invalid') : undefined} />
      )}

      {section(
        t('ledger.section.basic'),
        <>
          <Field label={fieldName('name')} error={issues.name} required>
            {(p) => <input {...p} name="name" value={draft.name} onChange={(e) => set('name', e.target.value)} />}
          </Field>
          <Field label={fieldName('code')} hint={props.mode === 'create' ? t('ledger.codeHint') : undefined} error={issues.code}>
            {(p) => <input {...p} name="code" className="mono" value={draft.code} onChange={(e) => set('code', e.target.value)} />}
          </Field>
          <Field label={fieldName('department')} error={issues.department} required>
            {(p) => (
              <select {...p} name="department" value={draft.department} onChange={(e) => set('department', e.target.value)}>
                {!draft.department && <option value="">{t('users.choose')}</option>}
                {departments.map((d) => (
                  <option key={d.code} value={d.code}>
                    {pick(d.name, d.name_en)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={fieldName('medium')} error={issues.medium} required>
            {(p) => (
              <select {...p} name="medium" value={draft.medium} onChange={(e) => set('medium', e.target.value as AssetDraft['medium'])}>
                {media.map((m) => (
                  <option key={m} value={m}>
                    {pick(mediumLabels[m].ja, mediumLabels[m].en)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={fieldName('description')} error={issues.description} className="span-2">
            {(p) => (
              <textarea {...p} name="description" rows={2} value={draft.description} onChange={(e) => set('description', e.target.value)} />
            )}
          </Field>
          {text('data_subjects')}
          <Field label={fieldName('record_count')} error={issues.record_count}>
            {(p) => (
              <input
                {...p}
                name="record_count"
                inputMode="numeric"
                value={draft.record_count}
                onChange={(e) => set('record_count', e.target.value)}
              />
            )}
          </Field>
        </>,
      )}

      {section(
        t('ledger.section.data'),
        <>
          <fieldset className="check-grid span-2" aria-invalid={issues.items ? true : undefined}>
            <legend className="field-label">{fieldName('items')}</legend>
            {items.map((i) => (
              <label key={i.code} className="check">
                <input
                  type="checkbox"
                  name="items"
                  value={i.code}
                  checked={draft.items.includes(i.code)}
                  onChange={() => toggle('items', i.code)}
                />
                {pick(i.name, i.name_en)}
                {i.sensitive ? <span className="sensitive-mark">{t('ledger.sensitive')}</span> : null}
              </label>
            ))}
            {issues.items && <p className="field-error">{issues.items}</p>}
          </fieldset>
          {text('other_items', 2)}
          <fieldset className="check-list span-2">
            <legend className="field-label">{fieldName('purposes')}</legend>
            {purposes.map((p) => (
              <label key={p.code} className="check">
                <input
                  type="checkbox"
                  name="purposes"
                  value={p.code}
                  checked={draft.purposes.includes(p.code)}
                  onChange={() => toggle('purposes', p.code)}
                />
                <span className="purpose-number">{p.label}</span> {pick(p.name, p.name_en)}
              </label>
            ))}
            {issues.purposes && <p className="field-error">{issues.purposes}</p>}
          </fieldset>
          <div className="span-2">
            <label className="check">
              <input type="checkbox" name="sensitive" checked={draft.sensitive} onChange={(e) => set('sensitive', e.target.checked)} />
              {t('ledger.sensitiveCheck')}
            </label>
          </div>
          {draft.sensitive && text('sensitive_note')}
        </>,
      )}

      {section(
        t('ledger.section.handling'),
        textFields.slice(0, 6).map((f) => text(f)),
      )}

      {section(
        t('ledger.section.acquisition'),
        <>
          <Field label={fieldName('acquisition_method')} error={issues.acquisition_method}>
            {(p) => (
              <select
                {...p}
                name="acquisition_method"
                value={draft.acquisition_method}
                onChange={(e) => set('acquisition_method', e.target.value as AssetDraft['acquisition_method'])}
              >
                <option value="">{t('ledger.notEntered')}</option>
                {acquisitionMethods.map((m) => (
                  <option key={m} value={m}>
                    {pick(acquisitionLabels[m].ja, acquisitionLabels[m].en)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {text('acquisition_note')}
          {textFields.slice(6).map((f) => text(f))}
          <Field label={fieldName('contractors')} hint={t('ledger.contractorsHint')} error={issues.contractors} className="span-2">
            {(p) => (
              <textarea {...p} name="contractors" rows={2} value={draft.contractors} onChange={(e) => set('contractors', e.target.value)} />
            )}
          </Field>
        </>,
      )}

      <RiskTableInput risks={draft.risks} issues={issues} onChange={setRisk} />

      {section(
        t('ledger.section.review'),
        <>
          <Field label={fieldName('review_interval_months')} hint={t('ledger.intervalHint')} error={issues.review_interval_months}>
            {(p) => (
              <select
                {...p}
                name="review_interval_months"
                value={draft.review_interval_months}
                onChange={(e) => set('review_interval_months', Number(e.target.value))}
              >
                {Array.from({ length: MAX_REVIEW_INTERVAL_MONTHS }, (_, i) => i + 1).map((n) => (
                  <option key={n} value={n}>
                    {t('ledger.months', { n })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {props.mode === 'create' && (
            <Field label={fieldName('last_reviewed_on')} hint={t('ledger.lastReviewedHint')} error={issues.last_reviewed_on}>
              {(p) => (
                <input
                  {...p}
                  name="last_reviewed_on"
                  type="date"
                  max={japanToday()}
                  value={draft.last_reviewed_on}
                  onChange={(e) => set('last_reviewed_on', e.target.value)}
                />
              )}
            </Field>
          )}
        </>,
      )}

      <div className="form-actions">
        <Button onClick={props.onCancel} disabled={busy}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" busy={busy}>
          {props.mode === 'create' ? t('ledger.create') : t('edit.save')}
        </Button>
      </div>
    </form>
  );
}
