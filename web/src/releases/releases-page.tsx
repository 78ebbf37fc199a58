/**
 * 匿名加工情報: the releases of the co-op — what each contains (its published items), when its items and its
 * method of provision were published, its schedule and its last run. The privacy office defines new ones; the
 * auditor reads the list (without the processing method).
 */
import { useCallback, useEffect, useState } from 'react';
import type { ReleasesList } from '../../../src/contract/releases-api.ts';
import { api } from '../api/client.ts';
import { Badge, Card, Empty, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';

export function ReleasesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [data, setData] = useState<ReleasesList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setData(await api.get<ReleasesList>('/releases'));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <PageHeader
        title={t('releases.title')}
        description={t('releases.lead')}
        {...(data?.can_manage
          ? {
              actions: (
                <Link to="/releases/new" className="btn btn-primary" data-testid="release-new">
                  {t('releases.new')}
                </Link>
              ),
            }
          : {})}
      />
      {error !== null && <ErrorNotice error={error} />}
      {data && !data.can_manage && <Notice tone="info">{t('releases.readOnly')}</Notice>}
      <Card>
        {!data && !error && <Loading />}
        {data &&
          (data.releases.length === 0 ? (
            <Empty title={t('releases.none')} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="releases-table">
                <thead>
                  <tr>
                    <th scope="col">{t('releases.col.name')}</th>
                    <th scope="col">{t('releases.col.items')}</th>
                    <th scope="col">{t('releases.col.itemsPublished')}</th>
                    <th scope="col">{t('releases.col.method')}</th>
                    <th scope="col">{t('releases.col.schedule')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.releases.map((r) => (
                    <tr key={r.id} data-testid="release-row" data-code={r.code}>
                      <td>
                        <Link to={`/releases/${r.id}`}>{r.name}</Link>
                        <span className="sub mono">{r.code}</span>
                      </td>
                      <td>{r.items.join('、')}</td>
                      <td className="nowrap">{r.items_published_at ? i18n.dateTime(r.items_published_at) : '—'}</td>
                      <td>
                        {r.method_published_at ? (
                          <Badge tone="ok">{t('releases.methodPublished')}</Badge>
                        ) : (
                          <Badge tone="warn">{t('releases.methodUnpublished')}</Badge>
                        )}
                      </td>
                      <td className="nowrap">
                        {r.schedule.kind === 'monthly'
                          ? t('releases.schedule.monthly', { day: r.schedule.day })
                          : t('releases.schedule.once')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </Card>
    </>
  );
}
