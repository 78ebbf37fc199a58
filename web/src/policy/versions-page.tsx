/**
 * 版の履歴: every published version, newest first, with its status, notice and effective dates, summary and
 * changes; each opens read-only and downloads as YAML. The public notice pages are linked from here.
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { Card, Empty, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { ChangeList } from './review-panel.tsx';
import type { VersionSummary } from './types.ts';
import { useUserNames } from './use-user-names.ts';
import { PublicLinks, VersionStatus } from './version-status.tsx';

export function VersionsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const { query } = useLocation();
  const published = Number(query.get('published') ?? 0);
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const userName = useUserNames();

  useEffect(() => {
    api
      .get<{ versions: VersionSummary[] }>('/policy/versions')
      .then((r) => setVersions(r.versions))
      .catch(setError);
  }, []);

  if (error) return <ErrorNotice error={error} />;
  if (!versions) return <Loading />;
  const justPublished = versions.find((v) => v.number === published);
  const publicBase = `/notices/${encodeURIComponent(me.organization.code)}`;

  return (
    <>
      <PageHeader
        title={t('policy.versions.title')}
        description={t('policy.versions.lead')}
        actions={<PublicLinks orgCode={me.organization.code} />}
      />
      {justPublished && (
        <Notice
          tone="success"
          title={t('policy.versions.published', { n: justPublished.number, date: justPublished.effective_on })}
          testId="published"
        >
          {justPublished.status === 'scheduled' ? t('policy.versions.publishedScheduled') : t('policy.versions.publishedActive')}
        </Notice>
      )}
      <Card>
        {versions.length === 0 ? (
          <Empty title={t('policy.versions.none')}>
            <Link to="/policy">{t('policy.versions.noneHelp')}</Link>
          </Empty>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="versions-table">
              <thead>
                <tr>
                  <th scope="col">{t('policy.versions.number')}</th>
                  <th scope="col">{t('policy.versions.status')}</th>
                  <th scope="col">{t('policy.versions.noticeOn')}</th>
                  <th scope="col">{t('policy.versions.effectiveOn')}</th>
                  <th scope="col">{t('policy.versions.summary')}</th>
                  <th scope="col">{t('policy.versions.changes')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.number} data-testid="version-row" data-number={v.number}>
                    <td className="nowrap">
                      <Link to={`/policy/versions/${v.number}`}>{t('policy.versions.numbered', { n: v.number })}</Link>
                    </td>
                    <td>
                      <VersionStatus status={v.status} />
                    </td>
                    <td className="nowrap">{v.notice_on}</td>
                    <td className="nowrap" data-testid="effective-on">
                      {v.effective_on}
                    </td>
                    <td>
                      {v.summary ?? <span className="muted">—</span>}
                      <span className="sub">{t('policy.versions.publishedBy', { by: userName(v.published_by) })}</span>
                    </td>
                    <td className="changes-cell">
                      {v.changes.length <= 3 ? (
                        <ChangeList changes={v.changes} />
                      ) : (
                        <details>
                          <summary>{t('policy.versions.changeCount', { n: v.changes.length })}</summary>
                          <ChangeList changes={v.changes} />
                        </details>
                      )}
                    </td>
                    <td className="version-actions">
                      <a className="btn btn-secondary btn-small" href={`/api/v1/policy/versions/${v.number}/file`} download>
                        {t('policy.versions.yaml')}
                      </a>
                      <a href={`${publicBase}/versions/${v.number}`}>{t('policy.versions.publicVersion')}</a>
                      {v.number > 1 && <a href={`${publicBase}/diff?to=${v.number}`}>{t('policy.versions.publicDiff')}</a>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
