/**
 * 請求の詳細: one request — where it stands (the step indicator and 「あと N 日」), what was asked and how, the
 * due date (overdue warned), the assignee, the person's identity and an agent's authority, the documents, a
 * disclosure's preview before approval, the steps the role may take now (deciding ones confirmed in a dialog),
 * the answer (with the disclosure package to download) and the history of every step with the staff member's
 * name. A step someone else took meanwhile is reported and the latest request loaded.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Badge, Button, Card, ErrorNotice, Field, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { refreshAttention } from '../home/attention.tsx';
import { type I18n, useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { capabilities, useLabels, useSession } from '../session.tsx';
import { RequestAssignee } from './request-assignee.tsx';
import { RequestDocuments } from './request-documents.tsx';
import {
  adjustable,
  disclosingKinds,
  japanDateOf,
  packageReady,
  type RequestStep,
  type RequestView,
  requestLabels,
  stateTone,
} from './request-model.ts';
import { RequestPreview } from './request-preview.tsx';
import { RequestProgress } from './request-progress.tsx';
import { RequestSteps } from './request-steps.tsx';
import { RequestSystems } from './request-systems.tsx';

export function RequestPage({ requestId }: { requestId: string }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const label = requestLabels(i18n);
  const labels = useLabels();
  const { me } = useSession();
  const can = capabilities(me);
  const { query } = useLocation();
  const [request, setRequest] = useState<RequestView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(query.get('filed') ? t('request.filed') : null);
  const [conflict, setConflict] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    try {
      setRequest(await api.get<RequestView>(`/requests/${encodeURIComponent(requestId)}`));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [requestId]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error !== null && !request) return <ErrorNotice error={error} actions={<Link to="/requests">{t('request.back')}</Link>} />;
  if (!request) return <Loading />;

  const stepped = (next: RequestView, step: RequestStep) => {
    setConflict(null);
    setRequest(next);
    // The home counts and the menu badge follow (open, overdue, mine) without a navigation.
    refreshAttention();
    setNotice(t('request.stepped', { step: label.step(step), state: label.state(next.state) }));
  };
  const conflicted = (err: ApiError) => {
    setNotice(null);
    setConflict(err);
    void load();
  };
  const row = (name: string, value: string | null | undefined, testId?: string) => (
    <div className="item-row" key={name} data-testid={testId}>
      <dt>{name}</dt>
      <dd className={value ? 'pre-wrap' : 'muted'}>{value || t('request.none')}</dd>
    </div>
  );

  return (
    <>
      <PageHeader
        crumbs={<Link to="/requests">{t('requests.title')}</Link>}
        title={t('request.title', { reference: request.reference, kind: label.kind(request.kind) })}
        description={`${request.member_code} ${request.member_name}`}
        actions={
          <>
            <span data-testid="request-state" data-state={request.state}>
              <Badge tone={stateTone[request.state]}>{label.state(request.state)}</Badge>
            </span>
            <span className="version-tag">{t('member.version', { version: request.version })}</span>
          </>
        }
      />
      <RequestProgress request={request} />
      {notice && <Notice tone="success" title={notice} testId="request-notice" />}
      {error !== null && <ErrorNotice error={error} />}
      {conflict && (
        <Notice tone="warning" title={t('request.conflict')} testId="version-conflict">
          <p>{pick(conflict.messageJa, conflict.messageEn)}</p>
          <p>{t('request.conflictReloaded')}</p>
        </Notice>
      )}
      {request.overdue && (
        <Notice tone="warning" title={t('request.overdueTitle')} testId="overdue-notice">
          {t('request.overdueText', { date: i18n.date(request.due_on) })}
        </Notice>
      )}

      <Card title={t('request.section.request')}>
        <dl className="item-grid" data-testid="request-summary">
          {row(t('requests.col.reference'), request.reference)}
          {row(t('requests.col.kind'), label.kind(request.kind))}
          <div className="item-row">
            <dt>{t('requests.col.member')}</dt>
            <dd>
              <Link to={`/members/${request.member_id}`} className="mono">
                {request.member_code}
              </Link>{' '}
              {request.member_name}
            </dd>
          </div>
          {row(t('requests.col.channel'), label.channel(request.channel))}
          {row(t('requests.col.received'), i18n.date(japanDateOf(request.received_at)))}
          <div className="item-row" data-testid="request-due">
            <dt>{t('requests.col.due')}</dt>
            <dd>
              {i18n.date(request.due_on)} {request.overdue && <Badge tone="bad">{t('requests.overdue')}</Badge>}
            </dd>
          </div>
          {disclosingKinds.includes(request.kind) && row(t('newRequest.delivery'), label.delivery(request.delivery_form))}
          {request.fee_yen > 0 &&
            row(
              t('request.fee'),
              `${i18n.number(request.fee_yen)} ${t('request.yen')}${request.fee_paid_at ? ` · ${t('request.feePaid')}` : ''}`,
            )}
          {row(t('request.detail'), describeDetail(i18n, labels, request), 'request-detail')}
        </dl>
        <dl className="item-grid">
          <RequestAssignee
            request={request}
            onSaved={(r, message) => {
              setConflict(null);
              setRequest(r);
              refreshAttention();
              setNotice(message);
            }}
            onConflict={conflicted}
          />
        </dl>
      </Card>

      <Card title={t('request.section.identity')}>
        <dl className="item-grid" data-testid="request-identity">
          {row(t('requests.col.requester'), label.requester(request.requester))}
          {request.requester !== 'self' && (
            <>
              {row(t('newRequest.agentName'), request.agent_name)}
              {row(t('newRequest.agentRelationship'), request.agent_relationship)}
              {row(t('newRequest.agentProof'), request.agent_proof, 'agent-proof')}
            </>
          )}
          {row(
            t('request.identityMethod'),
            request.identity_method
              ? `${label.identity(request.identity_method)}${request.verified_at ? ` · ${i18n.dateTime(request.verified_at)}` : ''}`
              : t('request.notVerified'),
          )}
          {request.identity_note && row(t('request.identityNote'), request.identity_note)}
        </dl>
        {request.requester !== 'self' && can.handleRequests && adjustable(request.state) && (
          <AgentProofForm
            key={request.version}
            request={request}
            onSaved={(r) => {
              setConflict(null);
              setRequest(r);
              setNotice(t('request.proofSaved'));
            }}
            onConflict={conflicted}
          />
        )}
      </Card>

      <Card title={t('request.section.documents')}>
        <RequestDocuments request={request} onAdded={() => void load()} />
      </Card>

      {can.decideRequests &&
        disclosingKinds.includes(request.kind) &&
        (request.state === 'in_progress' || request.state === 'approved') && (
          <Card title={t('request.preview.title')}>
            <RequestPreview key={request.version} request={request} />
          </Card>
        )}

      {['disclosure', 'deletion', 'correction', 'cessation'].includes(request.kind) && (
        <Card title={t('request.section.systems')}>
          <RequestSystems request={request} />
        </Card>
      )}

      <Card title={t('request.section.steps')}>
        <RequestSteps key={request.version} request={request} onDone={stepped} onConflict={conflicted} />
      </Card>

      {(request.answer || request.reason || packageReady(request)) && (
        <Card title={t('request.section.answer')}>
          <dl className="item-grid" data-testid="request-answer">
            {request.answer && row(t('request.answerText'), request.answer)}
            {request.reason && row(request.state === 'withdrawn' ? t('request.withdrawReason') : t('request.refuseReason'), request.reason)}
            {request.answered_at && row(t('request.answeredAt'), i18n.dateTime(request.answered_at))}
          </dl>
          {packageReady(request) && can.decideRequests && <PackageDownloads request={request} />}
        </Card>
      )}

      <Card title={t('request.section.history')}>
        <table className="table table-dense" data-testid="request-events">
          <thead>
            <tr>
              <th scope="col">{t('request.history.at')}</th>
              <th scope="col">{t('request.history.action')}</th>
              <th scope="col">{t('request.history.state')}</th>
              <th scope="col">{t('request.history.actor')}</th>
              <th scope="col">{t('request.history.note')}</th>
            </tr>
          </thead>
          <tbody>
            {(request.events ?? []).map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: events are shown in their stored order
              <tr key={i} data-testid="request-event" data-action={e.action}>
                <td className="nowrap">{i18n.dateTime(e.at)}</td>
                <td>{label.event(e.action)}</td>
                <td className="nowrap">
                  {e.from_state && e.to_state && e.from_state !== e.to_state
                    ? `${label.state(e.from_state)} → ${label.state(e.to_state)}`
                    : e.to_state
                      ? label.state(e.to_state)
                      : ''}
                </td>
                <td data-testid="event-actor">{e.actor_name ?? label.actor(e.actor_type)}</td>
                <td className="pre-wrap">{label.eventNote(e.action, e.note)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <p>
        <Button onClick={() => navigate('/requests')}>{t('request.back')}</Button>
      </p>
    </>
  );
}

/** The disclosure package in each form; the browser saves the file (each download is audited). */
function PackageDownloads({ request }: { request: RequestView }) {
  const { t } = useI18n();
  const base = `/api/v1/requests/${request.id}/package`;
  return (
    <div className="form-actions package-downloads" data-testid="package-downloads">
      <span className="form-status">{t('request.package')}</span>
      {(['json', 'csv', 'pdf'] as const).map((form) => (
        <a key={form} className="btn btn-secondary" href={`${base}?form=${form}`} download data-testid={`package-${form}`}>
          {t(`request.package.${form}`)}
        </a>
      ))}
    </div>
  );
}

/** Recording the proof of an agent's authority seen on paper or by phone, before identity is verified. */
function AgentProofForm({
  request,
  onSaved,
  onConflict,
}: {
  request: RequestView;
  onSaved: (r: RequestView) => void;
  onConflict: (e: ApiError) => void;
}) {
  const { t } = useI18n();
  const [proof, setProof] = useState(request.agent_proof ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.patch<RequestView>(`/requests/${request.id}`, { version: request.version, agent_proof: proof.trim() }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'request_version_conflict') onConflict(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="step-form" data-testid="agent-proof-form">
      <Field label={t('newRequest.agentProof')} hint={t('newRequest.agentProofHint')}>
        {(p) => <input {...p} name="agent_proof" value={proof} onChange={(e) => setProof(e.target.value)} />}
      </Field>
      {error !== null && <ErrorNotice error={error} />}
      <Button type="submit" busy={busy}>
        {t('request.saveProof')}
      </Button>
    </form>
  );
}

type Labels = ReturnType<typeof useLabels>;

/** What the request asks for, in words: fields and new values, purposes, recipients, items, the note. */
function describeDetail(i18n: I18n, labels: Labels, r: RequestView): string {
  const d = r.detail as {
    changes?: Record<string, string | null>;
    purposes?: string[];
    third_parties?: string[];
    items?: string[];
    text?: string;
  };
  const lines: string[] = [];
  if (d.changes) {
    for (const [field, value] of Object.entries(d.changes)) {
      lines.push(`${labels.item(field)}: ${value ?? i18n.t('request.detail.remove')}`);
    }
  }
  if (d.purposes) lines.push(i18n.list(d.purposes.map((p) => labels.purposeTitle(p))));
  if (d.third_parties) lines.push(i18n.list(d.third_parties));
  if (r.kind === 'deletion') lines.push(d.items ? i18n.list(d.items.map((i) => labels.item(i))) : i18n.t('newRequest.deletion.all'));
  if (d.text) lines.push(d.text);
  return lines.join('\n');
}
