/**
 * 対応が必要なこと: the counts of what needs the reader's attention — open and overdue requests with the days
 * left to the nearest due date, requests assigned to the reader, new alerts, ledger reviews due and policy
 * versions scheduled with their notice periods. Each count links to its list, filtered; the server answers only
 * the parts the reader's role works with (modules/attention/permissions.ts), so nothing else is shown.
 */
import { Card, ErrorNotice, Loading } from '../components/ui.tsx';
import { type I18n, useI18n } from '../i18n/i18n.tsx';
import { href, Link } from '../router.tsx';
import { useAttention } from './attention.tsx';

/** 「あと N 日」, 「今日が期限」 or 「N 日超過」. */
export function daysLeftText(i18n: I18n, days: number): string {
  if (days > 0) return i18n.t('request.daysLeft', { n: days });
  if (days === 0) return i18n.t('request.daysToday');
  return i18n.t('request.daysOver', { n: -days });
}

export function AttentionPanel() {
  const i18n = useI18n();
  const { t } = i18n;
  // The answer the menu's badges read too (attention.tsx): one fetch per navigation.
  const { attention, error } = useAttention();

  if (error !== null && !attention) return <ErrorNotice error={error} />;
  if (!attention) return <Loading />;
  const { requests, system_tasks: systemTasks, alerts, ledger, policy, contractors } = attention;
  if (!requests && !alerts && !ledger && !policy && !contractors) return null;

  const count = (testId: string, to: string, title: string, n: number, tone: 'bad' | 'warn' | 'plain', note?: string) => (
    <Link to={to} className={`attention-count attention-${n > 0 ? tone : 'plain'}`} data-testid={testId} data-count={n}>
      <span className="attention-number">{i18n.number(n)}</span>
      <span className="attention-title">{title}</span>
      {note && <span className="attention-note">{note}</span>}
    </Link>
  );

  return (
    <Card title={t('home.attention.title')}>
      <p className="card-lead">{t('home.attention.lead')}</p>
      <div className="attention-grid" data-testid="attention">
        {requests && (
          <>
            {count(
              'attention-requests-open',
              '/requests',
              t('home.attention.requestsOpen'),
              requests.open,
              'warn',
              requests.nearest_due_on !== null && requests.nearest_days_left !== null
                ? t('home.attention.nearest', {
                    date: i18n.date(requests.nearest_due_on),
                    left: daysLeftText(i18n, requests.nearest_days_left),
                  })
                : undefined,
            )}
            {count(
              'attention-requests-overdue',
              href('/requests', { state: 'overdue' }),
              t('home.attention.requestsOverdue'),
              requests.overdue,
              'bad',
            )}
            {count(
              'attention-requests-mine',
              href('/requests', { assignee: 'me' }),
              t('home.attention.requestsMine'),
              requests.mine,
              'warn',
            )}
          </>
        )}
        {systemTasks &&
          count(
            'attention-system-tasks',
            '/system-tasks',
            t('home.attention.systemTasks'),
            systemTasks.dead + systemTasks.stuck,
            'bad',
            t('home.attention.systemTasksNote', { dead: systemTasks.dead, stuck: systemTasks.stuck }),
          )}
        {alerts && count('attention-alerts', '/alerts', t('home.attention.alerts'), alerts.open, 'bad')}
        {ledger && (
          <>
            {count(
              'attention-ledger-overdue',
              href('/ledger', { overdue: 'true' }),
              t('home.attention.ledgerOverdue'),
              ledger.overdue,
              'bad',
            )}
            {count('attention-ledger-due-soon', '/ledger', t('home.attention.ledgerDueSoon'), ledger.due_soon, 'warn')}
          </>
        )}
        {contractors && (
          <>
            {count(
              'attention-contractors-overdue',
              '/handovers',
              t('home.attention.contractorsOverdue'),
              contractors.inspection_overdue + contractors.contract_expired,
              'bad',
              t('home.attention.contractorsNote', { overdue: contractors.inspection_overdue, expired: contractors.contract_expired }),
            )}
            {count(
              'attention-contractors-due-soon',
              '/handovers',
              t('home.attention.contractorsDueSoon'),
              contractors.inspection_due_soon,
              'warn',
            )}
          </>
        )}
        {policy &&
          count(
            'attention-policy',
            '/policy/versions',
            t('home.attention.policy'),
            policy.scheduled.length,
            'warn',
            policy.scheduled
              .map((v) =>
                t('home.attention.policyItem', {
                  n: v.number ?? '—',
                  date: v.effective_on ? i18n.date(v.effective_on) : '—',
                  left: v.days_until === null ? '—' : daysLeftText(i18n, v.days_until),
                  notice: v.notice_days === null ? t('home.attention.noNotice') : t('home.attention.noticeDays', { n: v.notice_days }),
                }),
              )
              .join('\n') || undefined,
          )}
      </div>
    </Card>
  );
}
