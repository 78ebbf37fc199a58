/**
 * The console: finds out who is signed in, shows the sign-in steps until the session is complete, then the
 * shell with the screens the role may use.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, resetCsrf, setSignedOutHandler } from './api/client.ts';
import type { DataItem, Me, MeAnswer, Purpose } from './api/types.ts';
import { LoginPage } from './auth/login-page.tsx';
import { ErrorNotice, Loading } from './components/ui.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { Shell } from './layout/shell.tsx';
import { forgetSearchResults } from './members/member-search-page.tsx';
import { navigate } from './router.tsx';
import { type Session, SessionContext } from './session.tsx';

type State =
  | { status: 'loading' }
  | { status: 'failed'; error: unknown }
  | { status: 'signedOut'; step: 'password' | 'totp' | 'enroll'; notice?: string }
  | { status: 'signedIn'; me: Me; purposes: Purpose[]; items: DataItem[] };

export function App() {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ status: 'loading' });

  const load = useCallback(async () => {
    try {
      const me = await api.get<MeAnswer>('/auth/me');
      if (me.mfa !== 'none') {
        setState({ status: 'signedOut', step: me.mfa });
        return;
      }
      const registers = await api.get<{ purposes: Purpose[]; items: DataItem[] }>('/purposes');
      setState({ status: 'signedIn', me, purposes: registers.purposes, items: registers.items });
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) setState({ status: 'signedOut', step: 'password' });
      else setState({ status: 'failed', error });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    setSignedOutHandler(() => {
      forgetSearchResults();
      setState({ status: 'signedOut', step: 'password', notice: t('login.sessionExpired') });
    });
    return () => setSignedOutHandler(undefined);
  }, [t]);

  const signOut = useCallback(async () => {
    await api.post('/auth/logout').catch(() => {});
    forgetSearchResults();
    resetCsrf();
    navigate('/', { replace: true });
    setState({ status: 'signedOut', step: 'password', notice: t('login.signedOut') });
  }, [t]);

  if (state.status === 'loading') {
    return (
      <div className="boot">
        <Loading />
      </div>
    );
  }
  if (state.status === 'failed') {
    return (
      <div className="boot">
        <ErrorNotice error={state.error} />
      </div>
    );
  }
  if (state.status === 'signedOut') {
    return (
      <LoginPage
        key={`${state.step}-${state.notice ?? ''}`}
        initialStep={state.step}
        {...(state.notice ? { notice: state.notice } : {})}
        onSignedIn={() => void load()}
      />
    );
  }
  const session: Session = { me: state.me, purposes: state.purposes, items: state.items, signOut, refresh: load };
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}
