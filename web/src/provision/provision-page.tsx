/**
 * 第三者提供: the privacy office's page for provision to third parties — a new run (preview, confirm, file),
 * the runs made, the continuous-provision records, the records across the organization and the disposals of
 * records past their keeping date. Reading follows the duty `provision_records`; runs are the officer's.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ContinuousRecordView, DisposalView, OrgRecordView, ProvisionRunView } from '../../../src/contract/api.ts';
import { api } from '../api/client.ts';
import { Badge, Card, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { type MessageKey, useI18n } from '../i18n/i18n.tsx';
import { href, Link } from '../router.tsx';
import { useLabels, useSession } from '../session.tsx';
import { ReceiptsForm } from './receipts-form.tsx';
import { DownloadButtons, ExcludedTable, RunForm } from './run-form.tsx';

interface Lists {
  runs: ProvisionRunView[];
  continuous: ContinuousRecordView[];
  records: OrgRecordView[];
  disposals: DisposalView[];
}

export function ProvisionPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const labels = useLabels();
  const { me } = useSession();
  const officer = me.role.kind === 'privacy_officer';
  // Receipts are recorded by the roles that record provisions (modules/provision/permissions.ts).
  const records = me.duties.provision_records === 'handle' && (officer || me.role.kind === 'department_manager');
  const [lists, setLists] = useState<Lists | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const [runs, continuous, records, disposals] = await Promise.all([
        api.get<{ runs: ProvisionRunView[] }>('/provision/runs', { limit: '50' }),
        api.get<{ records: ContinuousRecordView[] }>('/provision/continuous'),
        api.get<{ records: OrgRecordView[] }>('/provision/records', { limit: '50' }),
        api.get<{ disposals: DisposalView[] }>('/provision/disposals', { limit: '50' }),
      ]);
      setLists({ runs: runs.runs, continuous: continuous.records, records: records.records, disposals: disposals.disposals });
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const basis = (b: string) => (i18n.has(`policy.legalBasis.${b}`) ? t(`policy.legalBasis.${b}` as MessageKey) : b);

  return (
    <>
      <PageHeader title={t('provision.title')} description={t('provision.lead')} />
      {officer ? <RunForm onDone={() => void load()} /> : <Notice tone="info">{t('provision.new.officerOnly')}</Notice>}
      {records && <ReceiptsForm onDone={() => void load()} />}
      {error !== null && <ErrorNotice error={error} />}
      {!lists && error === null && <Loading />}
      {lists && (
        <>
          <Card title={t('provision.runs.title')}>
            {lists.runs.length === 0 ? (
              <p className="muted">{t('provision.runs.none')}</p>
            ) : (
              <div className="table-wrap">
                <table className="table table-dense" data-testid="provision-runs">
                  <thead>
                    <tr>
                      <th scope="col">{t('provision.runs.date')}</th>
                      <th scope="col">{t('provision.recipient')}</th>
                      <th scope="col">{t('provision.basis')}</th>
                      <th scope="col">{t('provision.preview.included')}</th>
                      <th scope="col">{t('provision.preview.excluded')}</th>
                      <th scope="col">{t('provision.runs.state')}</th>
                      {officer && <th scope="col">{t('common.actions')}</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {lists.runs.map((r) => (
                      <tr key={r.id} data-testid="provision-run-row">
                        <td className="nowrap">{i18n.dateTime(r.confirmed_at ?? r.created_at)}</td>
                        <td>{r.recipient_name}</td>
                        <td>
                          {basis(r.legal_basis)}
                          {r.exception_reason && <span className="sub">{r.exception_reason}</span>}
                        </td>
                        <td className="num">{t('provision.count', { n: r.included })}</td>
                        <td>
                          {t('provision.count', { n: r.excluded_total })}
                          {r.excluded_total > 0 && <ExcludedTable excluded={r.excluded} />}
                        </td>
                        <td>
                          <Badge tone={r.status === 'confirmed' ? 'ok' : 'neutral'}>{t(`provision.runs.state.${r.status}`)}</Badge>
                        </td>
                        {officer && <td>{r.status === 'confirmed' && <DownloadButtons runId={r.id} name={r.third_party_code} />}</td>}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
          <Card title={t('provision.continuous.title')}>
            {lists.continuous.length === 0 ? (
              <p className="muted">{t('provision.continuous.none')}</p>
            ) : (
              <table className="table table-dense" data-testid="provision-continuous">
                <thead>
                  <tr>
                    <th scope="col">{t('provision.recipient')}</th>
                    <th scope="col">{t('provision.preview.items')}</th>
                    <th scope="col">{t('provision.continuous.period')}</th>
                    <th scope="col">{t('provision.continuous.people')}</th>
                    <th scope="col">{t('provision.continuous.runs')}</th>
                    <th scope="col">{t('provisions.keepUntil')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lists.continuous.map((c) => (
                    <tr key={c.id}>
                      <td>{c.counterparty_name}</td>
                      <td>{i18n.list(c.items.map((i) => labels.item(i)))}</td>
                      <td className="nowrap">
                        {i18n.date(c.first_on)} – {i18n.date(c.last_on)}
                      </td>
                      <td className="num">{c.people}</td>
                      <td className="num">{c.runs}</td>
                      <td className="nowrap">{i18n.date(c.keep_until)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title={t('provision.records.title')}>
            {lists.records.length === 0 ? (
              <p className="muted">{t('provision.records.none')}</p>
            ) : (
              <div className="table-wrap">
                <table className="table table-dense" data-testid="provision-records">
                  <thead>
                    <tr>
                      <th scope="col">{t('provisions.occurredOn')}</th>
                      <th scope="col">{t('provision.records.member')}</th>
                      <th scope="col">{t('provisions.direction')}</th>
                      <th scope="col">{t('provisions.counterparty')}</th>
                      <th scope="col">{t('provisions.items')}</th>
                      <th scope="col">{t('provisions.keepUntil')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {lists.records.map((r) => (
                      <tr key={r.id}>
                        <td className="nowrap">{i18n.date(r.occurred_on)}</td>
                        <td>
                          <Link to={href(`/members/${r.member_id}`)}>{r.member_code}</Link>
                        </td>
                        <td className="nowrap">{t(`provisions.direction.${r.direction}`)}</td>
                        <td>{r.counterparty_name}</td>
                        <td>{i18n.list(r.items.map((i) => labels.item(i)))}</td>
                        <td className="nowrap">{i18n.date(r.keep_until)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
          <Card title={t('provision.disposals.title')}>
            <p className="card-lead">{t('provision.disposals.lead')}</p>
            {lists.disposals.length === 0 ? (
              <p className="muted">{t('provision.disposals.none')}</p>
            ) : (
              <table className="table table-dense" data-testid="provision-disposals">
                <thead>
                  <tr>
                    <th scope="col">{t('provision.disposals.at')}</th>
                    <th scope="col">{t('provision.disposals.kind')}</th>
                    <th scope="col">{t('provision.disposals.count')}</th>
                    <th scope="col">{t('provision.disposals.range')}</th>
                    <th scope="col">{t('provision.disposals.job')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lists.disposals.map((d) => (
                    <tr key={d.id}>
                      <td className="nowrap">{i18n.dateTime(d.disposed_at)}</td>
                      <td>{t(`provision.disposals.kind.${d.kind}`)}</td>
                      <td className="num">{d.count}</td>
                      <td className="nowrap">
                        {i18n.date(d.oldest_on)} – {i18n.date(d.newest_on)}
                      </td>
                      <td className="nowrap">{d.job_due_at ? i18n.dateTime(d.job_due_at) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </>
      )}
    </>
  );
}
