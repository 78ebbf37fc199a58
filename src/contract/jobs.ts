/**
 * The vocabulary of scheduled jobs, shared by the server and the console: the states of a job run and the
 * names of mamori's recurring jobs with their Japanese and English labels.
 */

/**
 * A run's life: `scheduled` (waiting for its due time) → `running` (leased by one instance) → `succeeded`;
 * a failure goes to `failed` (will be retried after a back-off) and, once the attempts are used up, to `dead`
 * (停止: waits for an administrator to retry or discard it). `discarded` is a dead or failed run an
 * administrator set aside.
 */
export const jobStates = ['scheduled', 'running', 'failed', 'succeeded', 'dead', 'discarded'] as const;
export type JobState = (typeof jobStates)[number];

/** The states an administrator may retry or discard. */
export const retryableStates: readonly JobState[] = ['failed', 'dead'];

export const jobNames = [
  'prune_access_counters',
  'prune_staff_sign_ins',
  'prune_member_sign_ins',
  'send_reminders',
  'activate_policy_versions',
  'prune_job_runs',
  'prune_rate_limits',
  'dispose_provision_records',
  'deliver_releases',
] as const;
export type JobName = (typeof jobNames)[number];

export const jobLabels: Record<JobName, { ja: string; en: string }> = {
  prune_access_counters: { ja: 'アラート用アクセス集計の整理', en: 'Prune alert access counters' },
  prune_staff_sign_ins: { ja: '職員のセッション・サインイン記録の整理', en: 'Prune staff sessions and sign-in rows' },
  prune_member_sign_ins: { ja: '本人のページのセッション・確認コードの整理', en: 'Prune member-page sessions and codes' },
  send_reminders: { ja: '請求の期限の通知（個人情報保護窓口へ）', en: 'Reminders of requests due (privacy office)' },
  activate_policy_versions: { ja: 'ポリシー新版の施行', en: 'Activate policy versions due' },
  prune_job_runs: { ja: '終了したジョブ記録の整理', en: 'Prune finished job runs' },
  prune_rate_limits: { ja: '回数制限の期限切れ記録の削除（PostgreSQL）', en: 'Prune ended rate-limit windows (PostgreSQL)' },
  dispose_provision_records: {
    ja: '保存期間を過ぎた第三者提供・受領の記録の廃棄',
    en: 'Dispose of provision records past their keeping date',
  },
  deliver_releases: { ja: '匿名加工情報の定期提供', en: 'Deliver scheduled anonymized releases' },
};
