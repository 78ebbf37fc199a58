/**
 * The member page (本人のページ) under `/my`: members sign in with their member code and see and manage their
 * own data, or, as a registered guardian, a ward's. A plain layout of its own (no staff navigation), large
 * touch targets, readable on a phone; the session is the member cookie, apart from the console's.
 */
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiError, api, resetCsrf, setSignedOutHandler } from '../api/client.ts';
import { BrandMark } from '../components/brand.tsx';
import { LangSwitch } from '../components/lang-switch.tsx';
import { Button, Empty, ErrorNotice, Loading } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { href, Link, matchPath, navigate, useLocation } from '../router.tsx';
import { ContactPage } from './contact-page.tsx';
import { MyHomePage } from './home-page.tsx';
import { type MemberSession, MemberSessionContext, useMemberSession } from './member-session.tsx';
import { NewRequestPage } from './new-request-page.tsx';
import { RequestPage } from './request-page.tsx';
import { CodePage, SignInPage } from './sign-in-page.tsx';
import type { MemberMe } from './types.ts';
import './my.css';

type State =
  | { status: 'loading' }
  | { status: 'failed'; error: unknown }
  | { status: 'signedOut'; notice?: string }
  | { status: 'signedIn'; me: MemberMe };

const signInPaths = new Set(['/my/sign-in', '/my/code']);

/** Where a member goes after signing in: the page a link asked for (`?next=`, member page paths only), or home. */
function afterSignIn(query: URLSearchParams): string {
  const next = query.get('next');
  return next && /^\/my(\/[\w-]|\?|$)/.test(next) ? next : '/my';
}

export function MyApp() {
  const { t } = useI18n();
  const { path, href: here } = useLocation();
  const [state, setState] = useState<State>({ status: 'loading' });

  useEffect(() => {
    document.title = t('my.documentTitle');
  }, [t]);

  const load = useCallback(async () => {
    try {
      setState({ status: 'signedIn', me: await api.get<MemberMe>('/portal/me') });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ status: 'signedOut' });
      else setState({ status: 'failed', error });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    // Only a session that was open can run out; the first look at /portal/me simply finds none.
    setSignedOutHandler(() => setState((s) => (s.status === 'signedIn' ? { status: 'signedOut', notice: t('my.signIn.expired') } : s)));
    return () => setSignedOutHandler(undefined);
  }, [t]);

  const signedIn = state.status === 'signedIn';
  // The sign-in screens have their own URLs; a signed-in member landing there goes to their page.
  useEffect(() => {
    const search = new URLSearchParams(here.slice(path.length));
    if (signedIn && signInPaths.has(path)) navigate(afterSignIn(search), { replace: true });
    if (state.status === 'signedOut' && !signInPaths.has(path)) {
      // A link from a mail (a request's page) opens the sign-in, then the page it pointed to.
      navigate(href('/my/sign-in', { org: search.get('org'), next: path === '/my' ? null : here }), { replace: true });
    }
  }, [signedIn, state.status, path, here]);

  const signOut = useCallback(async () => {
    await api.post('/portal/auth/logout').catch(() => {});
    resetCsrf();
    setState({ status: 'signedOut', notice: t('my.signIn.signedOut') });
  }, [t]);

  const switchTo = useCallback(async (memberId: string) => {
    const me = await api.post<MemberMe>('/portal/act-as', { member_id: memberId });
    setState({ status: 'signedIn', me });
    navigate('/my');
  }, []);

  if (state.status === 'loading') {
    return (
      <MyLayout>
        <Loading />
      </MyLayout>
    );
  }
  if (state.status === 'failed') {
    return (
      <MyLayout>
        <ErrorNotice error={state.error} />
      </MyLayout>
    );
  }
  if (state.status === 'signedOut') {
    return (
      <MyLayout>
        {path === '/my/code' ? (
          <CodePage onSignedIn={() => void load()} />
        ) : (
          <SignInPage key={state.notice ?? ''} {...(state.notice ? { notice: state.notice } : {})} onSignedIn={() => void load()} />
        )}
      </MyLayout>
    );
  }
  const session: MemberSession = { me: state.me, switchTo, signOut };
  return (
    <MemberSessionContext.Provider value={session}>
      <MyLayout signedIn>
        <MyRoutes key={state.me.subject.id} path={path} />
      </MyLayout>
    </MemberSessionContext.Provider>
  );
}

function MyRoutes({ path }: { path: string }) {
  const { t } = useI18n();
  if (path === '/my' || signInPaths.has(path)) return <MyHomePage />;
  if (path === '/my/contact') return <ContactPage />;
  if (path === '/my/requests/new') return <NewRequestPage />;
  const request = matchPath('/my/requests/:id', path);
  if (request) return <RequestPage key={request.id} requestId={request.id ?? ''} />;
  return (
    <Empty title={t('notFound.title')}>
      <Link to="/my">{t('my.backHome')}</Link>
    </Empty>
  );
}

function MyLayout({ signedIn = false, children }: { signedIn?: boolean; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="my">
      <a className="skip-link" href="#my-main">
        {t('nav.skip')}
      </a>
      <header className="my-top">
        <Link to="/my" className="my-brand">
          <BrandMark size={30} />
          <span className="my-brand-text">
            {signedIn && <OrgName />}
            <span className="my-brand-title">{t('my.title')}</span>
          </span>
        </Link>
        <div className="my-top-right">
          <LangSwitch />
          {signedIn && <SignedInMember />}
        </div>
      </header>
      {signedIn && <WardBanner />}
      <main id="my-main" className="my-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="my-footer">{signedIn ? <SignedInFooter /> : t('my.footer')}</footer>
    </div>
  );
}

/** Whose action the trail records: the member's own, or the guardian's on a ward's page. */
function SignedInFooter() {
  const { t } = useI18n();
  const { me } = useMemberSession();
  return <>{me.subject.is_self ? t('my.footer') : t('my.footer.ward', { guardian: me.member.name })}</>;
}

function OrgName() {
  const { me } = useMemberSession();
  return <span className="my-brand-org">{me.member.org_name}</span>;
}

function SignedInMember() {
  const { t } = useI18n();
  const { me, signOut } = useMemberSession();
  return (
    <div className="my-user">
      <span className="my-user-name" data-testid="my-signed-in">
        {t('my.honorific', { name: me.member.name })}
      </span>
      <Button small variant="secondary" onClick={() => void signOut()}>
        {t('my.signOut')}
      </Button>
    </div>
  );
}

/** Shown on every screen while a guardian has a ward's page open, so nobody mistakes whose data this is. */
function WardBanner() {
  const { t } = useI18n();
  const { me, switchTo } = useMemberSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (me.subject.is_self) return null;
  const back = async () => {
    setBusy(true);
    setError(null);
    try {
      await switchTo(me.member.id);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <div className="my-ward-banner" role="status" data-testid="ward-banner">
      <p>{t('my.ward.banner', { name: me.subject.name, guardian: me.member.name })}</p>
      <Button variant="primary" busy={busy} onClick={() => void back()}>
        {t('my.ward.back')}
      </Button>
      <ErrorNotice error={error} />
    </div>
  );
}
