/**
 * Recording a review of an asset (date, result, notes) and retiring an asset (with the reason). Both send the
 * version the person saw, so a change made meanwhile is not overlooked.
 */
import { type FormEvent, useState } from 'react';
import { type ReviewResult, reviewResultLabels, reviewResults } from '../../../src/contract/ledger-vocabulary.ts';
import { ApiError, api } from '../api/client.ts';
import { Button, ErrorNotice, Field } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { type Asset, japanToday } from './ledger-model.ts';

function issuesOf(err: unknown, pick: (ja: string, en: string) => string): Record<string, string> {
  return err instanceof ApiError ? Object.fromEntries(err.issues.map((i) => [i.field, pick(i.message_ja, i.message_en)])) : {};
}

export function ReviewForm({ asset, onSaved }: { asset: Asset; onSaved: (a: Asset) => void }) {
  const { t, pick } = useI18n();
  const [reviewedOn, setReviewedOn] = useState(japanToday());
  const [result, setResult] = useState<ReviewResult>('no_change');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const issues = issuesOf(error, pick);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api.post<Asset>(`/ledger/assets/${asset.id}/reviews`, {
        reviewed_on: reviewedOn,
        result,
        notes: notes.trim(),
        version: asset.version,
      });
      setNotes('');
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="review-form" data-testid="review-form">
      <h3 className="subheading">{t('ledger.recordReview')}</h3>
      <div className="form-grid">
        <Field label={t('ledger.reviewedOn')} error={issues.reviewed_on} required>
          {(p) => (
            <input
              {...p}
              name="reviewed_on"
              type="date"
              max={japanToday()}
              value={reviewedOn}
              onChange={(e) => setReviewedOn(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('ledger.result')} required>
          {(p) => (
            <select {...p} name="result" value={result} onChange={(e) => setResult(e.target.value as ReviewResult)}>
              {reviewResults.map((r) => (
                <option key={r} value={r}>
                  {pick(reviewResultLabels[r].ja, reviewResultLabels[r].en)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('ledger.notes')} hint={t('ledger.notesHint')} error={issues.notes} className="span-2">
          {(p) => <textarea {...p} name="notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />}
        </Field>
      </div>
      {error !== null && Object.keys(issues).length === 0 && <ErrorNotice error={error} />}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {t('ledger.saveReview')}
        </Button>
      </div>
    </form>
  );
}

export function RetireForm({ asset, onSaved }: { asset: Asset; onSaved: (a: Asset) => void }) {
  const { t, pick } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const issues = issuesOf(error, pick);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.post<Asset>(`/ledger/assets/${asset.id}/retire`, { version: asset.version, reason: reason.trim() }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="hidden-items retire" data-testid="retire">
      <summary>{t('ledger.retire')}</summary>
      <p>{t('ledger.retireLead')}</p>
      <form onSubmit={submit} noValidate>
        <Field label={t('ledger.retireReason')} error={issues.reason} required>
          {(p) => <textarea {...p} name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        {error !== null && Object.keys(issues).length === 0 && <ErrorNotice error={error} />}
        <Button type="submit" variant="danger" busy={busy}>
          {t('ledger.retireSubmit')}
        </Button>
      </form>
    </details>
  );
}
