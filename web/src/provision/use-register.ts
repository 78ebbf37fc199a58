/** The recipients of the third-party register in the policy version in effect (readable by the office roles). */
import { useEffect, useState } from 'react';
import type { PolicyDocument } from '../../../src/contract/api.ts';
import { api } from '../api/client.ts';

export type Recipient = PolicyDocument['third_parties'][number];

export function useRegister(): { parties: Recipient[] | null; error: unknown } {
  const [state, setState] = useState<{ parties: Recipient[] | null; error: unknown }>({ parties: null, error: null });
  useEffect(() => {
    let live = true;
    (async () => {
      const { versions } = await api.get<{ versions: { number: number; status: string }[] }>('/policy/versions');
      const active = versions.filter((v) => v.status === 'active').sort((a, b) => b.number - a.number)[0];
      if (!active) return live && setState({ parties: [], error: null });
      const { document } = await api.get<{ document: PolicyDocument }>(`/policy/versions/${active.number}`);
      if (live) setState({ parties: document.third_parties, error: null });
    })().catch((error: unknown) => live && setState({ parties: null, error }));
    return () => {
      live = false;
    };
  }, []);
  return state;
}

export const JAPAN = /^(日本|japan|jp)$/i;
