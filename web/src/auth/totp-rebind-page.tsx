/**
 * 二要素認証の再登録: a signed-in staff member binds a new TOTP factor (a new phone, a lost app entry). The API
 * asks again who it is: the current password, and a current code from the factor in force (when there is
 * one; /auth/me's `totp`). It then shows the new secret as the sign-in enrolment does; a code from the new
 * app entry activates it, and only then does the old one stop working. Cancelling leaves the old one in force.
 */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, Card, ErrorNotice, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { CodeField, cleanCode, PasswordField, type TotpEnrolment, TotpEnrolmentSteps, useCodeSubmit } from './fields.tsx';

type Phase =
  | { step: 'reauth'; cancelled?: boolean }
  | { step: 'activate'; enrolment: TotpEnrolment }
  /** `rebind`: a factor was in force before, and has now been replaced. */
  | { step: 'done'; rebind: boolean };

export function TotpRebindPage() {
  const { t } = useI18n();
  const { me, refresh } = useSession();
  const [phase, setPhase] = useState<Phase>({ step: 'reauth' });
  const hadFactor = me.totp;

  return (
    <>
      <PageHeader title={t('rebind.title')} description={t(hadFactor ? 'rebind.lead' : 'rebind.lead.none')} />
      <div className="rebind">
        {phase.step === 'reauth' && (
          <>
            {phase.cancelled && (
              <Notice tone="info" testId="rebind-cancelled">
                {t(hadFactor ? 'rebind.cancelled' : 'rebind.cancelled.none')}
              </Notice>
            )}
            <ReauthStep hasFactor={hadFactor} onDone={(enrolment) => setPhase({ step: 'activate', enrolment })} />
          </>
        )}
        {phase.step === 'activate' && (
          <ActivateStep
            enrolment={phase.enrolment}
            onDone={() => {
              setPhase({ step: 'done', rebind: hadFactor });
              void refresh();
            }}
            onCancel={() => setPhase({ step: 'reauth', cancelled: true })}
          />
        )}
        {phase.step === 'done' && (
          <Notice tone="success" title={t('rebind.done.title')} testId="rebind-done">
            <p>{t(phase.rebind ? 'rebind.done.text' : 'rebind.done.text.first')}</p>
            <p>
              <Link to="/">{t('notFound.back')}</Link>
            </p>
          </Notice>
        )}
      </div>
    </>
  );
}

/** Step 1: the current password and, with a factor in force, a current code from it. */
function ReauthStep({ hasFactor, onDone }: { hasFactor: boolean; onDone: (enrolment: TotpEnrolment) => void }) {
  const { t } = useI18n();
  const { signOut } = useSession();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [fieldErrors, setFieldErrors] = useState<{ password?: string; code?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const clean = cleanCode(code);
    const errors: typeof fieldErrors = {};
    if (!password) errors.password = t('login.error.passwordRequired');
    if (hasFactor && !clean) errors.code = t('login.error.codeFormat');
    setFieldErrors(errors);
    setError(null);
    if (errors.password || errors.code) return;
    setBusy(true);
    try {
      onDone(await api.post<TotpEnrolment>('/auth/totp/enroll', { password, ...(hasFactor && clean ? { code: clean } : {}) }));
    } catch (err) {
      setError(err);
      setPassword('');
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  // Too many wrong answers lock the login and end every session, this one included.
  const locked = error instanceof ApiError && error.code === 'account_locked';
  return (
    <Card title={t('rebind.reauth.title')} className="rebind-card">
      <form onSubmit={submit} noValidate>
        <p className="card-lead">{t(hasFactor ? 'rebind.reauth.lead' : 'rebind.reauth.lead.none')}</p>
        <ErrorNotice
          error={error}
          testId="rebind-error"
          {...(locked
            ? {
                actions: (
                  <Button small onClick={() => void signOut()}>
                    {t('rebind.toSignIn')}
                  </Button>
                ),
              }
            : {})}
        />
        <PasswordField
          label={t('rebind.password')}
          value={password}
          onChange={setPassword}
          error={fieldErrors.password}
          disabled={locked}
          autoFocus
        />
        {hasFactor && (
          <CodeField value={code} onChange={setCode} error={fieldErrors.code} label={t('rebind.currentCode')} autoFocus={false} />
        )}
        <div className="form-actions">
          <Link to="/" className="btn btn-secondary">
            {t('common.cancel')}
          </Link>
          <Button type="submit" variant="primary" busy={busy} disabled={locked}>
            {t('rebind.reauth.submit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** Step 2: the new secret, as at the sign-in enrolment, and a first code from it to put it in force. */
function ActivateStep({ enrolment, onDone, onCancel }: { enrolment: TotpEnrolment; onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const s = useCodeSubmit('/auth/totp/activate', onDone);
  return (
    <Card title={t('rebind.activate.title')} className="rebind-card">
      <form onSubmit={s.submit} noValidate>
        <p className="card-lead">{t('rebind.activate.lead')}</p>
        <ErrorNotice error={s.error} testId="rebind-error" />
        <TotpEnrolmentSteps enrolment={enrolment} />
        <CodeField value={s.code} onChange={s.setCode} error={s.fieldError} label={t('rebind.newCode')} />
        <div className="form-actions">
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={s.busy}>
            {t('rebind.activate.submit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
