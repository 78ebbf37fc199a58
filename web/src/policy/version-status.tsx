/** A version's status as a badge: 施行中 (in effect), 施行予定 (scheduled), 旧版 (superseded). */
import { Badge } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { VersionSummary } from './types.ts';

const tone = { active: 'ok', scheduled: 'info', superseded: 'neutral', draft: 'warn' } as const;

export function VersionStatus({ status }: { status: VersionSummary['status'] }) {
  const { t } = useI18n();
  return (
    <span data-testid="version-status" data-status={status}>
      <Badge tone={tone[status]}>{t(`policy.status.${status}`)}</Badge>
    </span>
  );
}

/** Links to the public notice pages of an organization (rendered by the server, outside the console). */
export function PublicLinks({ orgCode }: { orgCode: string }) {
  const { t } = useI18n();
  const base = `/notices/${encodeURIComponent(orgCode)}`;
  return (
    <>
      <a className="btn btn-secondary" href={base} data-testid="public-link">
        {t('policy.versions.publicPage')}
      </a>
      <a className="btn btn-secondary" href={`${base}/versions`} data-testid="public-versions-link">
        {t('policy.versions.publicHistory')}
      </a>
    </>
  );
}
