/**
 * 個人情報管理台帳: the information assets of the organization (a department manager's own department), with
 * filters kept in the URL, the review state of each asset (overdue ones marked), and the Excel download for
 * auditors.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { mediumLabels } from '../../../src/contract/ledger-vocabulary.ts';
import { api } from '../api/client.ts';
import type { Named } from '../api/types.ts';
import { Badge, Card, Empty, ErrorNotice, Field, Loading, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { href, Link, navigate, useLocation } from '../router.tsx';
import { capabilities, useSession } from '../session.tsx';
import { AssetBadges, ResidualBadge, ReviewBadge } from './ledger-badges.tsx';
import type { LedgerList } from './ledger-model.ts';

interface Filters {
  department: string;
  q: string;
  overdue: boolean;
  sensitive: boolean;
  status: string;
}

export function LedgerPage() {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { me } = useSession();
  const can = capabilities(me);
  const { query, href: location } = useLocation();
  const applied: Filters = {
    department: query.get('department') ?? '',
    q: query.get('q') ?? '',
    overdue: query.get('overdue') === 'true',
    sensitive: query.get('sensitive') === 'true',
    status: query.get('status') ?? 'active',
  };
  const [draft, setDraft] = useState<Filters>(applied);
  const [data, setData] = useState<LedgerList | null>(null);
  const [departments, setDepartments] = useState<Named[]>([]);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api
      .get<{ departments: Named[] }>('/organization')
      .then((o) => setDepartments(o.departments))
      .catch(() => setDepartments([]));
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the URL holds the filters
  useEffect(() => {
    let live = true;
    setError(null);
    api
      .get<LedgerList>('/ledger/assets', {
        department: applied.department,
        q: applied.q,
        overdue: applied.overdue ? 'true' : undefined,
        sensitive: applied.sensitive ? 'true' : undefined,
        status: applied.status === 'active' ? undefined : applied.status,
      })
      .then((r) => live && setData(r))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [location]);

  const toUrl = (f: Filters) =>
    href('/ledger', {
      department: f.department,
      q: f.q.trim(),
      overdue: f.overdue ? 'true' : undefined,
      sensitive: f.sensitive ? 'true' : undefined,
      status: f.status === 'active' ? undefined : f.status,
    });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    navigate(toUrl(draft));
  };
  const toggle = (key: 'overdue' | 'sensitive') => {
    const next = { ...applied, [key]: !applied[key] };
    setDraft(next);
    navigate(toUrl(next));
  };

  const exportHref = href('/api/v1/ledger/export.xlsx', { department: applied.department });
  const ownDepartmentOnly = me.role.kind === 'department_manager';

  return (
    <>
      <PageHeader
        title={t('ledger.title')}
        description={ownDepartmentOnly ? t('ledger.leadManager') : t('ledger.lead')}
        actions={
          <>
            <a className="btn btn-secondary" href={exportHref} download data-testid="ledger-export">
              {t('ledger.export')}
            </a>
            {can.editLedger && (
              <Link to="/ledger/new" className="btn btn-primary" data-testid="ledger-new">
                {t('ledger.new')}
              </Link>
            )}
          </>
        }
      />
      {data && (
        <div className="ledger-counts" data-testid="ledger-counts">
          <button type="button" className="ledger-count" onClick={() => navigate('/ledger')}>
            <span className="ledger-count-n">{data.counts.active}</span>
            {t('ledger.count.active')}
          </button>
          <button
            type="button"
            className={`ledger-count${data.counts.overdue ? ' ledger-count-bad' : ''}`}
            onClick={() => toggle('overdue')}
            aria-pressed={applied.overdue}
          >
            <span className="ledger-count-n">{data.counts.overdue}</span>
            {t('ledger.count.overdue')}
          </button>
          <span className="ledger-count ledger-count-static">
            <span className="ledger-count-n">{data.counts.due_soon}</span>
            {t('ledger.count.dueSoon')}
          </span>
          <button type="button" className="ledger-count" onClick={() => toggle('sensitive')} aria-pressed={applied.sensitive}>
            <span className="ledger-count-n">{data.counts.sensitive}</span>
            {t('ledger.count.sensitive')}
          </button>
        </div>
      )}
      <Card title={t('ledger.filter.title')}>
        <form onSubmit={apply} className="filter-grid" data-testid="ledger-filters">
          <Field label={t('ledger.filter.q')} hint={t('ledger.filter.qHint')}>
            {(p) => <input {...p} name="q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />}
          </Field>
          <Field label={t('ledger.filter.department')}>
            {(p) => (
              <select
                {...p}
                name="department"
                value={ownDepartmentOnly ? (me.department?.code ?? '') : draft.department}
                disabled={ownDepartmentOnly}
                onChange={(e) => setDraft({ ...draft, department: e.target.value })}
              >
                <option value="">{t('common.all')}</option>
                {(ownDepartmentOnly && me.department ? [me.department] : departments).map((d) => (
                  <option key={d.code} value={d.code}>
                    {pick(d.name, d.name_en)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('ledger.filter.status')}>
            {(p) => (
              <select {...p} name="status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
                <option value="active">{t('ledger.status.active')}</option>
                <option value="retired">{t('ledger.status.retired')}</option>
                <option value="all">{t('common.all')}</option>
              </select>
            )}
          </Field>
          <div className="check-row span-2">
            <label className="check">
              <input type="checkbox" checked={draft.overdue} onChange={(e) => setDraft({ ...draft, overdue: e.target.checked })} />
              {t('ledger.filter.overdue')}
            </label>
            <label className="check">
              <input type="checkbox" checked={draft.sensitive} onChange={(e) => setDraft({ ...draft, sensitive: e.target.checked })} />
              {t('ledger.filter.sensitive')}
            </label>
          </div>
          <div className="filter-actions">
            <button type="submit" className="btn btn-primary">
              {t('ledger.filter.apply')}
            </button>
          </div>
        </form>
      </Card>
      {error !== null && <ErrorNotice error={error} />}
      {!data && error === null && <Loading />}
      {data && (
        <Card title={t('ledger.list', { n: data.assets.length })}>
          {data.assets.length === 0 ? (
            <Empty title={t('ledger.none')}>{t('ledger.noneHelp')}</Empty>
          ) : (
            <div className="table-wrap">
              <table className="table table-hover" data-testid="ledger-table">
                <thead>
                  <tr>
                    <th scope="col">{pick('台帳番号', 'No.')}</th>
                    <th scope="col">{t('ledger.col.name')}</th>
                    <th scope="col">{t('ledger.col.department')}</th>
                    <th scope="col">{t('ledger.col.medium')}</th>
                    <th scope="col">{t('ledger.col.risk')}</th>
                    <th scope="col">{t('ledger.col.review')}</th>
                    <th scope="col">{t('ledger.col.notes')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.assets.map((a) => (
                    <tr key={a.id} data-testid="ledger-row" data-code={a.code} data-state={a.review.state}>
                      <td className="mono nowrap">{a.code}</td>
                      <td>
                        <Link to={`/ledger/${a.id}`}>{a.name}</Link>
                      </td>
                      <td>{pick(a.department.name, a.department.name_en)}</td>
                      <td className="nowrap">{pick(mediumLabels[a.medium].ja, mediumLabels[a.medium].en)}</td>
                      <td>
                        <ResidualBadge level={a.highest_residual_risk} />
                      </td>
                      <td className="nowrap">
                        <div>{i18n.date(a.review.next_review_on)}</div>
                        <ReviewBadge asset={a} />
                      </td>
                      <td>
                        <AssetBadges asset={a} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      )}
      {data && data.counts.overdue > 0 && !applied.overdue && (
        <p className="table-note">
          <Badge tone="bad">{t('ledger.review.overdue')}</Badge> {t('ledger.overdueNote', { n: data.counts.overdue })}
        </p>
      )}
    </>
  );
}
