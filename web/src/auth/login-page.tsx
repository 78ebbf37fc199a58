/**
 * Sign-in: login ID and password, then the TOTP code, or, for a role that needs a second factor and has
 * none yet, TOTP enrolment (the secret and the otpauth URI as text, then a first code to activate it).
 */
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { MfaStep } from '../api/types.ts';
import { BrandMark } from '../components/brand.tsx';
import { LangSwitch } from '../components/lang-switch.tsx';
import { Button, ErrorNotice, Field, Loading, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { CodeField, PasswordField, type TotpEnrolment, TotpEnrolmentSteps, useCodeSubmit } from './fields.tsx';

type Step = 'password' | 'totp' | 'enroll';

export function LoginPage({ initialStep, notice, onSignedIn }: { initialStep: Step; notice?: string; onSignedIn: () => void }) {
  const { t } = useI18n();
  const [step, setStep] = useState<Step>(initialStep);

  const restart = async () => {
    await api.post('/auth/logout').catch(() => {});
    setStep('password');
  };

  return (
    <div className="login-screen">
      <div className="login-top">
        <LangSwitch />
      </div>
      <main className="login-main">
        <section className="login-intro" aria-hidden="false">
          <div className="login-brand">
            <BrandMark size={44} />
            <div>
              <p className="login-product">mamori</p>
              <p className="login-product-ja">{t('app.subtitle')}</p>
            </div>
          </div>
          <p className="login-lead">{t('login.lead')}</p>
          <ul className="login-points">
            <li>{t('login.point.purpose')}</li>
            <li>{t('login.point.audit')}</li>
            <li>{t('login.point.mfa')}</li>
          </ul>
        </section>
        <section className="login-card" aria-labelledby="login-title">
          {notice && step === 'password' && <Notice tone="info">{notice}</Notice>}
          {step === 'password' && (
            <PasswordStep
              onDone={(mfa) => {
                if (mfa === 'none') onSignedIn();
                else setStep(mfa);
              }}
            />
          )}
          {step === 'totp' && <TotpStep onDone={onSignedIn} onRestart={restart} />}
          {step === 'enroll' && <EnrollStep onDone={onSignedIn} onRestart={restart} />}
        </section>
      </main>
      <footer className="login-footer">{t('login.footer')}</footer>
    </div>
  );
}

function PasswordStep({ onDone }: { onDone: (mfa: MfaStep) => void }) {
  const { t, pick } = useI18n();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<{ login?: string; password?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors: typeof fieldErrors = {};
    if (!login.trim()) errors.login = t('login.error.loginRequired');
    if (!password) errors.password = t('login.error.passwordRequired');
    setFieldErrors(errors);
    setError(null);
    if (errors.login || errors.password) return;
    setBusy(true);
    try {
      const answer = await api.post<{ mfa: MfaStep }>('/auth/login', { login: login.trim(), password });
      onDone(answer.mfa);
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  const locked = error instanceof ApiError && error.code === 'account_locked';
  return (
    <form onSubmit={submit} noValidate>
      <h1 id="login-title" className="login-title">
        {t('login.title')}
      </h1>
      <p className="login-sub">{t('login.subtitle')}</p>
      {locked && error instanceof ApiError ? (
        <Notice tone="error" title={t('login.locked.title')} testId="login-error">
          <p>{pick(error.messageJa, error.messageEn)}</p>
          <p>{t('login.locked.help')}</p>
        </Notice>
      ) : (
        error !== null && <ErrorNotice error={error} testId="login-error" />
      )}
      <Field label={t('login.loginId')} error={fieldErrors.login} required>
        {(p) => (
          <input
            {...p}
            name="username"
            autoComplete="username"
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the sign-in form has one purpose
            autoFocus
          />
        )}
      </Field>
      <PasswordField label={t('login.password')} value={password} onChange={setPassword} error={fieldErrors.password} />
      <Button type="submit" variant="primary" busy={busy} className="btn-block">
        {t('login.submit')}
      </Button>
    </form>
  );
}

function TotpStep({ onDone, onRestart }: { onDone: () => void; onRestart: () => void }) {
  const { t } = useI18n();
  const s = useCodeSubmit('/auth/totp', onDone);
  return (
    <form onSubmit={s.submit} noValidate>
      <h1 id="login-title" className="login-title">
        {t('login.totp.title')}
      </h1>
      <p className="login-sub">{t('login.totp.lead')}</p>
      <ErrorNotice error={s.error} testId="login-error" />
      <CodeField value={s.code} onChange={s.setCode} error={s.fieldError} />
      <Button type="submit" variant="primary" busy={s.busy} className="btn-block">
        {t('login.totp.submit')}
      </Button>
      <button type="button" className="link-button login-restart" onClick={onRestart}>
        {t('login.otherAccount')}
      </button>
    </form>
  );
}

function EnrollStep({ onDone, onRestart }: { onDone: () => void; onRestart: () => void }) {
  const { t } = useI18n();
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const s = useCodeSubmit('/auth/totp/activate', onDone);

  useEffect(() => {
    let live = true;
    api
      .post<TotpEnrolment>('/auth/totp/enroll')
      .then((r) => live && setEnrolment(r))
      .catch((err: unknown) => live && setLoadError(err));
    return () => {
      live = false;
    };
  }, []);

  return (
    <form onSubmit={s.submit} noValidate>
      <h1 id="login-title" className="login-title">
        {t('login.enroll.title')}
      </h1>
      <p className="login-sub">{t('login.enroll.lead')}</p>
      <ErrorNotice error={loadError ?? s.error} testId="login-error" />
      {!enrolment && !loadError && <Loading />}
      {enrolment && (
        <>
          <TotpEnrolmentSteps enrolment={enrolment} />
          <CodeField value={s.code} onChange={s.setCode} error={s.fieldError} />
          <Button type="submit" variant="primary" busy={s.busy} className="btn-block">
            {t('login.enroll.submit')}
          </Button>
        </>
      )}
      <button type="button" className="link-button login-restart" onClick={onRestart}>
        {t('login.otherAccount')}
      </button>
    </form>
  );
}
