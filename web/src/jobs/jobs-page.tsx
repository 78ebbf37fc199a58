/**
 * 定期ジョブ: the runs of the scheduled jobs every server instance shares (housekeeping, reminders of requests,
 * activation of policy versions), failed (失敗, retried after a wait) and dead (停止, waiting for an
 * administrator) first. The system administrator retries or discards a failed or dead run; the privacy
 * officer reads (the API refuses the same).
 */
import { useCallback, useEffect, useState } from 'react';
import type { JobRunView, JobsOverview, JobView } from '../../../src/contract/api.ts';
import { type JobState, jobLabels } from '../../../src/contract/jobs.ts';
import { api } from '../api/client.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { type I18n, useI18n } from '../i18n/i18n.tsx';

type Tab = 'all' | 'dead' | 'failed';

const stateTone = {
  scheduled: 'neutral',
  running: 'info',
  failed: 'warn',
  succeeded: 'ok',
  dead: 'bad',
  discarded: 'neutral',
} as const satisfies Record<JobState, string>;

const jobLabel = ({ lang }: I18n, name: string) => {
  const l = jobLabels[name as keyof typeof jobLabels];
  return l ? l[lang] : name;
};

function scheduleText(i18n: I18n, job: JobView): string {
  const s = job.schedule;
  if ('daily_at_jst' in s) return i18n.t('jobs.schedule.daily', { time: s.daily_at_jst });
  return s.every_minutes === 60 ? i18n.t('jobs.schedule.hourly') : i18n.t('jobs.schedule.every', { n: s.every_minutes });
}

function resultText(i18n: I18n, run: JobRunView): string {
  if (!run.result) return '';
  return Object.entries(run.result)
    .map(([k, v]) => `${k}: ${i18n.number(v)}`)
    .join(', ');
}

export function JobsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [tab, setTab] = useState<Tab>('all');
  const [data, setData] = useState<JobsOverview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async (which: Tab) => {
    setError(null);
    try {
      setData(await api.get<JobsOverview>('/jobs', which === 'all' ? {} : { state: which }));
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    setData(null);
    void load(tab);
  }, [load, tab]);

  const act = async (run: JobRunView, action: 'retry' | 'discard') => {
    setBusy(`${action}:${run.id}`);
    setError(null);
    setDone(null);
    try {
      await api.post(`/jobs/${run.id}/${action}`);
      setDone(t(action === 'retry' ? 'jobs.retried' : 'jobs.discarded', { job: jobLabel(i18n, run.job) }));
      await load(tab);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <PageHeader title={t('jobs.title')} description={t('jobs.lead')} />
      {data && (data.counts.dead > 0 || data.counts.failed > 0) && (
        <Notice tone={data.counts.dead > 0 ? 'warning' : 'info'} testId="jobs-problems">
          {t('jobs.problems', { dead: data.counts.dead, failed: data.counts.failed })}
        </Notice>
      )}
      {done && (
        <Notice tone="success" testId="jobs-done">
          {done}
        </Notice>
      )}
      {data && !data.can_manage && <Notice tone="info">{t('jobs.readOnly')}</Notice>}
      {error !== null && <ErrorNotice error={error} />}
      {data && (
        <Card title={t('jobs.defined')}>
          <div className="table-wrap">
            <table className="table" data-testid="jobs-defined">
              <thead>
                <tr>
                  <th scope="col">{t('jobs.col.job')}</th>
                  <th scope="col">{t('jobs.col.schedule')}</th>
                  <th scope="col">{t('jobs.col.next')}</th>
                  <th scope="col">{t('jobs.col.lastSuccess')}</th>
                </tr>
              </thead>
              <tbody>
                {data.jobs.map((j) => (
                  <tr key={j.name}>
                    <td>{jobLabel(i18n, j.name)}</td>
                    <td>{scheduleText(i18n, j)}</td>
                    <td className="nowrap">{j.next_due_at ? i18n.dateTime(j.next_due_at) : '—'}</td>
                    <td className="nowrap">{j.last_succeeded_at ? i18n.dateTime(j.last_succeeded_at) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
      <div className="tabs" role="tablist" aria-label={t('jobs.col.state')}>
        {(['all', 'dead', 'failed'] as const).map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={tab === s}
            className={`tab${tab === s ? ' tab-active' : ''}`}
            onClick={() => setTab(s)}
          >
            {t(`jobs.tab.${s}`)}
            {data && s !== 'all' && data.counts[s] > 0 ? ` (${data.counts[s]})` : ''}
          </button>
        ))}
      </div>
      <Card>
        {!data && !error && <Loading />}
        {data &&
          (data.runs.length === 0 ? (
            <Empty title={t('jobs.none')} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="job-runs">
                <thead>
                  <tr>
                    <th scope="col">{t('jobs.col.job')}</th>
                    <th scope="col">{t('jobs.col.due')}</th>
                    <th scope="col">{t('jobs.col.state')}</th>
                    <th scope="col">{t('jobs.col.attempts')}</th>
                    <th scope="col">{t('jobs.col.detail')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.runs.map((r) => (
                    <tr key={r.id} data-testid="job-run" data-state={r.state} data-job={r.job}>
                      <td>{jobLabel(i18n, r.job)}</td>
                      <td className="nowrap">{i18n.dateTime(r.due_at)}</td>
                      <td>
                        <Badge tone={stateTone[r.state]}>{t(`jobs.state.${r.state}`)}</Badge>
                      </td>
                      <td className="nowrap">
                        {r.attempts} / {r.max_attempts}
                      </td>
                      <td>
                        {r.state === 'failed' && r.next_attempt_at && (
                          <span className="sub">{t('jobs.nextTry', { at: i18n.dateTime(r.next_attempt_at) })}</span>
                        )}
                        {r.state === 'running' && r.lease_owner && <span className="sub">{r.lease_owner}</span>}
                        {r.last_error && r.state !== 'succeeded' && <span className="mono">{r.last_error}</span>}
                        {r.state === 'succeeded' && resultText(i18n, r)}
                      </td>
                      <td className="nowrap">
                        {data.can_manage && (r.state === 'failed' || r.state === 'dead') && (
                          <>
                            <Button small variant="primary" busy={busy === `retry:${r.id}`} onClick={() => void act(r, 'retry')}>
                              {t('jobs.retry')}
                            </Button>{' '}
                            <Button small busy={busy === `discard:${r.id}`} onClick={() => void act(r, 'discard')}>
                              {t('jobs.discard')}
                            </Button>
                          </>
                        )}
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
