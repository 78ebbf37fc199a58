/**
 * The steps a role may take in the request's current state: 本人確認 (how identity was checked), 対応開始,
 * 承認, 回答 (what was done, sent to the person), 不応諾 (the reason is required and sent), 取下げ and 完了.
 * Each step sends the version the screen showed, so a step someone else took meanwhile is not overwritten.
 * Approving, answering and refusing first ask for confirmation in a dialog that restates what will happen and
 * to whom (request-confirm.tsx).
 */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, ErrorNotice, Field } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';
import { type ConfirmedStep, StepConfirmDialog } from './request-confirm.tsx';
import { allowedSteps, type RequestStep, type RequestView, requestLabels } from './request-model.ts';

export function RequestSteps({
  request,
  onDone,
  onConflict,
}: {
  request: RequestView;
  onDone: (r: RequestView, step: RequestStep) => void;
  onConflict: (error: ApiError) => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const label = requestLabels(i18n);
  const { me } = useSession();
  const steps = allowedSteps(request.state, me.role.kind);
  const [method, setMethod] = useState<'documents' | 'callback'>('documents');
  const [note, setNote] = useState('');
  const [answer, setAnswer] = useState('');
  const [reason, setReason] = useState('');
  const [withdrawReason, setWithdrawReason] = useState('');
  const [busy, setBusy] = useState<RequestStep | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<{ step: ConfirmedStep; extra: Record<string, string>; text: string } | null>(null);

  if (steps.length === 0) return <p className="muted">{t('request.steps.none')}</p>;

  const take = async (step: RequestStep, extra: Record<string, string> = {}) => {
    setBusy(step);
    setError(null);
    try {
      const next = await api.post<RequestView>(`/requests/${request.id}/steps`, { step, version: request.version, ...extra });
      setNote('');
      setAnswer('');
      setReason('');
      setWithdrawReason('');
      setConfirm(null);
      onDone(next, step);
    } catch (err) {
      setConfirm(null);
      if (err instanceof ApiError && err.code === 'request_version_conflict') onConflict(err);
      else setError(err);
    } finally {
      setBusy(null);
    }
  };
  const onSubmit =
    (step: RequestStep, extra: () => Record<string, string> = () => ({})) =>
    (e: FormEvent) => {
      e.preventDefault();
      const body = extra();
      // A refusal without a reason is refused by the server at once; the dialog is for what reaches the person.
      if (step === 'approve' || step === 'answer' || (step === 'refuse' && body.reason)) {
        setConfirm({ step, extra: body, text: body.answer ?? body.reason ?? '' });
      } else void take(step, body);
    };
  const trimmed = (key: string, value: string): Record<string, string> => (value.trim() ? { [key]: value.trim() } : {});

  return (
    <div className="request-steps" data-testid="request-steps">
      {error !== null && <ErrorNotice error={error} testId="step-error" />}
      {confirm && (
        <StepConfirmDialog
          request={request}
          step={confirm.step}
          text={confirm.text}
          busy={busy === confirm.step}
          onConfirm={() => void take(confirm.step, confirm.extra)}
          onCancel={() => setConfirm(null)}
        />
      )}
      {steps.includes('verify') && (
        <form
          className="step-form"
          onSubmit={onSubmit('verify', () => ({ identity_method: method, ...trimmed('identity_note', note) }))}
          data-step="verify"
        >
          <h3 className="subheading">{label.step('verify')}</h3>
          <div className="form-grid">
            <Field label={t('request.identityMethod')} required>
              {(p) => (
                <select
                  {...p}
                  name="identity_method"
                  value={method}
                  onChange={(e) => setMethod(e.target.value as 'documents' | 'callback')}
                >
                  <option value="documents">{label.identity('documents')}</option>
                  <option value="callback">{label.identity('callback')}</option>
                </select>
              )}
            </Field>
            <Field label={t('request.identityNote')} hint={t('request.identityNoteHint')}>
              {(p) => <input {...p} name="identity_note" value={note} onChange={(e) => setNote(e.target.value)} />}
            </Field>
          </div>
          <Button type="submit" variant="primary" busy={busy === 'verify'}>
            {t('request.do.verify')}
          </Button>
        </form>
      )}
      {(['start', 'approve', 'close'] as const)
        .filter((s) => steps.includes(s))
        .map((s) => (
          <form key={s} className="step-form step-form-inline" onSubmit={onSubmit(s)} data-step={s}>
            <p className="step-help">{t(`request.help.${s}`)}</p>
            <Button type="submit" variant="primary" busy={busy === s}>
              {t(`request.do.${s}`)}
            </Button>
          </form>
        ))}
      {steps.includes('answer') && (
        <form className="step-form" onSubmit={onSubmit('answer', () => trimmed('answer', answer))} data-step="answer">
          <h3 className="subheading">{label.step('answer')}</h3>
          <Field label={t('request.answerText')} hint={t('request.answerHint')}>
            {(p) => <textarea {...p} name="answer" rows={3} value={answer} onChange={(e) => setAnswer(e.target.value)} />}
          </Field>
          <Button type="submit" variant="primary" busy={busy === 'answer'}>
            {t('request.do.answer')}
          </Button>
        </form>
      )}
      {(steps.includes('refuse') || steps.includes('withdraw')) && (
        <details className="hidden-items step-other" data-testid="step-other">
          <summary>{t('request.otherSteps')}</summary>
          {steps.includes('refuse') && (
            <form className="step-form" onSubmit={onSubmit('refuse', () => trimmed('reason', reason))} data-step="refuse">
              <h3 className="subheading">{label.step('refuse')}</h3>
              <Field label={t('request.refuseReason')} hint={t('request.refuseHint')} required>
                {(p) => <textarea {...p} name="reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
              </Field>
              <Button type="submit" variant="danger" busy={busy === 'refuse'}>
                {t('request.do.refuse')}
              </Button>
            </form>
          )}
          {steps.includes('withdraw') && (
            <form className="step-form" onSubmit={onSubmit('withdraw', () => trimmed('reason', withdrawReason))} data-step="withdraw">
              <h3 className="subheading">{label.step('withdraw')}</h3>
              <Field label={t('request.withdrawReason')} hint={t('request.help.withdraw')}>
                {(p) => (
                  <textarea
                    {...p}
                    name="withdraw_reason"
                    rows={2}
                    value={withdrawReason}
                    onChange={(e) => setWithdrawReason(e.target.value)}
                  />
                )}
              </Field>
              <Button type="submit" busy={busy === 'withdraw'}>
                {t('request.do.withdraw')}
              </Button>
            </form>
          )}
        </details>
      )}
    </div>
  );
}
