/**
 * 請求する: the member chooses one of the seven kinds (each explained in a line), says what it is about
 * (fields and new values, items, purposes, recipients) and, for a disclosure, the form to receive it in.
 * Filed from the signed-in page, the request needs no identity documents; the confirmation shows the
 * reference and the date the co-op answers by.
 */
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, ErrorNotice, Field, Loading, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { displayValue } from '../members/member-fields.ts';
import { circledNumber } from '../policy/types.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { itemLabels } from './data-sections.tsx';
import { formLabel, kindHelp, kindLabel } from './labels.ts';
import { useMemberSession } from './member-session.tsx';
import {
  correctableFields,
  disclosingKinds,
  type MyConsents,
  type MyData,
  type PackageForm,
  packageForms,
  type RequestKind,
  type RequestView,
  requestKinds,
} from './types.ts';
import { useWhose } from './whose.ts';

interface Choices {
  data: MyData;
  consents: MyConsents;
}

export function NewRequestPage() {
  const { t } = useI18n();
  const { me } = useMemberSession();
  const [choices, setChoices] = useState<Choices | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    Promise.all([api.get<MyData>('/portal/my'), api.get<MyConsents>('/portal/consents')])
      .then(([data, consents]) => setChoices({ data, consents }))
      .catch(setError);
  }, []);
  return (
    <div className="my-narrow">
      <p className="my-crumbs">
        <Link to="/my">{t('my.backHome')}</Link>
      </p>
      <h1 className="my-title">{t('my.new.title')}</h1>
      <p className="my-lead">{me.subject.is_self ? t('my.new.lead') : t('my.new.lead.ward', { name: me.subject.name })}</p>
      <ErrorNotice error={error} />
      {!choices && error === null && <Loading />}
      {choices && <RequestForm choices={choices} />}
    </div>
  );
}

function RequestForm({ choices }: { choices: Choices }) {
  const { t, pick } = useI18n();
  const whose = useWhose();
  const { query } = useLocation();
  const asked = query.get('kind');
  const [kind, setKind] = useState<RequestKind | null>(requestKinds.find((k) => k === asked) ?? null);
  const [form, setForm] = useState<PackageForm>('pdf');
  const [corrections, setCorrections] = useState<Record<string, string>>({});
  const [picked, setPicked] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const choose = (k: RequestKind) => {
    setKind(k);
    setPicked([]);
    setProblem(undefined);
    setError(null);
  };

  const detailOf = (k: RequestKind): Record<string, unknown> | string => {
    const note = text.trim() ? { text: text.trim() } : {};
    if (k === 'correction') {
      const changes = Object.fromEntries(Object.entries(corrections).filter(([, v]) => v.trim() !== ''));
      if (Object.keys(changes).length === 0) return t('my.new.error.correction');
      return { changes, ...note };
    }
    if (k === 'deletion') return picked.length ? { items: picked, ...note } : note;
    if (k === 'cessation') return picked.length ? { purposes: picked, ...note } : t('my.new.error.purposes');
    if (k === 'provision_cessation') return picked.length ? { third_parties: picked, ...note } : t('my.new.error.thirdParties');
    return note;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!kind) {
      setProblem(t('my.new.error.kind'));
      return;
    }
    const detail = detailOf(kind);
    if (typeof detail === 'string') {
      setProblem(detail);
      return;
    }
    setProblem(undefined);
    setBusy(true);
    try {
      const body = { kind, detail, ...(disclosingKinds.includes(kind) ? { delivery_form: form } : {}) };
      const filed = await api.post<RequestView>('/portal/requests', body);
      navigate(`/my/requests/${filed.id}?filed=1`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="my-card" data-testid="request-form">
      <fieldset className="my-kinds">
        <legend className="my-step">{t('my.new.kind')}</legend>
        {requestKinds.map((k) => (
          <label key={k} className={`my-kind${kind === k ? ' checked' : ''}`} data-kind={k}>
            <input type="radio" name="kind" checked={kind === k} onChange={() => choose(k)} />
            <span>
              <span className="my-kind-title">{t(kindLabel[k])}</span>
              <span className="my-kind-help">{t(kindHelp[k], { ...whose })}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {kind && (
        <>
          <KindDetail
            kind={kind}
            choices={choices}
            corrections={corrections}
            setCorrections={setCorrections}
            picked={picked}
            setPicked={setPicked}
          />
          {disclosingKinds.includes(kind) && (
            <fieldset className="my-forms">
              <legend className="my-step">{t('my.new.form')}</legend>
              {packageForms.map((f) => (
                <label key={f} className={`my-choice${form === f ? ' checked' : ''}`}>
                  <input type="radio" name="delivery_form" checked={form === f} onChange={() => setForm(f)} />
                  <span>
                    {t(formLabel[f])}
                    <span className="my-kind-help">{t(`my.form.${f}.help`)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          )}
          <Field label={t('my.new.text')} hint={t('my.new.text.hint')}>
            {(p) => <textarea {...p} name="text" rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} />}
          </Field>
        </>
      )}
      {problem && (
        <Notice tone="error" testId="request-problem">
          {problem}
        </Notice>
      )}
      <ErrorNotice error={error} />
      {error instanceof ApiError && error.issues.length > 0 && (
        <ul className="issue-list">
          {error.issues.map((i) => (
            <li key={`${i.field}-${i.code}-${i.message_en}`}>{pick(i.message_ja, i.message_en)}</li>
          ))}
        </ul>
      )}
      {kind && <p className="my-note">{t('my.new.after')}</p>}
      <div className="form-actions">
        <Link to="/my" className="btn btn-secondary my-big">
          {t('common.cancel')}
        </Link>
        <Button type="submit" variant="primary" busy={busy} className="my-big">
          {t('my.new.submit')}
        </Button>
      </div>
    </form>
  );
}

function KindDetail({
  kind,
  choices,
  corrections,
  setCorrections,
  picked,
  setPicked,
}: {
  kind: RequestKind;
  choices: Choices;
  corrections: Record<string, string>;
  setCorrections: (c: Record<string, string>) => void;
  picked: string[];
  setPicked: (p: string[]) => void;
}) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { data, consents } = choices;
  const label = itemLabels(data, i18n);

  if (kind === 'correction') {
    return (
      <fieldset className="my-detail">
        <legend className="my-step">{t('my.new.correction')}</legend>
        <p className="my-note">{t('my.new.correction.help')}</p>
        {correctableFields.map((f) => {
          const current = displayValue(i18n, f, data.items.find((i) => i.code === f)?.value ?? null);
          return (
            <Field key={f} label={label(f)} hint={t('my.new.correction.now', { value: current || t('my.items.none') })}>
              {(p) => (
                <input
                  {...p}
                  name={`correction-${f}`}
                  value={corrections[f] ?? ''}
                  onChange={(e) => setCorrections({ ...corrections, [f]: e.target.value })}
                />
              )}
            </Field>
          );
        })}
      </fieldset>
    );
  }
  if (kind === 'deletion') {
    return (
      <Checklist
        legend={t('my.new.deletion')}
        help={t('my.new.deletion.help')}
        options={data.items.map((i) => ({ value: i.code, label: pick(i.label.ja, i.label.en) }))}
        picked={picked}
        setPicked={setPicked}
      />
    );
  }
  if (kind === 'cessation') {
    return (
      <Checklist
        legend={t('my.new.cessation')}
        help={t('my.new.cessation.help')}
        options={data.purposes.map((p) => ({ value: p.code, label: `${circledNumber(p.number)} ${pick(p.name, p.name_en)}` }))}
        picked={picked}
        setPicked={setPicked}
      />
    );
  }
  if (kind === 'provision_cessation') {
    const parties = consents.consents.filter((c) => c.kind === 'third_party');
    if (parties.length === 0) return <Notice tone="info">{t('my.new.thirdParties.none')}</Notice>;
    return (
      <Checklist
        legend={t('my.new.thirdParties')}
        help={t('my.new.thirdParties.help')}
        options={parties.map((c) => ({ value: c.code, label: pick(c.name, c.name_en) }))}
        picked={picked}
        setPicked={setPicked}
      />
    );
  }
  return null;
}

function Checklist({
  legend,
  help,
  options,
  picked,
  setPicked,
}: {
  legend: ReactNode;
  help: ReactNode;
  options: { value: string; label: string }[];
  picked: string[];
  setPicked: (p: string[]) => void;
}) {
  const toggle = (value: string, on: boolean) => setPicked(on ? [...picked, value] : picked.filter((v) => v !== value));
  return (
    <fieldset className="my-detail">
      <legend className="my-step">{legend}</legend>
      <p className="my-note">{help}</p>
      {options.map((o) => (
        <label key={o.value} className="my-check">
          <input type="checkbox" checked={picked.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
          <span>{o.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
