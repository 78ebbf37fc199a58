/** The signed-in member on the member page: who they are, whose page is open, switching to a ward and back. */
import { createContext, useContext } from 'react';
import type { MemberMe } from './types.ts';

export interface MemberSession {
  me: MemberMe;
  /** Opens a ward's page, or the member's own (their own id). */
  switchTo: (memberId: string) => Promise<void>;
  signOut: () => Promise<void>;
}

export const MemberSessionContext = createContext<MemberSession | null>(null);

export function useMemberSession(): MemberSession {
  const s = useContext(MemberSessionContext);
  if (!s) throw new Error('useMemberSession outside the signed-in member page');
  return s;
}
