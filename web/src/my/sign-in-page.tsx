/**
 * Signing in to the member page: the co-op, the member code and the password; or, the first time and when
 * the password is forgotten, a code by e-mail and a new password. The screens never tell whether a member
 * code exists: the server answers alike, and so do they.
 */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, ErrorNotice, Field, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { href, Link, useLocation } from '../router.tsx';

const ORG_KEY = 'mamori.my.org';
const DEFAULT_ORG = 'demo-coop';
const MIN_PASSWORD = 10;

/** The co-op from the link the member followed (`?org=`), else the one used last in this browser. */
function useInitialOrg(): string {
  const { query } = useLocation();
  return query.get('org') ?? window.localStorage.getItem(ORG_KEY) ?? DEFAULT_ORG;
}

/** Full-width digits and stray spaces from a phone keyboard are the same code. */
const clean = (s: string) => s.normalize('NFKC').replace(/\s/g, '');

function OrgField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string | undefined }) {
  const { t } = useI18n();
  return (
    <Field label={t('my.signIn.org')} hint={t('my.signIn.org.hint')} error={error} required>
      {(p) => <input {...p} name="org" autoComplete="organization" value={value} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

function MemberCodeField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string | undefined }) {
  const { t } = useI18n();
  return (
    <Field label={t('my.signIn.memberCode')} hint={t('my.signIn.memberCode.hint')} error={error} required>
      {(p) => (
        <input
          {...p}
          name="username"
          inputMode="numeric"
          autoComplete="username"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the sign-in form has one purpose
          autoFocus
        />
      )}
    </Field>
  );
}

type Errors = Partial<Record<'org' | 'memberCode' | 'password' | 'code' | 'confirm', string>>;

function requireIdentity(t: ReturnType<typeof useI18n>['t'], org: string, memberCode: string): Errors {
  const errors: Errors = {};
  if (!org.trim()) errors.org = t('my.signIn.error.org');
  if (!clean(memberCode)) errors.memberCode = t('my.signIn.error.memberCode');
  return errors;
}

export function SignInPage({ notice, onSignedIn }: { notice?: string; onSignedIn: () => void }) {
  const { t, pick } = useI18n();
  const [org, setOrg] = useState(useInitialOrg());
  const [memberCode, setMemberCode] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = requireIdentity(t, org, memberCode);
    if (!password) found.password = t('my.signIn.error.password');
    setErrors(found);
    setError(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      await api.post('/portal/auth/login', { org: org.trim(), member_code: clean(memberCode), password });
      window.localStorage.setItem(ORG_KEY, org.trim());
      onSignedIn();
    } catch (err) {
      setError(err);
      setPassword('');
      setBusy(false);
    }
  };

  const locked = error instanceof ApiError && error.code === 'member_account_locked';
  return (
    <div className="my-narrow">
      <h1 className="my-title">{t('my.signIn.title')}</h1>
      <p className="my-lead">{t('my.signIn.lead')}</p>
      {notice && <Notice tone="info">{notice}</Notice>}
      <form onSubmit={submit} noValidate className="my-card">
        {locked && error instanceof ApiError ? (
          <Notice tone="error" title={pick(error.messageJa, error.messageEn)} testId="sign-in-error">
            <p>{t('my.signIn.lockedHelp')}</p>
          </Notice>
        ) : (
          error !== null && <ErrorNotice error={error} testId="sign-in-error" />
        )}
        <OrgField value={org} onChange={setOrg} error={errors.org} />
        <MemberCodeField value={memberCode} onChange={setMemberCode} error={errors.memberCode} />
        <Field label={t('my.signIn.password')} error={errors.password} required>
          {(p) => (
            <input
              {...p}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" variant="primary" busy={busy} className="btn-block my-big">
          {t('my.signIn.submit')}
        </Button>
      </form>
      <p className="my-aside">
        <Link to={href('/my/code', { org: org.trim() })} className="my-link-big">
          {t('my.signIn.firstTime')}
        </Link>
      </p>
    </div>
  );
}

/** First sign-in and a forgotten password: a code by e-mail, then the code with a new password. */
export function CodePage({ onSignedIn }: { onSignedIn: () => void }) {
  const { t, pick } = useI18n();
  const [org, setOrg] = useState(useInitialOrg());
  const [memberCode, setMemberCode] = useState('');
  // Step 2 opens once a code was asked for here, or straight away for a member who has one (the mail's link).
  const [step, setStep] = useState<'ask' | 'enter'>('ask');
  const [sent, setSent] = useState<{ ja: string; en: string; again: boolean } | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const identified = () => {
    const found = requireIdentity(t, org, memberCode);
    setErrors(found);
    setError(null);
    return Object.keys(found).length === 0;
  };

  const ask = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!identified()) return;
    setBusy(true);
    try {
      const answer = await api.post<{ message_ja: string; message_en: string }>('/portal/auth/code', {
        org: org.trim(),
        member_code: clean(memberCode),
      });
      setSent((before) => ({ ja: answer.message_ja, en: answer.message_en, again: before !== null }));
      setStep('enter');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="my-narrow">
      <h1 className="my-title">{t('my.code.title')}</h1>
      <p className="my-lead">{t('my.code.lead')}</p>
      {step === 'ask' ? (
        <form onSubmit={ask} noValidate className="my-card">
          <h2 className="my-step">{t('my.code.step1')}</h2>
          <ErrorNotice error={error} testId="sign-in-error" />
          <OrgField value={org} onChange={setOrg} error={errors.org} />
          <MemberCodeField value={memberCode} onChange={setMemberCode} error={errors.memberCode} />
          <Button type="submit" variant="primary" busy={busy} className="btn-block my-big">
            {t('my.code.send')}
          </Button>
          <button type="button" className="link-button my-resend" onClick={() => identified() && setStep('enter')}>
            {t('my.code.have')}
          </button>
        </form>
      ) : (
        <>
          {sent && (
            <Notice tone="success" testId="code-sent" {...(sent.again ? { title: t('my.code.sentAgain') } : {})}>
              {pick(sent.ja, sent.en)}
            </Notice>
          )}
          <ErrorNotice error={error} testId="sign-in-error" />
          <NewPasswordForm org={org.trim()} memberCode={clean(memberCode)} onSignedIn={onSignedIn} onResend={() => void ask()} />
        </>
      )}
      <p className="my-aside">
        <Link to={href('/my/sign-in', { org: org.trim() })} className="my-link-big">
          {t('my.code.back')}
        </Link>
      </p>
    </div>
  );
}

function NewPasswordForm({
  org,
  memberCode,
  onSignedIn,
  onResend,
}: {
  org: string;
  memberCode: string;
  onSignedIn: () => void;
  onResend: () => void;
}) {
  const { t, pick } = useI18n();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const digits = clean(code).replace(/-/g, '');
    const found: Errors = {};
    if (!/^\d{6}$/.test(digits)) found.code = t('my.code.error.format');
    if (password.length < MIN_PASSWORD) found.password = t('my.code.error.short', { n: MIN_PASSWORD });
    else if (password !== confirm) found.confirm = t('my.code.error.confirm');
    setErrors(found);
    setError(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      await api.post('/portal/auth/verify', { org, member_code: memberCode, code: digits, new_password: password });
      window.localStorage.setItem(ORG_KEY, org);
      onSignedIn();
    } catch (err) {
      // The server's reason goes to the field it is about; anything else above the form.
      if (err instanceof ApiError && err.code === 'member_code_invalid') setErrors({ code: pick(err.messageJa, err.messageEn) });
      else if (err instanceof ApiError && err.code === 'member_password_weak') setErrors({ password: pick(err.messageJa, err.messageEn) });
      else setError(err);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="my-card">
      <h2 className="my-step">{t('my.code.step2')}</h2>
      <ErrorNotice error={error} testId="sign-in-error" />
      <Field label={t('my.code.code')} hint={t('my.code.code.hint')} error={errors.code} required>
        {(p) => (
          <input
            {...p}
            name="code"
            className="input-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={12}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the code is what this step asks for
            autoFocus
          />
        )}
      </Field>
      <Field label={t('my.code.newPassword')} hint={t('my.code.newPassword.hint', { n: MIN_PASSWORD })} error={errors.password} required>
        {(p) => (
          <input
            {...p}
            name="new-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('my.code.confirm')} error={errors.confirm} required>
        {(p) => (
          <input
            {...p}
            name="confirm-password"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" variant="primary" busy={busy} className="btn-block my-big">
        {t('my.code.submit')}
      </Button>
      <button type="button" className="link-button my-resend" onClick={onResend}>
        {t('my.code.resend')}
      </button>
    </form>
  );
}
