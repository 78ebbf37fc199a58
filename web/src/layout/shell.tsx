/**
 * The signed-in frame: header (organization, user, role, language, re-binding the second factor, sign-out),
 * role-aware navigation, the screen.
 */
import type { ReactNode } from 'react';
import { AlertsPage } from '../alerts/alerts-page.tsx';
import { AuditPage } from '../audit/audit-page.tsx';
import { MemberAuditPage } from '../audit/member-audit-page.tsx';
import { TotpRebindPage } from '../auth/totp-rebind-page.tsx';
import { BrandMark } from '../components/brand.tsx';
import { icons } from '../components/icons.tsx';
import { LangSwitch } from '../components/lang-switch.tsx';
import { Empty, Notice } from '../components/ui.tsx';
import { DeliveriesPage } from '../deliveries/deliveries-page.tsx';
import { DiscoveryPage } from '../discovery/discovery-page.tsx';
import { HandoversPage } from '../handovers/handovers-page.tsx';
import { AttentionProvider, useAttention } from '../home/attention.tsx';
import { HomePage } from '../home/home-page.tsx';
import { type MessageKey, useI18n } from '../i18n/i18n.tsx';
import { JobsPage } from '../jobs/jobs-page.tsx';
import { AssetPage } from '../ledger/asset-page.tsx';
import { LedgerPage } from '../ledger/ledger-page.tsx';
import { NewAssetPage } from '../ledger/new-asset-page.tsx';
import { MemberDetailPage } from '../members/member-detail-page.tsx';
import { MemberSearchPage } from '../members/member-search-page.tsx';
import { PolicyNavGroup, policyScreen } from '../policy/policy-nav.tsx';
import { ProvisionPage } from '../provision/provision-page.tsx';
import { PseudonymizedPage } from '../pseudonymized/pseudonymized-page.tsx';
import { ReleaseDefinePage } from '../releases/release-define-page.tsx';
import { ReleasePage } from '../releases/release-page.tsx';
import { ReleasesPage } from '../releases/releases-page.tsx';
import { NewRequestPage } from '../requests/new-request-page.tsx';
import { RequestPage } from '../requests/request-page.tsx';
import { RequestsPage } from '../requests/requests-page.tsx';
import { SystemTasksPage } from '../requests/system-tasks-page.tsx';
import { Link, matchPath, useLocation } from '../router.tsx';
import { capabilities, useSession } from '../session.tsx';
import { SystemsPage } from '../systems/systems-page.tsx';
import { UsersPage } from '../users/users-page.tsx';

interface NavItem {
  to: string;
  label: MessageKey;
  icon: ReactNode;
  /** Paths that light this entry up. */
  match: (path: string) => boolean;
  badge?: number;
  /** The badge's tooltip (and accessible name). */
  badgeTitle?: string;
  /** A quieter badge for work that is open but not yet late. */
  badgeTone?: 'bad' | 'warn';
}

export function Shell() {
  return (
    <AttentionProvider>
      <Frame />
    </AttentionProvider>
  );
}

function Frame() {
  const { t, pick } = useI18n();
  const { me, signOut } = useSession();
  const location = useLocation();
  const can = capabilities(me);
  // The badges read the home page's counts (one `GET /attention` per navigation, shared with the home page).
  const { attention } = useAttention();
  const openAlerts = (can.alerts && attention?.alerts?.open) || 0;
  const openRequests = (can.requests && attention?.requests) || { open: 0, overdue: 0 };

  const nav: NavItem[] = [
    { to: '/', label: 'nav.home', icon: icons.home, match: (p) => p === '/' },
    ...(can.searchMembers
      ? [
          {
            to: '/members',
            label: 'nav.members' as const,
            icon: icons.search,
            match: (p: string) => p.startsWith('/members') && !p.endsWith('/audit'),
          },
        ]
      : []),
    ...(can.requests
      ? [
          {
            to: '/requests',
            label: 'nav.requests' as const,
            icon: icons.requests,
            match: (p: string) => p.startsWith('/requests'),
            badge: openRequests.open,
            badgeTitle: t('nav.openRequests', { n: openRequests.open, overdue: openRequests.overdue }),
            badgeTone: openRequests.overdue > 0 ? ('bad' as const) : ('warn' as const),
          },
        ]
      : []),
    ...(can.audit
      ? [
          {
            to: '/audit',
            label: 'nav.audit' as const,
            icon: icons.audit,
            match: (p: string) => p.startsWith('/audit') || p.endsWith('/audit'),
          },
        ]
      : []),
    ...(can.alerts
      ? [
          {
            to: '/alerts',
            label: 'nav.alerts' as const,
            icon: icons.alert,
            match: (p: string) => p.startsWith('/alerts'),
            badge: openAlerts,
            badgeTitle: t('nav.openAlerts', { n: openAlerts }),
          },
        ]
      : []),
    ...(can.ledger
      ? [{ to: '/ledger', label: 'nav.ledger' as const, icon: icons.ledger, match: (p: string) => p.startsWith('/ledger') }]
      : []),
    ...(can.provisions
      ? [{ to: '/provision', label: 'nav.provision' as const, icon: icons.provision, match: (p: string) => p.startsWith('/provision') }]
      : []),
    ...(can.systems
      ? [{ to: '/systems', label: 'nav.systems' as const, icon: icons.systems, match: (p: string) => p.startsWith('/systems') }]
      : []),
    ...(can.pseudonymized
      ? [
          {
            to: '/pseudonymized',
            label: 'nav.pseudonymized' as const,
            icon: icons.ledger,
            match: (p: string) => p.startsWith('/pseudonymized'),
          },
        ]
      : []),
    ...(can.handovers
      ? [{ to: '/handovers', label: 'nav.handovers' as const, icon: icons.organization, match: (p: string) => p.startsWith('/handovers') }]
      : []),
    ...(can.releases
      ? [{ to: '/releases', label: 'nav.releases' as const, icon: icons.ledger, match: (p: string) => p.startsWith('/releases') }]
      : []),
    ...(can.deliveries
      ? [{ to: '/deliveries', label: 'nav.deliveries' as const, icon: icons.versions, match: (p: string) => p.startsWith('/deliveries') }]
      : []),
    ...(can.jobs ? [{ to: '/jobs', label: 'nav.jobs' as const, icon: icons.jobs, match: (p: string) => p.startsWith('/jobs') }] : []),
    ...(can.users ? [{ to: '/users', label: 'nav.users' as const, icon: icons.users, match: (p: string) => p.startsWith('/users') }] : []),
  ];

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <Link to="/" className="topbar-brand">
          <BrandMark />
          <span className="topbar-product">mamori</span>
          <span className="topbar-sub">{t('app.subtitle')}</span>
        </Link>
        <div className="topbar-org" data-testid="org-name">
          {pick(me.organization.name, me.organization.name_en)}
        </div>
        <div className="topbar-right">
          <LangSwitch />
          <div className="topbar-user" data-testid="current-user">
            <span className="topbar-user-name">{me.user.display_name}</span>
            <span className="topbar-user-role">
              {pick(me.role.name, me.role.name_en)}
              {me.department && ` · ${pick(me.department.name, me.department.name_en)}`}
            </span>
          </div>
          <Link to="/account/totp" className="btn btn-ghost-light btn-small" data-testid="totp-rebind-link">
            {t('header.totpRebind')}
          </Link>
          <button type="button" className="btn btn-ghost-light btn-small" onClick={() => void signOut()}>
            {t('header.signOut')}
          </button>
        </div>
      </header>
      <div className="shell-body">
        <nav className="sidenav" aria-label={t('nav.label')}>
          <ul>
            {nav.map((item) => {
              const active = item.match(location.path);
              return (
                <li key={item.to}>
                  <Link to={item.to} className={`sidenav-link${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
                    <span className="sidenav-icon" aria-hidden="true">
                      {item.icon}
                    </span>
                    <span>{t(item.label)}</span>
                    {item.badge ? (
                      <span
                        className={`sidenav-badge${item.badgeTone === 'warn' ? ' sidenav-badge-warn' : ''}`}
                        title={item.badgeTitle}
                        data-testid={`nav-badge-${item.to.slice(1)}`}
                      >
                        {item.badge}
                      </span>
                    ) : null}
                  </Link>
                </li>
              );
            })}
          </ul>
          <PolicyNavGroup me={me} path={location.path} />
          <p className="sidenav-note">{t('nav.note')}</p>
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          <Routes />
        </main>
      </div>
    </div>
  );
}

function Routes() {
  const { t } = useI18n();
  const { me } = useSession();
  const { path, query } = useLocation();
  if (path === '/') return <HomePage />;
  if (path === '/members') return <MemberSearchPage />;
  const memberAudit = matchPath('/members/:id/audit', path);
  if (memberAudit) return <MemberAuditPage memberId={memberAudit.id ?? ''} memberCode={query.get('code')} />;
  const member = matchPath('/members/:id', path);
  if (member) return <MemberDetailPage key={member.id} memberId={member.id ?? ''} purpose={query.get('purpose') ?? ''} />;
  if (path === '/requests' || path.startsWith('/requests/')) {
    // Requests, with their identity-check notes, open only for roles with the duty (the API refuses the same).
    if (!capabilities(me).requests) return <NotYourDuty />;
    if (path === '/requests') return <RequestsPage />;
    if (path === '/requests/new') return <NewRequestPage key={query.get('member') ?? ''} />;
    const request = matchPath('/requests/:id', path);
    if (request) return <RequestPage key={request.id} requestId={request.id ?? ''} />;
  }
  if (path === '/audit') return <AuditPage key={query.get('member') ?? ''} />;
  if (path === '/alerts') return <AlertsPage />;
  if (path === '/users') return <UsersPage />;
  if (path === '/jobs') return <JobsPage />;
  if (path === '/system-tasks') return capabilities(me).requests ? <SystemTasksPage /> : <NotYourDuty />;
  if (path === '/systems') return <SystemsPage />;
  if (path === '/pseudonymized') return <PseudonymizedPage />;
  if (path === '/handovers') return capabilities(me).handovers ? <HandoversPage /> : <NotYourDuty duty="handovers" />;
  if (path === '/releases') return <ReleasesPage />;
  if (path === '/releases/new') return <ReleaseDefinePage />;
  const releaseEdit = matchPath('/releases/:id/edit', path);
  if (releaseEdit) return <ReleaseDefinePage key={releaseEdit.id} releaseId={releaseEdit.id ?? ''} />;
  const release = matchPath('/releases/:id', path);
  if (release) return <ReleasePage key={release.id} releaseId={release.id ?? ''} />;
  if (path === '/deliveries') return <DeliveriesPage />;
  if (path === '/provision') return capabilities(me).provisions ? <ProvisionPage /> : <NotYourDuty duty="provisions" />;
  if (path === '/account/totp') return <TotpRebindPage />;
  if (path === '/ledger') return <LedgerPage />;
  if (path === '/ledger/new') return <NewAssetPage />;
  const asset = matchPath('/ledger/:id', path);
  if (asset) return <AssetPage key={asset.id} assetId={asset.id ?? ''} />;
  const discovery = matchPath('/systems/:code/discovery', path);
  if (discovery) return <DiscoveryPage key={discovery.code} code={discovery.code ?? ''} />;
  const policy = policyScreen(me, path);
  if (policy) return policy;
  return (
    <Empty title={t('notFound.title')}>
      <Link to="/">{t('notFound.back')}</Link>
    </Empty>
  );
}

/** A request page opened (e.g. by URL) by a role whose work requests are not: said plainly, nothing fetched. */
/** A screen of a duty the role lacks (base/duties.ts): which work it is, and whom to ask. */
function NotYourDuty({ duty = 'requests' }: { duty?: 'requests' | 'provisions' | 'handovers' }) {
  const { t } = useI18n();
  return (
    <Notice tone="warning" title={t('duty.requests.title')} testId="not-your-duty">
      <p>{t(`duty.${duty}.text`)}</p>
      <p>
        <Link to="/">{t('notFound.back')}</Link>
      </p>
    </Notice>
  );
}
