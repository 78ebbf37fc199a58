/**
 * 連絡先の変更: the member corrects their own postal code, address, phone and e-mail directly. Only changed
 * fields are sent, with the version the form was filled from; if the record changed meanwhile (the co-op
 * corrected it, another device saved first) the member loads the latest and checks again.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, ErrorNotice, Field, Loading, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { inputKind } from '../members/member-fields.ts';
import { Link } from '../router.tsx';
import { itemLabels } from './data-sections.tsx';
import { type ContactField, contactFields, type MyData } from './types.ts';

type Values = Record<ContactField, string>;

function contactValues(data: MyData): Values {
  const value = (code: ContactField) => {
    const v = data.items.find((i) => i.code === code)?.value;
    return v === null || v === undefined ? '' : String(v);
  };
  return { postal_code: value('postal_code'), address: value('address'), phone: value('phone'), email: value('email') };
}

const autoComplete: Record<ContactField, string> = {
  postal_code: 'postal-code',
  address: 'street-address',
  phone: 'tel',
  email: 'email',
};

export function ContactPage() {
  const { t } = useI18n();
  const [data, setData] = useState<MyData | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const load = useCallback(async () => {
    try {
      setData(await api.get<MyData>('/portal/my'));
    } catch (err) {
      setLoadError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="my-narrow">
      <p className="my-crumbs">
        <Link to="/my">{t('my.backHome')}</Link>
      </p>
      <h1 className="my-title">{t('my.contact.title')}</h1>
      <p className="my-lead">{t('my.contact.lead')}</p>
      <ErrorNotice error={loadError} />
      {!data && loadError === null && <Loading />}
      {data && (
        <ContactForm
          // A new version (saved, or the latest loaded after a conflict) starts the form again from its values.
          key={data.version}
          data={data}
          saved={saved}
          onSaved={(d) => {
            setData(d);
            setSaved(true);
          }}
          onReload={async () => {
            setSaved(false);
            await load();
          }}
        />
      )}
    </div>
  );
}

function ContactForm({
  data,
  saved,
  onSaved,
  onReload,
}: {
  data: MyData;
  saved: boolean;
  onSaved: (d: MyData) => void;
  onReload: () => Promise<void>;
}) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const label = itemLabels(data, i18n);
  const initial = contactValues(data);
  const [values, setValues] = useState<Values>(initial);
  const [fieldErrors, setFieldErrors] = useState<Partial<Values>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const changed = contactFields.filter((f) => values[f].trim() !== initial[f]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldErrors({});
    if (changed.length === 0) {
      setError(new ApiError(400, 'nothing_changed', t('my.contact.nothing'), t('my.contact.nothing')));
      return;
    }
    setBusy(true);
    try {
      const changes = Object.fromEntries(changed.map((f) => [f, values[f].trim() || null]));
      onSaved(await api.patch<MyData>('/portal/my/contact', { version: data.version, changes }));
    } catch (err) {
      if (err instanceof ApiError) {
        const byField: Partial<Values> = {};
        for (const issue of err.issues) {
          const field = issue.field.replace(/^changes\./, '') as ContactField;
          if (contactFields.includes(field)) byField[field] ??= pick(issue.message_ja, issue.message_en);
        }
        setFieldErrors(byField);
      }
      setError(err);
      setBusy(false);
    }
  };

  const conflict = error instanceof ApiError && error.code === 'version_conflict';
  return (
    <form onSubmit={submit} noValidate className="my-card" data-testid="contact-form">
      {saved && (
        <Notice tone="success" testId="contact-saved" actions={<Link to="/my">{t('my.backHome')}</Link>}>
          {t('my.contact.saved')}
        </Notice>
      )}
      {conflict ? (
        <Notice
          tone="warning"
          title={t('my.contact.conflict.title')}
          testId="version-conflict"
          actions={
            <Button variant="primary" onClick={() => void onReload()}>
              {t('my.contact.conflict.reload')}
            </Button>
          }
        >
          {t('my.contact.conflict.text')}
        </Notice>
      ) : (
        <ErrorNotice error={error} />
      )}
      {contactFields.map((f) => (
        <Field key={f} label={label(f)} hint={t(`my.contact.hint.${f}`)} error={fieldErrors[f]}>
          {(p) => (
            <input
              {...p}
              name={f}
              type={inputKind(f) === 'email' ? 'email' : inputKind(f) === 'tel' ? 'tel' : 'text'}
              inputMode={f === 'postal_code' ? 'numeric' : undefined}
              autoComplete={autoComplete[f]}
              value={values[f]}
              onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
            />
          )}
        </Field>
      ))}
      <p className="my-note">{t('my.contact.other')}</p>
      <div className="form-actions">
        <Link to="/my" className="btn btn-secondary my-big">
          {t('common.cancel')}
        </Link>
        <Button type="submit" variant="primary" busy={busy} className="my-big">
          {t('my.contact.submit')}
        </Button>
      </div>
    </form>
  );
}
