/**
 * 同意・選択: each purpose the person may refuse (opt-out) or must agree to (opt-in), and the third parties
 * that take consent, with two large choices, what the policy says about it, and the history of changes.
 * A change takes effect at once (`POST /portal/consents`); the caller reloads the page's data so the
 * purposes' status shows it too.
 */
import { useState } from 'react';
import { api } from '../api/client.ts';
import { Badge, Card, ErrorNotice, Notice } from '../components/ui.tsx';
import { type MessageKey, useI18n } from '../i18n/i18n.tsx';
import { circledNumber } from '../policy/types.ts';
import { consentStateLabelOf } from './labels.ts';
import type { ConsentEventView, ConsentView, MyConsents } from './types.ts';
import { useWhose } from './whose.ts';

type Choice = { state: 'granted' | 'opted_out' | 'withdrawn'; label: MessageKey };

const choicesFor: Record<ConsentView['mode'], Choice[]> = {
  opt_out: [
    { state: 'granted', label: 'my.consent.allow' },
    { state: 'opted_out', label: 'my.consent.optOut' },
  ],
  opt_in: [
    { state: 'granted', label: 'my.consent.agree' },
    { state: 'withdrawn', label: 'my.consent.withdraw' },
  ],
};

const actorLabel: Record<ConsentEventView['actor_type'], MessageKey> = {
  member: 'my.consent.by.member',
  guardian: 'my.consent.by.guardian',
  user: 'my.consent.by.user',
  system: 'my.consent.by.system',
};

function topicTitle(c: { kind: string; number?: number; name: string; name_en: string }, pick: (ja: string, en: string) => string) {
  const name = pick(c.name, c.name_en);
  return c.kind === 'purpose' && c.number ? `${circledNumber(c.number)} ${name}` : name;
}

export function ConsentsSection({
  consents,
  policyVersion,
  orgCode,
  onChanged,
}: {
  consents: MyConsents;
  policyVersion: number | null;
  orgCode: string;
  onChanged: () => Promise<void>;
}) {
  const { t } = useI18n();
  const whose = useWhose();
  const [done, setDone] = useState<string | null>(null);
  return (
    <Card title={t('my.consent.title')}>
      <p className="card-lead">{t('my.consent.lead', { ...whose })}</p>
      {done && (
        <Notice tone="success" testId="consent-saved">
          {done}
        </Notice>
      )}
      {consents.consents.length === 0 ? (
        <p className="muted">{t('my.consent.none')}</p>
      ) : (
        consents.consents.map((c) => (
          <ConsentRow
            key={`${c.kind}:${c.code}`}
            consent={c}
            onSaved={async (message) => {
              await onChanged();
              setDone(message);
            }}
          />
        ))
      )}
      <p className="table-note">
        {policyVersion ? t('my.consent.policy', { n: policyVersion }) : t('my.consent.policyNone')}{' '}
        <a href={`/notices/${encodeURIComponent(orgCode)}`} target="_blank" rel="noreferrer">
          {t('my.consent.policyLink')}
        </a>
      </p>
      <ConsentHistory consents={consents} />
    </Card>
  );
}

function ConsentRow({ consent: c, onSaved }: { consent: ConsentView; onSaved: (message: string) => Promise<void> }) {
  const { t, pick, dateTime } = useI18n();
  const whose = useWhose();
  // The choice shows as made while it is saved; a refusal puts the current state back.
  const [pending, setPending] = useState<Choice['state'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const title = topicTitle(c, pick);
  const busy = pending !== null;
  const shown = pending ?? c.state;

  const choose = async (state: Choice['state']) => {
    if (state === c.state) return;
    setPending(state);
    setError(null);
    try {
      await api.post('/portal/consents', { subject_kind: c.kind, subject_code: c.code, state });
      await onSaved(t('my.consent.saved', { subject: title, state: t(consentStateLabelOf(state, c.mode)) }));
    } catch (err) {
      setError(err);
    } finally {
      setPending(null);
    }
  };

  const note =
    c.kind === 'third_party' ? 'my.consent.note.thirdParty' : c.mode === 'opt_out' ? 'my.consent.note.optOut' : 'my.consent.note.optIn';
  return (
    <fieldset className="my-consent" data-testid={`consent-${c.code}`} disabled={busy} aria-busy={busy || undefined}>
      <legend className="my-consent-title">{title}</legend>
      <p className="my-consent-state">
        {t('my.consent.now')}{' '}
        <Badge tone={c.state === 'granted' ? 'ok' : c.state === 'not_given' ? 'neutral' : 'warn'}>
          {t(consentStateLabelOf(c.state, c.mode))}
        </Badge>
        {c.updated_at && <span className="muted small"> {t('my.consent.since', { at: dateTime(c.updated_at) })}</span>}
      </p>
      <div className="my-choices">
        {choicesFor[c.mode].map((choice) => (
          <label key={choice.state} className={`my-choice${shown === choice.state ? ' checked' : ''}`}>
            <input
              type="radio"
              name={`consent-${c.kind}-${c.code}`}
              checked={shown === choice.state}
              onChange={() => void choose(choice.state)}
            />
            <span>{t(choice.label)}</span>
          </label>
        ))}
      </div>
      <p className="my-note">{t(note, { ...whose })}</p>
      <ErrorNotice error={error} />
    </fieldset>
  );
}

function ConsentHistory({ consents }: { consents: MyConsents }) {
  const { t, pick, dateTime } = useI18n();
  if (consents.history.length === 0) return null;
  const topics = new Map(consents.consents.map((c) => [`${c.kind}:${c.code}`, c]));
  return (
    <details className="my-history" data-testid="consent-history">
      <summary>{t('my.consent.history', { n: consents.history.length })}</summary>
      <div className="table-wrap">
        <table className="table table-dense">
          <thead>
            <tr>
              <th>{t('my.consent.history.at')}</th>
              <th>{t('my.consent.history.subject')}</th>
              <th>{t('my.consent.history.choice')}</th>
              <th>{t('my.consent.history.by')}</th>
            </tr>
          </thead>
          <tbody>
            {consents.history.map((h) => {
              const topic = topics.get(`${h.subject_kind}:${h.subject_code}`);
              return (
                <tr key={h.id}>
                  <td className="nowrap">{dateTime(h.at)}</td>
                  <td>{topic ? topicTitle(topic, pick) : h.subject_code}</td>
                  <td className="nowrap">{t(consentStateLabelOf(h.state, topic?.mode))}</td>
                  <td>{t(actorLabel[h.actor_type])}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}
