/**
 * Names for the user ids the policy API returns (who saved the draft, who published a version). The staff
 * list (of this organization) is readable by officers, administrators and auditors; anyone else — another
 * organization's administrator who set it up, or for readers without the list — is shown by a short id.
 */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { StaffUser } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';

export function useUserNames(): (id: string | null, known?: string | null) => string {
  const { t } = useI18n();
  const { me } = useSession();
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const canList = ['privacy_officer', 'system_admin', 'auditor'].includes(me.role.kind);
  useEffect(() => {
    if (!canList) return;
    api
      .get<{ users: StaffUser[] }>('/users')
      .then((r) => setNames(new Map(r.users.map((u) => [u.id, u.display_name]))))
      .catch(() => {});
  }, [canList]);
  return useCallback(
    (id: string | null, known?: string | null) => {
      if (!id) return t('policy.user.system');
      if (id === me.user.id) return t('policy.user.you', { name: me.user.display_name });
      return names.get(id) ?? known ?? t('policy.user.other', { id: id.slice(0, 8) });
    },
    [names, me.user, t],
  );
}
