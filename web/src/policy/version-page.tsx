/** One published version, read-only: its dates, summary, changes and warnings, and its registers as tabs. */
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { Card, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { PolicyTabs } from './policy-tabs.tsx';
import { ChangeList } from './review-panel.tsx';
import type { Doc, TabId, VersionSummary } from './types.ts';
import { useUserNames } from './use-user-names.ts';
import { PublicLinks, VersionStatus } from './version-status.tsx';

export function VersionPage({ number }: { number: number }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { me } = useSession();
  const [data, setData] = useState<{ version: VersionSummary; document: Doc } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tab, setTab] = useState<TabId>('organization');
  const userName = useUserNames();

  useEffect(() => {
    api.get<{ version: VersionSummary; document: Doc }>(`/policy/versions/${number}`).then(setData).catch(setError);
  }, [number]);

  if (error) return <ErrorNotice error={error} />;
  if (!data) return <Loading />;
  const { version: v, document } = data;

  return (
    <>
      <PageHeader
        crumbs={<Link to="/policy/versions">{t('policy.versions.title')}</Link>}
        title={t('policy.version.title', { n: v.number })}
        actions={
          <>
            <a className="btn btn-secondary" href={`/api/v1/policy/versions/${v.number}/file`} download>
              {t('policy.versions.yaml')}
            </a>
            <PublicLinks orgCode={me.organization.code} />
          </>
        }
      />
      <Card>
        <dl className="version-facts" data-testid="version-facts">
          <div>
            <dt>{t('policy.versions.status')}</dt>
            <dd>
              <VersionStatus status={v.status} />
            </dd>
          </div>
          <div>
            <dt>{t('policy.versions.noticeOn')}</dt>
            <dd>{v.notice_on}</dd>
          </div>
          <div>
            <dt>{t('policy.versions.effectiveOn')}</dt>
            <dd>{v.effective_on}</dd>
          </div>
          <div>
            <dt>{t('policy.version.publishedAt')}</dt>
            <dd>
              {i18n.dateTime(v.published_at)} · {userName(v.published_by)}
            </dd>
          </div>
          <div className="version-facts-wide">
            <dt>{t('policy.versions.summary')}</dt>
            <dd>{v.summary ?? '—'}</dd>
          </div>
          <div className="version-facts-wide">
            <dt>{t('policy.version.sha256')}</dt>
            <dd className="mono small">{v.sha256}</dd>
          </div>
        </dl>
        <h3 className="sub-section-title">{t('policy.versions.changes')}</h3>
        <ChangeList changes={v.changes} />
        {v.warnings.length > 0 && (
          <>
            <h3 className="sub-section-title">{t('policy.version.warnings', { n: v.warnings.length })}</h3>
            <ul className="gap-list gap-list-warning">
              {v.warnings.map((g, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: warnings are stored in order
                <li key={i}>{pick(g.message_ja, g.message_en)}</li>
              ))}
            </ul>
          </>
        )}
      </Card>
      <Card title={t('policy.version.registers')}>
        <PolicyTabs doc={document} tab={tab} onTab={setTab} readOnly />
      </Card>
    </>
  );
}
