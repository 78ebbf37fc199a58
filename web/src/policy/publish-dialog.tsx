/**
 * 公表: publishing the saved draft as the next version, from an effective date (by default the earliest the
 * notice rules allow). A change that needs prior notice is said first and prominently; the warnings that
 * publishing accepts (they are kept with the version) are restated, each; the server's refusals (gaps, notice
 * period, date) are shown with every issue they name.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, ErrorNotice, Field, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ChangeList } from './review-panel.tsx';
import type { DraftReview, VersionSummary } from './types.ts';

export function PublishDialog({
  revision,
  review,
  onClose,
  onPublished,
}: {
  revision: number;
  review: DraftReview;
  onClose: () => void;
  onPublished: (version: VersionSummary) => void;
}) {
  const { t, pick } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [effectiveOn, setEffectiveOn] = useState(review.earliest_effective_on);
  const [summary, setSummary] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<{ version: VersionSummary }>('/policy/publish', {
        revision,
        effective_on: effectiveOn,
        ...(summary.trim() ? { summary: summary.trim() } : {}),
      });
      onPublished(answer.version);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const issues = error instanceof ApiError ? error.issues : [];
  const errors = review.gaps.filter((g) => g.severity === 'error').length;
  const warnings = review.gaps.filter((g) => g.severity === 'warning');
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="publish-title"
      data-testid="publish-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id="publish-title" className="dialog-title">
          {t('policy.publish.title')}
        </h2>
        <p className="dialog-lead">{t('policy.publish.lead', { n: review.base ? review.base.number + 1 : 1 })}</p>
        {review.notice_required && (
          <Notice
            tone="warning"
            title={t('policy.publish.priorNotice', { date: review.earliest_effective_on })}
            testId="publish-prior-notice"
          >
            {t('policy.publish.priorNoticeHelp')}
          </Notice>
        )}
        {errors > 0 && <Notice tone="error" title={t('policy.publish.hasErrors', { n: errors })} />}
        {warnings.length > 0 && (
          <Notice tone="warning" title={t('policy.publish.warnings', { n: warnings.length })} testId="publish-warnings">
            <p>{t('policy.publish.warningsHelp')}</p>
            <ul className="issue-list">
              {warnings.map((g) => (
                <li key={`${g.code}@${g.path}`} data-testid="publish-warning">
                  {pick(g.message_ja, g.message_en)}
                </li>
              ))}
            </ul>
          </Notice>
        )}
        <div className="form-grid">
          <Field
            label={t('policy.publish.effectiveOn')}
            hint={t('policy.publish.effectiveOnHint', { date: review.earliest_effective_on })}
            required
          >
            {(p) => <input {...p} type="date" required value={effectiveOn} onChange={(e) => setEffectiveOn(e.target.value)} />}
          </Field>
        </div>
        <Field label={t('policy.publish.summary')} hint={t('policy.publish.summaryHint')}>
          {(p) => <textarea {...p} rows={2} maxLength={1000} value={summary} onChange={(e) => setSummary(e.target.value)} />}
        </Field>
        {review.changes.length > 0 && (
          <details className="dialog-changes" open={review.changes.length <= 6}>
            <summary>{t('policy.publish.changes', { n: review.changes.length })}</summary>
            <ChangeList changes={review.changes} />
          </details>
        )}
        {error !== null && (
          <div data-testid="publish-error">
            <ErrorNotice error={error} />
            {issues.length > 0 && (
              <ul className="issue-list">
                {issues.map((i, k) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: issues are listed as the server sent them
                  <li key={k} data-testid="publish-issue">
                    {pick(i.message_ja, i.message_en)}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className="form-actions">
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy} data-testid="publish-submit">
            {t('policy.publish.submit')}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
