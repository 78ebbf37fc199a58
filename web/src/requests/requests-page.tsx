/**
 * 請求一覧: the privacy office's requests from the person — open ones by due date (the statutory clock of
 * Art. 33), the overdue ones, or all — with a kind filter and "assigned to me", all kept in the URL (the home
 * page's counts link here with them).
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { ExportButtons } from '../components/export-buttons.tsx';
import { Card, Empty, ErrorNotice, Field, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { href, Link, navigate, useLocation } from '../router.tsx';
import { capabilities, useSession } from '../session.tsx';
import { type RequestKind, type RequestView, requestKinds, requestLabels } from './request-model.ts';
import { RequestTable } from './request-table.tsx';
// The module's styles, bundled with the console's one stylesheet.
import './requests.css';

const views = ['open', 'overdue', 'all'] as const;
type View = (typeof views)[number];

export function RequestsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const label = requestLabels(i18n);
  const { me } = useSession();
  const can = capabilities(me);
  const { query, href: location } = useLocation();
  const view: View = views.find((v) => v === query.get('state')) ?? 'open';
  const kind = requestKinds.find((k) => k === query.get('kind')) ?? '';
  const mine = query.get('assignee') === 'me';
  // One set of filters for the list and its export, so the file is exactly the list on the screen.
  const filters = { state: view, kind, ...(mine ? { assignee: 'me' } : {}) };
  const [requests, setRequests] = useState<RequestView[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the URL holds the filters
  useEffect(() => {
    let live = true;
    setError(null);
    setRequests(null);
    api
      .get<{ requests: RequestView[] }>('/requests', filters)
      .then((r) => live && setRequests(r.requests))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [location]);

  const go = (next: { state?: View; kind?: RequestKind | ''; mine?: boolean }) =>
    navigate(
      href('/requests', {
        state: (next.state ?? view) === 'open' ? undefined : (next.state ?? view),
        kind: next.kind ?? kind,
        assignee: (next.mine ?? mine) ? 'me' : undefined,
      }),
      { replace: true },
    );
  const overdue = requests?.filter((r) => r.overdue).length ?? 0;

  return (
    <>
      <PageHeader
        title={t('requests.title')}
        description={t('requests.lead')}
        actions={
          can.handleRequests && (
            <Link to="/requests/new" className="btn btn-primary" data-testid="request-new">
              {t('requests.new')}
            </Link>
          )
        }
      />
      <div className="tabs" role="tablist" aria-label={t('requests.view')}>
        {views.map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            className={`tab${view === v ? ' tab-active' : ''}`}
            onClick={() => go({ state: v })}
          >
            {t(`requests.tab.${v}`)}
          </button>
        ))}
      </div>
      <div className="filter-grid">
        <Field label={t('requests.col.kind')}>
          {(p) => (
            <select {...p} name="kind" value={kind} onChange={(e) => go({ kind: e.target.value as RequestKind | '' })}>
              <option value="">{t('common.all')}</option>
              {requestKinds.map((k) => (
                <option key={k} value={k}>
                  {label.kind(k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="check">
          <input type="checkbox" name="mine" checked={mine} onChange={(e) => go({ mine: e.target.checked })} data-testid="filter-mine" />{' '}
          {t('requests.filter.mine')}
        </label>
      </div>
      {view !== 'overdue' && overdue > 0 && (
        <Notice tone="warning" title={t('requests.overdueTitle', { n: overdue })} testId="overdue-summary">
          {t('requests.overdueText')}
        </Notice>
      )}
      {error !== null && <ErrorNotice error={error} />}
      <Card
        title={requests ? t('requests.count', { n: requests.length }) : undefined}
        actions={<ExportButtons path="/requests/export" query={filters} fileName={t('requests.title')} testId="requests-export" />}
      >
        {!requests && error === null && <Loading />}
        {requests &&
          (requests.length === 0 ? (
            <Empty title={t(view === 'overdue' ? 'requests.none.overdue' : view === 'open' ? 'requests.none.open' : 'requests.none.all')} />
          ) : (
            <RequestTable requests={requests} />
          ))}
      </Card>
    </>
  );
}
