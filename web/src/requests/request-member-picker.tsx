/**
 * Whose request: the member comes from the member's page (「請求を受け付ける」) or is found here by member code,
 * through the ordinary member search under a purpose of the role that shows the code and the name (so the
 * search is audited like any other).
 */
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Member } from '../api/types.ts';
import { Button, ErrorNotice, Field, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useLabels, useSession } from '../session.tsx';

export interface PickedMember {
  id: string;
  code: string;
  /** Known when the member came from their page or a search; not kept in the URL. */
  name?: string;
}

// The member page hands over the member it shows (the name stays in memory, never in the URL).
let handedOver: PickedMember | null = null;

/** Called by the member page before it opens the new-request form for this member. */
export function handOverMember(member: PickedMember): void {
  handedOver = member;
}

/** The member of `?member=<id>&code=<code>`, with the name if the member page handed it over. */
export function memberFromLink(id: string | null, code: string | null): PickedMember | null {
  if (!id) return null;
  if (handedOver?.id === id) return handedOver;
  return { id, code: code ?? '' };
}

export function RequestMemberPicker({
  member,
  onPick,
  error,
}: {
  member: PickedMember | null;
  onPick: (m: PickedMember | null) => void;
  error: string | undefined;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  const { me } = useSession();
  // A purpose of the role under which a member code finds the person and shows their name.
  const purpose =
    me.purposes.find((p) => p.items.includes('member_code') && p.items.includes('name')) ??
    me.purposes.find((p) => p.items.includes('member_code'));
  const [code, setCode] = useState('');
  const [found, setFound] = useState<Member[] | null>(null);
  const [searchError, setSearchError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const search = async () => {
    if (!purpose || !code.trim()) return;
    setBusy(true);
    setSearchError(null);
    try {
      const r = await api.get<{ members: Member[] }>('/members', { purpose: purpose.code, code: code.trim(), limit: 5 });
      setFound(r.members);
    } catch (err) {
      setFound(null);
      setSearchError(err);
    } finally {
      setBusy(false);
    }
  };

  if (member) {
    return (
      <div className="picked-member" data-testid="request-member">
        <p>
          <span className="mono">{member.code}</span>
          {member.name && <strong className="picked-member-name">{member.name}</strong>}
        </p>
        <Button small onClick={() => onPick(null)}>
          {t('newRequest.memberChange')}
        </Button>
      </div>
    );
  }
  return (
    <div className="member-picker">
      {purpose ? (
        <div className="search-row">
          <Field
            label={t('newRequest.memberCode')}
            hint={t('newRequest.memberCodeHint', { purpose: labels.purposeTitle(purpose.code) })}
            error={error}
            className="search-term"
          >
            {(p) => (
              <input
                {...p}
                name="member_code"
                type="search"
                inputMode="numeric"
                value={code}
                onChange={(e) => setCode(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    void search();
                  }
                }}
              />
            )}
          </Field>
          <Button onClick={() => void search()} busy={busy} className="search-button">
            {t('newRequest.memberFind')}
          </Button>
        </div>
      ) : (
        <Notice tone="info">{t('newRequest.memberFromPage')}</Notice>
      )}
      {searchError !== null && <ErrorNotice error={searchError} />}
      {found && found.length === 0 && <p className="muted">{t('search.none')}</p>}
      {found && found.length > 0 && (
        <ul className="picker-results">
          {found.map((m) => (
            <li key={m.id}>
              <span className="mono">{String(m.member_code ?? '')}</span> {m.name ? String(m.name) : ''}{' '}
              <Button
                small
                variant="primary"
                onClick={() => onPick({ id: m.id, code: String(m.member_code ?? ''), ...(m.name ? { name: String(m.name) } : {}) })}
              >
                {t('newRequest.memberPick')}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
