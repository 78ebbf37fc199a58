/**
 * The member's page (or a ward's): who it is for, a switch to the wards' pages for a guardian, and the
 * sections: the consents and choices first (what a member comes to change, near the top on a phone), the
 * purposes (grouped and collapsed), the items held, joint uses, provision records and requests.
 */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Loading } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { ConsentsSection } from './consents-section.tsx';
import { ContactSection, ItemsSection, JointUsesSection, ProvisionSection, PurposesSection } from './data-sections.tsx';
import { kindLabel, stateLabel, stateTone } from './labels.ts';
import { useMemberSession } from './member-session.tsx';
import { type MyConsents, type MyData, openStates, type RequestView } from './types.ts';
import { useWhose } from './whose.ts';

interface PageData {
  data: MyData;
  consents: MyConsents;
  requests: RequestView[];
}

function useMyPage() {
  const [page, setPage] = useState<PageData | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      const [data, consents, requests] = await Promise.all([
        api.get<MyData>('/portal/my'),
        api.get<MyConsents>('/portal/consents'),
        api.get<{ requests: RequestView[] }>('/portal/requests'),
      ]);
      setPage({ data, consents, requests: requests.requests });
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return { page, error, load };
}

export function MyHomePage() {
  const { t } = useI18n();
  const { me } = useMemberSession();
  const { page, error, load } = useMyPage();
  const whose = useWhose();
  const sections = [
    ['my-consents', t('my.consent.title')],
    ['my-purposes', t('my.purposes.title', { ...whose })],
    ['my-items', t('my.items.title', { ...whose })],
    ['my-joint', t('my.joint.title')],
    ['my-provision', t('my.provision.title')],
    ['my-requests', t('my.requests.title')],
  ] as const;

  return (
    <>
      <header className="my-page-header">
        <h1 className="my-title" data-testid="my-page-title">
          {t('my.home.title', { name: me.subject.name })}
        </h1>
        <p className="my-lead">
          {t('my.home.memberCode', { code: me.subject.member_code })}
          {page?.data.policy_version ? ` · ${t('my.home.policy', { n: page.data.policy_version })}` : ''}
        </p>
        <div className="my-actions">
          <Link to="/my/requests/new" className="btn btn-primary my-big">
            {t('my.requests.new')}
          </Link>
          <Link to="/my/contact" className="btn btn-secondary my-big">
            {t('my.contact.open')}
          </Link>
        </div>
      </header>
      <WardSwitcher />
      <nav className="my-toc" aria-label={t('my.home.toc')}>
        {sections.map(([id, title]) => (
          <a key={id} href={`#${id}`}>
            {title}
          </a>
        ))}
      </nav>
      {error !== null && <ErrorNotice error={error} />}
      {!page && error === null && <Loading />}
      {page && (
        <>
          <div id="my-consents">
            <ConsentsSection
              consents={page.consents}
              policyVersion={page.data.policy_version}
              orgCode={me.member.org_code}
              onChanged={load}
            />
          </div>
          <div id="my-purposes">
            <PurposesSection data={page.data} />
          </div>
          <div id="my-items">
            <ItemsSection data={page.data} />
          </div>
          <div id="my-joint">
            <JointUsesSection data={page.data} />
          </div>
          <div id="my-provision">
            <ProvisionSection data={page.data} />
          </div>
          <div id="my-requests">
            <RequestsSection requests={page.requests} />
          </div>
          <ContactSection data={page.data} />
        </>
      )}
    </>
  );
}

/** A guardian opens a ward's page from here; the banner above every screen leads back. */
function WardSwitcher() {
  const { t } = useI18n();
  const { me, switchTo } = useMemberSession();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const others = me.wards.filter((w) => w.id !== me.subject.id);
  if (others.length === 0) return null;
  const open = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await switchTo(id);
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };
  return (
    <Card title={t('my.ward.title')} className="my-wards">
      <p className="card-lead">{t('my.ward.lead')}</p>
      <div className="my-actions">
        {others.map((w) => (
          <Button key={w.id} className="my-big" busy={busy === w.id} onClick={() => void open(w.id)}>
            {t('my.ward.open', { name: w.name })}
          </Button>
        ))}
      </div>
      <ErrorNotice error={error} />
    </Card>
  );
}

function RequestsSection({ requests }: { requests: RequestView[] }) {
  const { t, date, dateTime } = useI18n();
  return (
    <Card
      title={t('my.requests.title')}
      actions={
        <Link to="/my/requests/new" className="btn btn-primary">
          {t('my.requests.new')}
        </Link>
      }
    >
      <p className="card-lead">{t('my.requests.lead')}</p>
      {requests.length === 0 ? (
        <Empty title={t('my.requests.none')} />
      ) : (
        <ul className="my-request-list" data-testid="my-requests">
          {requests.map((r) => (
            <li key={r.id} className="my-request-row" data-reference={r.reference}>
              <Link to={`/my/requests/${r.id}`} className="my-request-link">
                <span className="my-request-kind">{t(kindLabel[r.kind])}</span>
                <span className="my-request-meta">
                  {r.reference} · {t('my.requests.received', { at: dateTime(r.received_at) })}
                </span>
              </Link>
              <span className="my-request-state">
                <Badge tone={stateTone[r.state]}>{t(stateLabel[r.state])}</Badge>
                {r.answered_at ? (
                  <span className="small muted">{t('my.requests.answeredOn', { at: dateTime(r.answered_at) })}</span>
                ) : (
                  openStates.includes(r.state) && <span className="small muted">{t('my.requests.due', { date: date(r.due_on) })}</span>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
