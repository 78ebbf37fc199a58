/**
 * 請求の受付: staff enter a request the person made by phone, in writing, at the counter or by post — whose it
 * is, what kind, who made it (the person, a legal representative or a mandated agent, with the agent's name,
 * relationship and proof), what it asks for, how the answer is delivered and the date received. The due date
 * counts from that date; identity is checked afterwards on the request's page.
 */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, Card, ErrorNotice, Field, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { japanToday } from '../ledger/ledger-model.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { capabilities, useSession } from '../session.tsx';
import { type DetailDraft, detailOf, emptyDetail, RequestDetailsInput } from './request-details-input.tsx';
import { memberFromLink, type PickedMember, RequestMemberPicker } from './request-member-picker.tsx';
import {
  type DeliveryForm,
  deliveryForms,
  disclosingKinds,
  type Requester,
  type RequestKind,
  type RequestView,
  requesters,
  requestKinds,
  requestLabels,
  staffChannels,
} from './request-model.ts';

type Channel = (typeof staffChannels)[number];

export function NewRequestPage() {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const label = requestLabels(i18n);
  const { me } = useSession();
  const { query } = useLocation();
  const [member, setMember] = useState<PickedMember | null>(() => memberFromLink(query.get('member'), query.get('code')));
  const [kind, setKind] = useState<RequestKind>('disclosure');
  const [channel, setChannel] = useState<Channel>('phone');
  const [requester, setRequester] = useState<Requester>('self');
  const [agent, setAgent] = useState({ name: '', relationship: '', proof: '' });
  const [detail, setDetail] = useState<DetailDraft>(emptyDetail);
  const [delivery, setDelivery] = useState<DeliveryForm>('paper');
  const [receivedOn, setReceivedOn] = useState(japanToday());
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  if (!capabilities(me).handleRequests) return <Notice tone="info">{t('requests.readOnly')}</Notice>;

  const isAgent = requester !== 'self';
  /** Forgets the form's own message about a field once the field is touched again. */
  const clearLocal = (field: string) => setLocal(({ [field]: _gone, ...rest }) => rest);
  const issues: Record<string, string> = { ...local };
  if (error instanceof ApiError) {
    for (const i of error.issues) {
      const field = i.field.startsWith('detail') ? 'detail' : i.field;
      issues[field] ??= pick(i.message_ja, i.message_en);
    }
  }
  const placed = new Set(['member_id', 'agent_name', 'agent_relationship', 'agent_proof', 'received_on', 'detail', 'delivery_form']);
  const unplaced =
    error instanceof ApiError ? error.issues.filter((i) => !placed.has(i.field.startsWith('detail') ? 'detail' : i.field)) : [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const missing: Record<string, string> = {};
    if (!member) missing.member_id = t('newRequest.error.member');
    if (isAgent && !agent.name.trim()) missing.agent_name = t('newRequest.error.agentName');
    setLocal(missing);
    if (!member || Object.keys(missing).length > 0) return;
    setBusy(true);
    try {
      const filed = await api.post<RequestView>('/requests', {
        member_id: member.id,
        kind,
        detail: detailOf(kind, detail),
        channel,
        requester,
        ...(isAgent
          ? {
              agent_name: agent.name.trim(),
              ...(agent.relationship.trim() ? { agent_relationship: agent.relationship.trim() } : {}),
              ...(agent.proof.trim() ? { agent_proof: agent.proof.trim() } : {}),
            }
          : {}),
        ...(disclosingKinds.includes(kind) ? { delivery_form: delivery } : {}),
        received_on: receivedOn,
      });
      navigate(`/requests/${filed.id}?filed=1`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeader
        title={t('newRequest.title')}
        description={t('newRequest.lead')}
        crumbs={<Link to="/requests">{t('requests.title')}</Link>}
      />
      <form onSubmit={submit} noValidate data-testid="request-form">
        <Card title={t('newRequest.section.member')}>
          <RequestMemberPicker
            member={member}
            onPick={(m) => {
              clearLocal('member_id');
              setMember(m);
            }}
            error={issues.member_id}
          />
        </Card>
        <Card title={t('newRequest.section.request')}>
          <div className="form-grid">
            <Field label={t('newRequest.kind')} required>
              {(p) => (
                <select {...p} name="kind" value={kind} onChange={(e) => setKind(e.target.value as RequestKind)}>
                  {requestKinds.map((k) => (
                    <option key={k} value={k}>
                      {label.kind(k)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('newRequest.receivedOn')} hint={t('newRequest.receivedOnHint')} error={issues.received_on} required>
              {(p) => (
                <input
                  {...p}
                  name="received_on"
                  type="date"
                  max={japanToday()}
                  value={receivedOn}
                  onChange={(e) => setReceivedOn(e.target.value)}
                />
              )}
            </Field>
          </div>
          <Choice
            legend={t('newRequest.channel')}
            name="channel"
            options={staffChannels.map((c) => ({ value: c, label: label.channel(c) }))}
            value={channel}
            onChange={setChannel}
          />
          <RequestDetailsInput kind={kind} draft={detail} onChange={setDetail} error={issues.detail} />
          {disclosingKinds.includes(kind) && (
            <Field label={t('newRequest.delivery')} hint={t('newRequest.deliveryHint')} error={issues.delivery_form}>
              {(p) => (
                <select {...p} name="delivery_form" value={delivery} onChange={(e) => setDelivery(e.target.value as DeliveryForm)}>
                  {deliveryForms.map((d) => (
                    <option key={d} value={d}>
                      {label.delivery(d)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </Card>
        <Card title={t('newRequest.section.requester')}>
          <Choice
            legend={t('newRequest.requester')}
            name="requester"
            options={requesters.map((r) => ({ value: r, label: label.requester(r) }))}
            value={requester}
            onChange={setRequester}
          />
          {isAgent && (
            <div className="form-grid" data-testid="agent-fields">
              <Field label={t('newRequest.agentName')} error={issues.agent_name} required>
                {(p) => (
                  <input
                    {...p}
                    name="agent_name"
                    value={agent.name}
                    onChange={(e) => {
                      clearLocal('agent_name');
                      setAgent({ ...agent, name: e.target.value });
                    }}
                  />
                )}
              </Field>
              <Field
                label={t('newRequest.agentRelationship')}
                hint={t('newRequest.agentRelationshipHint')}
                error={issues.agent_relationship}
              >
                {(p) => (
                  <input
                    {...p}
                    name="agent_relationship"
                    value={agent.relationship}
                    onChange={(e) => setAgent({ ...agent, relationship: e.target.value })}
                  />
                )}
              </Field>
              <Field label={t('newRequest.agentProof')} hint={t('newRequest.agentProofHint')} error={issues.agent_proof} className="span-2">
                {(p) => (
                  <input {...p} name="agent_proof" value={agent.proof} onChange={(e) => setAgent({ ...agent, proof: e.target.value })} />
                )}
              </Field>
            </div>
          )}
        </Card>
        {error !== null && (
          <ErrorNotice error={error} title={error instanceof ApiError && error.issues.length ? t('edit.invalid') : undefined} />
        )}
        {unplaced.length > 0 && (
          <ul className="issue-list">
            {unplaced.map((i) => (
              <li key={`${i.field}-${i.code}`}>
                {i.field}: {pick(i.message_ja, i.message_en)}
              </li>
            ))}
          </ul>
        )}
        <div className="form-actions">
          <Button onClick={() => navigate('/requests')} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            {t('newRequest.submit')}
          </Button>
        </div>
      </form>
    </>
  );
}

/** A small set of choices as one segmented row of radio buttons. */
function Choice<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
}: {
  legend: string;
  name: string;
  options: { value: T; label: string }[];
  value: T;
  onChange: (v: T) => void;
}) {
  return (
    <fieldset className="segmented">
      <legend className="field-label">{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className={`segmented-option${value === o.value ? ' checked' : ''}`}>
          <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
