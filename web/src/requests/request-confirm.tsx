/**
 * The confirmation before a deciding step (承認・回答・不応諾): it restates what will happen and to whom — the
 * person by name and member code, whether they are told (and that it cannot be undone), the answer or the reason
 * exactly as they will read it, and, for an answer, that the request is carried out and a disclosure becomes
 * downloadable. Nothing is sent until the officer confirms here.
 */
import { useEffect, useRef } from 'react';
import { Button, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { disclosingKinds, type RequestView, requestLabels } from './request-model.ts';

export type ConfirmedStep = 'approve' | 'answer' | 'refuse';

export function StepConfirmDialog({
  request,
  step,
  text,
  busy,
  onConfirm,
  onCancel,
}: {
  request: RequestView;
  step: ConfirmedStep;
  /** The answer or the reason as typed (empty: the standard answer). */
  text: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const label = requestLabels(i18n);
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const tellsPerson = step !== 'approve';
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="step-confirm-title"
      data-testid="step-confirm"
      data-step={step}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="step-confirm-title" className="dialog-title">
        {t(`request.confirm.${step}.title`)}
      </h2>
      <p className="dialog-lead">
        {request.reference} · {label.kind(request.kind)}
      </p>
      <p data-testid="confirm-person">
        <strong>{t('request.confirm.to')}:</strong>{' '}
        {t('request.confirm.toPerson', { name: request.member_name, code: request.member_code })}
      </p>
      <p>{t(`request.confirm.${step}.text`)}</p>
      {step === 'answer' && disclosingKinds.includes(request.kind) && <p>{t('request.confirm.answer.package')}</p>}
      {tellsPerson && (
        <Notice tone="warning" title={t('request.confirm.mail')}>
          <p className="subheading">{t('request.confirm.sent')}</p>
          {text.trim() ? (
            <p className="pre-wrap" data-testid="confirm-text">
              {text.trim()}
            </p>
          ) : (
            <p className="muted" data-testid="confirm-text">
              {t('request.confirm.answer.default')}
            </p>
          )}
        </Notice>
      )}
      <div className="form-actions">
        <Button onClick={onCancel}>{t('request.confirm.cancel')}</Button>
        <Button variant={step === 'refuse' ? 'danger' : 'primary'} busy={busy} onClick={onConfirm} data-testid="confirm-step">
          {t(`request.do.${step}`)}
        </Button>
      </div>
    </dialog>
  );
}
