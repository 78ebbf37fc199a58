/** Newest-first paging over the audit trail with the server's `next_before` cursor. */
import { useEffect, useState } from 'react';
import type { AuditPage } from '../api/types.ts';

interface Cursor {
  /** The filter these pages belong to: a new filter starts again from the newest page. */
  key: string;
  /** cursors[i] is the `before` of page i (undefined: the newest page). */
  cursors: (number | undefined)[];
  index: number;
}

export function useAuditPages(fetchPage: (before: number | undefined) => Promise<AuditPage>, resetKey: string) {
  const [cursor, setCursor] = useState<Cursor>({ key: resetKey, cursors: [undefined], index: 0 });
  const current: Cursor = cursor.key === resetKey ? cursor : { key: resetKey, cursors: [undefined], index: 0 };
  const [page, setPage] = useState<AuditPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const before = current.cursors[current.index];

  // biome-ignore lint/correctness/useExhaustiveDependencies: fetchPage changes with the filter, which resetKey tracks
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    fetchPage(before)
      .then((p) => live && setPage(p))
      .catch((err: unknown) => {
        if (!live) return;
        setPage(null);
        setError(err);
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [before, resetKey, nonce]);

  return {
    page,
    error,
    loading,
    pageNumber: current.index + 1,
    hasOlder: Boolean(page?.next_before),
    hasNewer: current.index > 0,
    older: () => {
      const next = page?.next_before;
      if (!next) return;
      setCursor({ key: resetKey, cursors: [...current.cursors.slice(0, current.index + 1), next], index: current.index + 1 });
    },
    newer: () => setCursor({ ...current, index: Math.max(0, current.index - 1) }),
    refresh: () => setNonce((n) => n + 1),
  };
}
