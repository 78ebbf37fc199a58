/**
 * One member, opened for one purpose of use: the server returns only that purpose's items, and the screen
 * says so — the purpose is shown above the record, and the items the purpose does not allow are named but
 * not shown. Opening for another purpose is a new, audited read. Below the record, roles that handle requests
 * see the person's consents, requests and provision records (web/src/requests/member-records.tsx).
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Member } from '../api/types.ts';
import { PurposeSelect } from '../components/purpose-select.tsx';
import { Button, Card, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { MemberPrivacyPanels, NewRequestLink } from '../requests/member-records.tsx';
import { href, Link, navigate } from '../router.tsx';
import { capabilities, useLabels, useSession } from '../session.tsx';
import { MemberEditForm } from './member-edit-form.tsx';
import { displayValue, fieldOrder, sortItems } from './member-fields.ts';
import { forgetSearchResults } from './member-search-page.tsx';

const refusalCodes = new Set([
  'purpose_not_permitted',
  'purpose_unknown',
  'item_not_in_purpose',
  'member_opted_out',
  'member_use_stopped',
  'joint_use_not_effective',
]);
const ledgerOnly = fieldOrder.filter((f) => f !== 'purchase_history' && f !== 'inquiries');

export function MemberDetailPage({ memberId, purpose }: { memberId: string; purpose: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useSession();
  const labels = useLabels();
  const can = capabilities(me);
  const [member, setMember] = useState<Member | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);
  const [reloaded, setReloaded] = useState(false);
  const [nextPurpose, setNextPurpose] = useState(purpose);

  const load = useCallback(async () => {
    if (!purpose) return;
    setLoading(true);
    setError(null);
    try {
      setMember(await api.get<Member>(`/members/${encodeURIComponent(memberId)}`, { purpose }));
    } catch (err) {
      setMember(null);
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [memberId, purpose]);

  useEffect(() => {
    setEditing(false);
    setSaved(null);
    setNextPurpose(purpose);
    void load();
  }, [load, purpose]);

  const p = labels.purpose(purpose);
  const shown = member ? sortItems(Object.keys(member).filter((k) => k !== 'id' && k !== 'version')) : [];
  const hidden = member ? ledgerOnly.filter((f) => !(f in member)) : [];
  const refused = error instanceof ApiError && refusalCodes.has(error.code);
  const code = member?.member_code ? String(member.member_code) : null;

  return (
    <>
      <PageHeader
        crumbs={
          <>
            <Link to={href('/members', { purpose })}>{t('nav.members')}</Link>
            <span aria-hidden="true"> › </span>
            <span>{code ?? t('member.title')}</span>
          </>
        }
        title={code ? t('member.titleWithCode', { code }) : t('member.title')}
        actions={
          <>
            {can.handleRequests && member && (
              <NewRequestLink member={{ id: memberId, code, name: member.name ? String(member.name) : null }} />
            )}
            {can.audit && (
              <Link to={href(`/members/${memberId}/audit`, { code })} className="btn btn-secondary">
                {t('member.auditTrail')}
              </Link>
            )}
          </>
        }
      />
      <section className="purpose-banner" data-testid="purpose-banner" aria-label={t('member.purposeBanner')}>
        <div className="purpose-banner-main">
          <p className="purpose-banner-label">{t('member.openedFor')}</p>
          {p ? (
            <p className="purpose-banner-title">
              <span className="purpose-banner-number">{p.label}</span>
              {i18n.pick(p.name, p.name_en)}
            </p>
          ) : (
            <p className="purpose-banner-title">{purpose || t('member.noPurpose')}</p>
          )}
          <p className="purpose-banner-text">{t('member.purposeBound')}</p>
        </div>
        <form
          className="purpose-banner-switch"
          onSubmit={(e) => {
            e.preventDefault();
            if (nextPurpose && nextPurpose !== purpose) navigate(href(`/members/${memberId}`, { purpose: nextPurpose }));
          }}
        >
          <PurposeSelect
            purposes={me.purposes}
            value={nextPurpose}
            onChange={setNextPurpose}
            label={t('member.switchPurpose')}
            required={false}
          />
          <Button type="submit" small disabled={!nextPurpose || nextPurpose === purpose}>
            {t('member.openForPurpose')}
          </Button>
        </form>
      </section>

      {!purpose && <Notice tone="info">{t('member.choosePurpose')}</Notice>}
      {loading && <Loading />}
      {error !== null &&
        (refused ? (
          <ErrorNotice
            error={error}
            title={t('member.refused')}
            testId="refusal"
            actions={
              <Link to={href('/members', { purpose: me.purposes[0]?.code })} className="btn btn-secondary btn-small">
                {t('member.backToSearch')}
              </Link>
            }
          />
        ) : (
          <ErrorNotice error={error} testId="refusal" />
        ))}

      {member && !loading && (
        <>
          {saved !== null && (
            <Notice tone="success" title={t('edit.saved')} testId="saved">
              {t('edit.savedVersion', { version: saved })}
            </Notice>
          )}
          {reloaded && !saved && <Notice tone="info">{t('edit.reloaded')}</Notice>}
          {member.status === 'withdrawn' && (
            <Notice tone="warning" title={t('member.withdrawn.title')} testId="withdrawn">
              {t('member.withdrawn.text')}
            </Notice>
          )}
          <Card
            title={editing ? t('edit.title') : t('member.items')}
            actions={
              !editing && (
                <>
                  <span className="version-tag">{t('member.version', { version: member.version })}</span>
                  <Button
                    variant="primary"
                    small
                    onClick={() => {
                      setSaved(null);
                      setReloaded(false);
                      setEditing(true);
                    }}
                  >
                    {t('member.edit')}
                  </Button>
                </>
              )
            }
          >
            {editing ? (
              <MemberEditForm
                key={member.version}
                member={member}
                purpose={purpose}
                onCancel={() => setEditing(false)}
                onSaved={(m) => {
                  forgetSearchResults();
                  setMember(m);
                  setSaved(m.version);
                  setEditing(false);
                }}
                onReload={() => {
                  setReloaded(true);
                  void load();
                }}
              />
            ) : (
              <dl className="item-grid" data-testid="member-items">
                {shown.map((f) => {
                  const text = displayValue(i18n, f, member[f]);
                  return (
                    <div key={f} className="item-row" data-item={f} data-testid="member-item">
                      <dt>{labels.item(f)}</dt>
                      <dd className={text ? undefined : 'muted'}>{text || t('member.noValue')}</dd>
                    </div>
                  );
                })}
              </dl>
            )}
          </Card>
          {hidden.length > 0 && (
            <details className="hidden-items" data-testid="hidden-items">
              <summary>{t('member.hiddenItems', { n: hidden.length })}</summary>
              <p>{t('member.hiddenItemsHelp')}</p>
              <p className="item-list">{i18n.list(hidden.map((f) => labels.item(f)))}</p>
            </details>
          )}
          <MemberPrivacyPanels memberId={memberId} />
        </>
      )}
    </>
  );
}
