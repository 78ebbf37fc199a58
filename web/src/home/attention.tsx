/**
 * What needs attention (`GET /attention`), fetched once per navigation and shared: the home page's counts and the
 * menu's badges (requests, alerts) read the same answer, so a navigation costs one request, not one per reader.
 * A screen that changes a request or an alert calls `refreshAttention()` so the badges follow without navigating.
 */
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import type { Attention } from '../../../src/contract/api.ts';
import { api } from '../api/client.ts';
import { useLocation } from '../router.tsx';

interface AttentionState {
  /** The latest answer (kept while the next one loads, so badges do not flicker); null before the first. */
  attention: Attention | null;
  error: unknown;
}

const AttentionContext = createContext<AttentionState>({ attention: null, error: null });
const REFRESH = 'mamori:attention';

/** Asks the shared counts to be read again (after a request step, an assignment, an acknowledged alert). */
export function refreshAttention(): void {
  window.dispatchEvent(new Event(REFRESH));
}

export function AttentionProvider({ children }: { children: ReactNode }) {
  const { href } = useLocation();
  const [state, setState] = useState<AttentionState>({ attention: null, error: null });
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    const onChange = () => setChanges((n) => n + 1);
    window.addEventListener(REFRESH, onChange);
    return () => window.removeEventListener(REFRESH, onChange);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: read again on every navigation and every change
  useEffect(() => {
    let live = true;
    api
      .get<Attention>('/attention')
      .then((attention) => live && setState({ attention, error: null }))
      .catch((error: unknown) => live && setState((s) => ({ attention: s.attention, error })));
    return () => {
      live = false;
    };
  }, [href, changes]);

  return <AttentionContext.Provider value={state}>{children}</AttentionContext.Provider>;
}

export function useAttention(): AttentionState {
  return useContext(AttentionContext);
}
