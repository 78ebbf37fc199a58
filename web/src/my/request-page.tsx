/**
 * One of the member's requests: what was asked, where it stands, the date it is answered by, its history,
 * withdrawing it while it is open, and, once a disclosure is answered, the download in PDF, JSON or CSV.
 * Right after filing (`?filed=1`) it opens with the confirmation: the reference and the due date.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, api, downloadFile } from '../api/client.ts';
import { Badge, Button, Card, ErrorNotice, Field, Loading, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { circledNumber } from '../policy/types.ts';
import { Link, useLocation } from '../router.tsx';
import { itemLabels } from './data-sections.tsx';
import { eventLabel, formLabel, kindHelp, kindLabel, pickSlashed, stateLabel, stateTone } from './labels.ts';
import { disclosingKinds, type MyConsents, type MyData, openStates, type PackageForm, packageForms, type RequestView } from './types.ts';
import { useWhose } from './whose.ts';

interface Loaded {
  request: RequestView;
  data: MyData;
  consents: MyConsents;
}

export function RequestPage({ requestId }: { requestId: string }) {
  const { t } = useI18n();
  const { query } = useLocation();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      const [request, data, consents] = await Promise.all([
        api.get<RequestView>(`/portal/requests/${encodeURIComponent(requestId)}`),
        api.get<MyData>('/portal/my'),
        api.get<MyConsents>('/portal/consents'),
      ]);
      setLoaded({ request, data, consents });
    } catch (err) {
      setError(err);
    }
  }, [requestId]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="my-narrow">
      <p className="my-crumbs">
        <Link to="/my">{t('my.backHome')}</Link>
      </p>
      <ErrorNotice error={error} />
      {!loaded && error === null && <Loading />}
      {loaded && (
        <>
          <h1 className="my-title">{t('my.request.title', { kind: t(kindLabel[loaded.request.kind]) })}</h1>
          {query.get('filed') === '1' && <FiledNotice request={loaded.request} />}
          <RequestSummary loaded={loaded} />
          {disclosingKinds.includes(loaded.request.kind) && <Downloads request={loaded.request} />}
          {openStates.includes(loaded.request.state) && (
            <Withdraw request={loaded.request} onDone={(request) => setLoaded({ ...loaded, request })} onReload={load} />
          )}
          <History request={loaded.request} />
        </>
      )}
    </div>
  );
}

function FiledNotice({ request }: { request: RequestView }) {
  const { t, date, number } = useI18n();
  return (
    <Notice tone="success" title={t('my.request.filed')} testId="request-filed">
      <p>
        {t('my.request.reference')}: <strong data-testid="request-reference">{request.reference}</strong>
      </p>
      <p>{t('my.request.dueText', { date: date(request.due_on) })}</p>
      {request.fee_yen > 0 && <p>{t('my.request.fee', { n: number(request.fee_yen) })}</p>}
    </Notice>
  );
}

function RequestSummary({ loaded }: { loaded: Loaded }) {
  const { t, date, dateTime, lang } = useI18n();
  const r = loaded.request;
  return (
    <Card title={t('my.request.summary')}>
      <dl className="my-facts">
        <dt>{t('my.request.reference')}</dt>
        <dd className="mono">{r.reference}</dd>
        <dt>{t('my.request.state')}</dt>
        <dd data-testid="request-state">
          <Badge tone={stateTone[r.state]}>{t(stateLabel[r.state])}</Badge>
        </dd>
        <dt>{t('my.request.received')}</dt>
        <dd>{dateTime(r.received_at)}</dd>
        <dt>{t('my.request.due')}</dt>
        <dd>
          {date(r.due_on)}
          {r.overdue && (
            <>
              {' '}
              <Badge tone="bad">{t('my.request.overdue')}</Badge>
            </>
          )}
        </dd>
        {disclosingKinds.includes(r.kind) && (
          <>
            <dt>{t('my.request.form')}</dt>
            <dd>{t(formLabel[r.delivery_form])}</dd>
          </>
        )}
        <dt>{t('my.request.what')}</dt>
        <dd>
          <DetailText loaded={loaded} />
        </dd>
        {r.answered_at && (
          <>
            <dt>{t('my.request.answeredAt')}</dt>
            <dd>{dateTime(r.answered_at)}</dd>
          </>
        )}
        {r.answer && (
          <>
            <dt>{t('my.request.answer')}</dt>
            <dd className="pre-wrap" data-testid="request-answer">
              {pickSlashed(r.answer, lang)}
            </dd>
          </>
        )}
        {r.reason && (
          <>
            <dt>{t(r.state === 'refused' ? 'my.request.refusal' : 'my.request.reason')}</dt>
            <dd className="pre-wrap">{r.reason}</dd>
          </>
        )}
      </dl>
    </Card>
  );
}

/** What the request asks, in words: the fields and new values, items, purposes or recipients named. */
function DetailText({ loaded }: { loaded: Loaded }) {
  const i18n = useI18n();
  const whose = useWhose();
  const { t, pick, list } = i18n;
  const { request, data, consents } = loaded;
  const label = itemLabels(data, i18n);
  const d = request.detail as {
    changes?: Record<string, string | null>;
    items?: string[];
    purposes?: string[];
    third_parties?: string[];
    text?: string;
  };
  const purpose = (code: string) => {
    const p = data.purposes.find((x) => x.code === code);
    return p ? `${circledNumber(p.number)} ${pick(p.name, p.name_en)}` : code;
  };
  const party = (code: string) => {
    const c = consents.consents.find((x) => x.kind === 'third_party' && x.code === code);
    return c ? pick(c.name, c.name_en) : code;
  };
  const lines: string[] = [];
  if (d.changes) for (const [f, v] of Object.entries(d.changes)) lines.push(`${label(f)}: ${v ?? t('my.items.none')}`);
  if (request.kind === 'deletion') lines.push(d.items?.length ? list(d.items.map(label)) : t('my.request.deleteAll'));
  if (d.purposes) lines.push(...d.purposes.map(purpose));
  if (d.third_parties) lines.push(...d.third_parties.map(party));
  if (d.text) lines.push(d.text);
  if (lines.length === 0) return <>{t(kindHelp[request.kind], { ...whose })}</>;
  return (
    <ul className="my-plain-list">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

function Downloads({ request }: { request: RequestView }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<PackageForm | null>(null);
  const [error, setError] = useState<unknown>(null);
  const ready = request.state === 'answered' || request.state === 'closed';
  const get = async (form: PackageForm) => {
    setBusy(form);
    setError(null);
    try {
      await downloadFile(`/portal/requests/${request.id}/package?form=${form}`, `disclosure-${request.reference}.${form}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card title={t('my.request.download')}>
      {!ready ? (
        <p className="muted" data-testid="download-not-ready">
          {t('my.request.download.notReady')}
        </p>
      ) : (
        <>
          <p className="card-lead">{t('my.request.download.lead')}</p>
          <div className="my-actions">
            {packageForms.map((f) => (
              <Button
                key={f}
                variant={f === 'pdf' ? 'primary' : 'secondary'}
                className="my-big"
                busy={busy === f}
                onClick={() => void get(f)}
                data-testid={`download-${f}`}
              >
                {t('my.request.download.as', { form: t(formLabel[f]) })}
              </Button>
            ))}
          </div>
          <ErrorNotice error={error} testId="download-error" />
        </>
      )}
    </Card>
  );
}

function Withdraw({
  request,
  onDone,
  onReload,
}: {
  request: RequestView;
  onDone: (r: RequestView) => void;
  onReload: () => Promise<void>;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { version: request.version, ...(reason.trim() ? { reason: reason.trim() } : {}) };
      onDone(await api.post<RequestView>(`/portal/requests/${request.id}/withdraw`, body));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const conflict = error instanceof ApiError && error.code === 'request_version_conflict';
  return (
    <Card title={t('my.withdraw.title')}>
      {!asking ? (
        <>
          <p className="card-lead">{t('my.withdraw.lead')}</p>
          <Button className="my-big" onClick={() => setAsking(true)}>
            {t('my.withdraw.open')}
          </Button>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <Notice tone="warning" title={t('my.withdraw.confirm')}>
            {t('my.withdraw.confirmText')}
          </Notice>
          <Field label={t('my.withdraw.reason')}>
            {(p) => <textarea {...p} rows={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          {conflict ? (
            <Notice
              tone="warning"
              title={t('my.withdraw.conflict')}
              actions={
                <Button variant="primary" onClick={() => void onReload()}>
                  {t('my.contact.conflict.reload')}
                </Button>
              }
            />
          ) : (
            <ErrorNotice error={error} />
          )}
          <div className="form-actions">
            <Button className="my-big" onClick={() => setAsking(false)}>
              {t('my.withdraw.keep')}
            </Button>
            <Button type="submit" variant="danger" busy={busy} className="my-big">
              {t('my.withdraw.submit')}
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}

/** Steps whose note the person should read (the answer, a refusal's or withdrawal's reason). */
const notedSteps = new Set(['answer', 'refuse', 'withdraw', 'verify']);

function History({ request }: { request: RequestView }) {
  const { t, dateTime, lang } = useI18n();
  const events = request.events ?? [];
  if (events.length === 0) return null;
  return (
    <Card title={t('my.request.history')}>
      <ol className="my-timeline" data-testid="request-history">
        {events.map((e) => {
          const key = eventLabel[e.action];
          return (
            <li key={`${e.at}-${e.action}`}>
              <span className="my-timeline-at">{dateTime(e.at)}</span>
              <span className="my-timeline-what">{key ? t(key) : e.action}</span>
              {e.note && notedSteps.has(e.action) && <span className="my-timeline-note">{pickSlashed(e.note, lang)}</span>}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
