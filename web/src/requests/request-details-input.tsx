/**
 * What a request asks for, by kind: the fields and new values of a correction, the purposes of a cessation,
 * the recipients of a provision cessation, the items of a deletion (or all of them), and a free note. The
 * draft becomes the API's `detail` object with `detailOf`.
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Named } from '../api/types.ts';
import { Button, Field } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useLabels, useSession } from '../session.tsx';
import { correctableFields, type RequestKind } from './request-model.ts';

export interface DetailDraft {
  text: string;
  changes: { field: string; value: string }[];
  purposes: string[];
  thirdParties: string[];
  deletion: 'all' | 'chosen';
  items: string[];
}

export const emptyDetail: DetailDraft = {
  text: '',
  changes: [{ field: 'address', value: '' }],
  purposes: [],
  thirdParties: [],
  deletion: 'all',
  items: [],
};

/** The API's `detail` for a kind: only the keys that kind takes (the server refuses any other). */
export function detailOf(kind: RequestKind, d: DetailDraft): Record<string, unknown> {
  const text = d.text.trim() ? { text: d.text.trim() } : {};
  if (kind === 'correction') {
    // An empty new value asks for the entry to be removed (null), as the API takes it.
    const changes = Object.fromEntries(d.changes.filter((c) => c.field).map((c) => [c.field, c.value.trim() || null]));
    return { changes, ...text };
  }
  if (kind === 'cessation') return { purposes: d.purposes, ...text };
  if (kind === 'provision_cessation') return { third_parties: d.thirdParties, ...text };
  if (kind === 'deletion') return d.deletion === 'chosen' ? { items: d.items, ...text } : text;
  return text;
}

/** The recipients of the policy in effect (readable by officers, managers and auditors); null when not. */
function useThirdParties(): Named[] | null {
  const [parties, setParties] = useState<Named[] | null>(null);
  useEffect(() => {
    let live = true;
    (async () => {
      const { versions } = await api.get<{ versions: { number: number; status: string }[] }>('/policy/versions');
      const active = versions.find((v) => v.status === 'active');
      if (!active) return;
      const { document } = await api.get<{ document: { third_parties: Named[] } }>(`/policy/versions/${active.number}`);
      if (live) setParties(document.third_parties);
    })().catch(() => live && setParties(null));
    return () => {
      live = false;
    };
  }, []);
  return parties;
}

const toggle = (list: string[], code: string, on: boolean) => (on ? [...list, code] : list.filter((c) => c !== code));

export function RequestDetailsInput({
  kind,
  draft,
  onChange,
  error,
}: {
  kind: RequestKind;
  draft: DetailDraft;
  onChange: (d: DetailDraft) => void;
  error: string | undefined;
}) {
  const { t, pick } = useI18n();
  const labels = useLabels();
  const { purposes, items } = useSession();
  const thirdParties = useThirdParties();
  const set = (patch: Partial<DetailDraft>) => onChange({ ...draft, ...patch });

  return (
    <div className="request-details" data-testid="request-details">
      {kind === 'correction' && (
        <fieldset className="check-list">
          <legend className="field-label">{t('newRequest.changes')}</legend>
          {draft.changes.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
            <div className="form-grid" key={i}>
              <Field label={t('newRequest.changeField', { n: i + 1 })}>
                {(p) => (
                  <select
                    {...p}
                    value={c.field}
                    onChange={(e) => set({ changes: draft.changes.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)) })}
                  >
                    {correctableFields.map((f) => (
                      <option key={f} value={f}>
                        {labels.item(f)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('newRequest.changeValue', { n: i + 1 })} hint={t('newRequest.changeValueHint')}>
                {(p) => (
                  <input
                    {...p}
                    value={c.value}
                    onChange={(e) => set({ changes: draft.changes.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })}
                  />
                )}
              </Field>
            </div>
          ))}
          <div className="form-actions">
            {draft.changes.length > 1 && (
              <Button small onClick={() => set({ changes: draft.changes.slice(0, -1) })}>
                {t('newRequest.removeChange')}
              </Button>
            )}
            <Button small onClick={() => set({ changes: [...draft.changes, { field: 'phone', value: '' }] })}>
              {t('newRequest.addChange')}
            </Button>
          </div>
        </fieldset>
      )}

      {kind === 'cessation' && (
        <fieldset className="check-list">
          <legend className="field-label">{t('newRequest.purposes')}</legend>
          <div className="check-grid">
            {purposes
              .filter((p) => p.status === 'active')
              .map((p) => (
                <label key={p.code} className="check">
                  <input
                    type="checkbox"
                    checked={draft.purposes.includes(p.code)}
                    onChange={(e) => set({ purposes: toggle(draft.purposes, p.code, e.target.checked) })}
                  />
                  {p.label} {pick(p.name, p.name_en)}
                </label>
              ))}
          </div>
        </fieldset>
      )}

      {kind === 'provision_cessation' &&
        (thirdParties ? (
          <fieldset className="check-list">
            <legend className="field-label">{t('newRequest.thirdParties')}</legend>
            <div className="check-grid">
              {thirdParties.map((p) => (
                <label key={p.code} className="check">
                  <input
                    type="checkbox"
                    checked={draft.thirdParties.includes(p.code)}
                    onChange={(e) => set({ thirdParties: toggle(draft.thirdParties, p.code, e.target.checked) })}
                  />
                  {pick(p.name, p.name_en)} <span className="mono muted">{p.code}</span>
                </label>
              ))}
            </div>
          </fieldset>
        ) : (
          <Field label={t('newRequest.thirdPartyCodes')} hint={t('newRequest.thirdPartyCodesHint')}>
            {(p) => (
              <input
                {...p}
                name="third_parties"
                value={draft.thirdParties.join(', ')}
                onChange={(e) =>
                  set({
                    thirdParties: e.target.value
                      .split(/[,、\s]+/)
                      .map((s) => s.trim())
                      .filter(Boolean),
                  })
                }
              />
            )}
          </Field>
        ))}

      {kind === 'deletion' && (
        <fieldset className="check-list">
          <legend className="field-label">{t('newRequest.deletion')}</legend>
          <label className="check">
            <input type="radio" name="deletion" checked={draft.deletion === 'all'} onChange={() => set({ deletion: 'all' })} />
            {t('newRequest.deletion.all')}
          </label>
          <label className="check">
            <input type="radio" name="deletion" checked={draft.deletion === 'chosen'} onChange={() => set({ deletion: 'chosen' })} />
            {t('newRequest.deletion.chosen')}
          </label>
          {draft.deletion === 'chosen' && (
            <div className="check-grid">
              {items.map((i) => (
                <label key={i.code} className="check">
                  <input
                    type="checkbox"
                    checked={draft.items.includes(i.code)}
                    onChange={(e) => set({ items: toggle(draft.items, i.code, e.target.checked) })}
                  />
                  {pick(i.name, i.name_en)}
                </label>
              ))}
            </div>
          )}
        </fieldset>
      )}

      {error && (
        <p className="field-error" data-testid="field-error">
          {error}
        </p>
      )}

      <Field label={t('newRequest.text')} hint={t('newRequest.textHint')}>
        {(p) => <textarea {...p} name="text" rows={3} value={draft.text} onChange={(e) => set({ text: e.target.value })} />}
      </Field>
    </div>
  );
}
