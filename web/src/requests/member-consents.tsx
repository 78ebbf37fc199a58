/**
 * 同意・選択 on a member's page: the person's current say on each purpose that takes it (opt-out or opt-in)
 * and each recipient provided to with consent, the history of every change (where it came from, when, under
 * which policy version), and a small form for a change received on paper, by phone or at the counter. For a
 * child the guardian must be named (the API refuses with guardian_consent_required otherwise).
 */

import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { ConsentEventView, ConsentView } from '../../../src/contract/api.ts';
import { ApiError, api } from '../api/client.ts';
import { Badge, Button, Card, ErrorNotice, Field, Loading, Notice } from '../components/ui.tsx';
import { type I18n, useI18n } from '../i18n/i18n.tsx';
import { capabilities, useLabels, useSession } from '../session.tsx';

interface Consents {
  consents: ConsentView[];
  history: ConsentEventView[];
}
type Source = 'paper' | 'phone' | 'counter';
type State = ConsentEventView['state'];

const stateTone = { granted: 'ok', opted_out: 'bad', withdrawn: 'warn', not_given: 'neutral' } as const;
/** The states a change may set, by the subject's mode (an opt-out purpose is never "withdrawn"). */
const statesFor: Record<ConsentView['mode'], State[]> = { opt_out: ['opted_out', 'granted'], opt_in: ['granted', 'withdrawn'] };

const keyOf = (c: { kind?: string; subject_kind?: string; code?: string; subject_code?: string }) =>
  `${c.kind ?? c.subject_kind}:${c.code ?? c.subject_code}`;

type Labels = ReturnType<typeof useLabels>;

/** A purpose with its published number (⑯ …), a recipient by name. */
function topicName({ pick }: I18n, labels: Labels, c: ConsentView): string {
  return c.kind === 'purpose' ? labels.purposeTitle(c.code) : pick(c.name, c.name_en);
}

export function MemberConsentsCard({ memberId }: { memberId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const labels = useLabels();
  const { me } = useSession();
  const can = capabilities(me);
  const [data, setData] = useState<Consents | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setData(await api.get<Consents>(`/members/${encodeURIComponent(memberId)}/consents`));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [memberId]);
  useEffect(() => {
    void load();
  }, [load]);

  const names = new Map((data?.consents ?? []).map((c) => [keyOf(c), topicName(i18n, labels, c)]));

  return (
    <Card title={t('consents.title')} className="member-consents">
      <p className="card-lead">{t('consents.lead')}</p>
      {error !== null && <ErrorNotice error={error} />}
      {!data && error === null && <Loading />}
      {data && (
        <>
          {saved && <Notice tone="success" title={saved} testId="consent-saved" />}
          {data.consents.length === 0 ? (
            <p className="muted">{t('consents.none')}</p>
          ) : (
            <table className="table table-dense" data-testid="consents-table">
              <thead>
                <tr>
                  <th scope="col">{t('consents.subject')}</th>
                  <th scope="col">{t('consents.mode')}</th>
                  <th scope="col">{t('consents.state')}</th>
                  <th scope="col">{t('consents.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {data.consents.map((c) => (
                  <tr key={keyOf(c)} data-testid="consent-row" data-code={c.code} data-state={c.state}>
                    <td>{topicName(i18n, labels, c)}</td>
                    <td className="nowrap">{t(`consents.mode.${c.mode}`)}</td>
                    <td className="nowrap">
                      <Badge tone={stateTone[c.state]}>{t(`consents.state.${c.state}`)}</Badge>
                    </td>
                    <td className="nowrap">
                      {c.updated_at ? `${i18n.dateTime(c.updated_at)} · ${c.source ? t(`consents.source.${c.source}`) : ''}` : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {can.handleRequests && data.consents.length > 0 && (
            <ConsentForm
              memberId={memberId}
              topics={data.consents}
              onSaved={(c) => {
                setSaved(t('consents.saved', { subject: topicName(i18n, labels, c), state: t(`consents.state.${c.state}`) }));
                void load();
              }}
            />
          )}
          <h3 className="subheading">{t('consents.history')}</h3>
          {data.history.length === 0 ? (
            <p className="muted">{t('consents.noHistory')}</p>
          ) : (
            <table className="table table-dense" data-testid="consent-history">
              <thead>
                <tr>
                  <th scope="col">{t('consents.at')}</th>
                  <th scope="col">{t('consents.subject')}</th>
                  <th scope="col">{t('consents.state')}</th>
                  <th scope="col">{t('consents.source')}</th>
                  <th scope="col">{t('consents.policyVersion')}</th>
                  <th scope="col">{t('consents.note')}</th>
                </tr>
              </thead>
              <tbody>
                {data.history.map((h) => (
                  <tr key={h.id} data-testid="consent-event">
                    <td className="nowrap">{i18n.dateTime(h.at)}</td>
                    <td>{names.get(keyOf(h)) ?? h.subject_code}</td>
                    <td className="nowrap">{t(`consents.state.${h.state}`)}</td>
                    <td>
                      {t(`consents.source.${h.source}`)}
                      <span className="sub">
                        {t(`consents.actor.${h.actor_type}`)}
                        {h.guardian_name ? ` · ${t('consents.guardian')}: ${h.guardian_name}` : ''}
                      </span>
                    </td>
                    <td className="nowrap">{h.policy_version ? t('consents.version', { n: h.policy_version }) : '—'}</td>
                    <td className="pre-wrap">{h.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Card>
  );
}

function ConsentForm({ memberId, topics, onSaved }: { memberId: string; topics: ConsentView[]; onSaved: (c: ConsentView) => void }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const labels = useLabels();
  const [subject, setSubject] = useState(keyOf(topics[0]!));
  const topic = topics.find((c) => keyOf(c) === subject) ?? topics[0]!;
  const [state, setState] = useState<State>(statesFor[topic.mode][0]!);
  const [source, setSource] = useState<Source>('paper');
  const [guardian, setGuardian] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const needsGuardian = error instanceof ApiError && error.code === 'guardian_consent_required';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api.post<ConsentView>(`/members/${encodeURIComponent(memberId)}/consents`, {
        subject_kind: topic.kind,
        subject_code: topic.code,
        state,
        source,
        ...(guardian.trim() ? { guardian_name: guardian.trim() } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setNote('');
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="consent-form" data-testid="consent-form">
      <h3 className="subheading">{t('consents.record')}</h3>
      <div className="form-grid">
        <Field label={t('consents.subject')} className="span-2">
          {(p) => (
            <select
              {...p}
              name="subject"
              value={subject}
              onChange={(e) => {
                const next = topics.find((c) => keyOf(c) === e.target.value) ?? topic;
                setSubject(e.target.value);
                setState(statesFor[next.mode][0]!);
              }}
            >
              {topics.map((c) => (
                <option key={keyOf(c)} value={keyOf(c)}>
                  {topicName(i18n, labels, c)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('consents.newState')}>
          {(p) => (
            <select {...p} name="state" value={state} onChange={(e) => setState(e.target.value as State)}>
              {statesFor[topic.mode].map((s) => (
                <option key={s} value={s}>
                  {t(`consents.state.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('consents.source')}>
          {(p) => (
            <select {...p} name="source" value={source} onChange={(e) => setSource(e.target.value as Source)}>
              {(['paper', 'phone', 'counter'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`consents.source.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t('consents.guardianName')}
          hint={t('consents.guardianHint')}
          error={needsGuardian ? pick((error as ApiError).messageJa, (error as ApiError).messageEn) : undefined}
        >
          {(p) => <input {...p} name="guardian_name" value={guardian} onChange={(e) => setGuardian(e.target.value)} />}
        </Field>
        <Field label={t('consents.note')}>
          {(p) => <input {...p} name="note" value={note} onChange={(e) => setNote(e.target.value)} />}
        </Field>
      </div>
      {error !== null && <ErrorNotice error={error} testId="consent-error" />}
      <Button type="submit" variant="primary" busy={busy}>
        {t('consents.submit')}
      </Button>
    </form>
  );
}
