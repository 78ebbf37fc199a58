/**
 * What the staff sign-in steps and the re-bind screen (二要素認証の再登録) share: the password and one-time code
 * fields, submitting a code to the API, and the TOTP enrolment steps (the new secret and its otpauth URI as text).
 */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Field } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** What `POST /auth/totp/enroll` answers: the new (pending) secret and its otpauth:// URI. */
export interface TotpEnrolment {
  secret: string;
  uri: string;
}

/** A six-digit code as typed (full-width digits and spaces allowed), or null when it is not one. */
export function cleanCode(code: string): string | null {
  const clean = code.normalize('NFKC').replace(/\s/g, '');
  return /^\d{6}$/.test(clean) ? clean : null;
}

/** The staff member's current password (the browser may fill it in). */
export function PasswordField({
  label,
  value,
  onChange,
  error,
  autoFocus = false,
  disabled = false,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  autoFocus?: boolean;
  disabled?: boolean;
}) {
  return (
    <Field label={label} error={error} required>
      {(p) => (
        <input
          {...p}
          name="password"
          type="password"
          autoComplete="current-password"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          disabled={disabled}
          // biome-ignore lint/a11y/noAutofocus: only where the password is the first thing asked
          autoFocus={autoFocus}
        />
      )}
    </Field>
  );
}

export function CodeField({
  value,
  onChange,
  error,
  label,
  autoFocus = true,
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
  /** Defaults to 確認コード / One-time code. */
  label?: string;
  /** On the sign-in steps the code is the only thing asked, so it takes the focus. */
  autoFocus?: boolean;
}) {
  const { t } = useI18n();
  return (
    <Field label={label ?? t('login.code')} hint={t('login.code.hint')} error={error} required>
      {(p) => (
        <input
          {...p}
          name="code"
          className="input-code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={8}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: only where the code is the one thing asked
          autoFocus={autoFocus}
        />
      )}
    </Field>
  );
}

/** Sends `{ code }` to `path`; a wrong code becomes the field's error, any other refusal the form's. */
export function useCodeSubmit(path: string, onDone: () => void) {
  const { t, pick } = useI18n();
  const [code, setCode] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const clean = cleanCode(code);
    setError(null);
    if (!clean) {
      setFieldError(t('login.error.codeFormat'));
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      await api.post(path, { code: clean });
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_invalid') setFieldError(pick(err.messageJa, err.messageEn));
      else setError(err);
      setCode('');
    } finally {
      setBusy(false);
    }
  };
  return { code, setCode, fieldError, error, busy, submit };
}

/** The new secret (in groups of four) and its otpauth URI, to enter into the authenticator app, then the code step. */
export function TotpEnrolmentSteps({ enrolment }: { enrolment: TotpEnrolment }) {
  const { t } = useI18n();
  return (
    <ol className="enroll-steps">
      <li>
        <p>{t('login.enroll.step1')}</p>
        <p className="enroll-label">{t('login.enroll.secret')}</p>
        <code className="enroll-secret" data-testid="totp-secret">
          {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
        </code>
        <p className="enroll-label">{t('login.enroll.uri')}</p>
        <code className="enroll-uri" data-testid="totp-uri">
          {enrolment.uri}
        </code>
      </li>
      <li>
        <p>{t('login.enroll.step2')}</p>
      </li>
    </ol>
  );
}
