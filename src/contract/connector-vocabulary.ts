/**
 * The words of connected systems (issue 13), shared by the server, the policy file and the console: the kinds
 * of system mamori connects to, how a row is linked to a person, what happens to a column when the person's
 * data is erased, and the states of a system's part of a request — each with its Japanese and English label.
 * Kept free of dependencies so that the console's bundle can take them.
 */

type Labelled = { ja: string; en: string };

/** How mamori reaches a system: a database it queries, or a drop folder over SFTP for one that cannot be queried. */
export const systemKinds = ['postgres', 'mysql', 'sqlite', 'sftp_drop'] as const;
export type SystemKind = (typeof systemKinds)[number];
export const systemKindLabels: Record<SystemKind, Labelled> = {
  postgres: { ja: 'PostgreSQL', en: 'PostgreSQL' },
  mysql: { ja: 'MySQL / MariaDB', en: 'MySQL / MariaDB' },
  sqlite: { ja: 'SQLite ファイル', en: 'SQLite file' },
  sftp_drop: { ja: 'SFTP 受け渡しフォルダ（CSV）', en: 'SFTP drop folder (CSV)' },
};

/**
 * What identifies the person in a table's link column: mamori's member code, the e-mail address (compared
 * without case) or the phone number (compared by its digits). Other keys — a household number, a customer
 * number of the system's own — are reached through a table found this way (`via` in the map).
 */
export const identityKinds = ['member_code', 'email', 'phone'] as const;
export type IdentityKind = (typeof identityKinds)[number];
export const identityKindLabels: Record<IdentityKind, Labelled> = {
  member_code: { ja: '組合員コード', en: 'Member code' },
  email: { ja: 'メールアドレス', en: 'E-mail address' },
  phone: { ja: '電話番号', en: 'Phone number' },
};

/**
 * What erasing the person's data does to a mapped column: the row is deleted (with the rows that hang from it),
 * the value set to null, masked (replaced by a fixed mark), or kept because a law requires keeping it (the rule
 * is stated, e.g. 法人税法: 帳簿書類 7年).
 */
export const eraseActions = ['delete_row', 'set_null', 'mask', 'keep'] as const;
export type EraseAction = (typeof eraseActions)[number];
export const eraseActionLabels: Record<EraseAction, Labelled> = {
  delete_row: { ja: '行を削除', en: 'Delete the row' },
  set_null: { ja: '値を消去（空にする）', en: 'Set to null' },
  mask: { ja: 'マスク（置き換え）', en: 'Mask' },
  keep: { ja: '保存（法令による保存義務）', en: 'Keep (legal retention)' },
};

/** The mark a masked text value gets. */
export const MASK = '＊＊＊';

/** What a system's part of a request does. */
export const taskActions = ['disclose', 'correct', 'erase', 'stop'] as const;
export type TaskAction = (typeof taskActions)[number];
export const taskActionLabels: Record<TaskAction, Labelled> = {
  disclose: { ja: '開示（データの収集）', en: 'Disclosure (gathering)' },
  correct: { ja: '訂正', en: 'Correction' },
  erase: { ja: '削除・消去', en: 'Erasure' },
  stop: { ja: '利用停止の連携', en: 'Cessation of use' },
};

/**
 * A system's part of a request: `planned` (the preview, waiting for the officer's approval) → `queued` →
 * `running` (leased by one worker) → `applied` (written, not yet read back) → `done` (read back and as planned).
 * A failure goes to `failed` (retried after a back-off) and, once the attempts are used up, to `dead` (停止: the
 * officer resumes it once the cause is fixed). `cancelled`: the request was refused or withdrawn before it ran.
 */
export const taskStates = ['planned', 'queued', 'running', 'applied', 'done', 'failed', 'dead', 'cancelled'] as const;
export type TaskState = (typeof taskStates)[number];
export const taskStateLabels: Record<TaskState, Labelled> = {
  planned: { ja: '承認待ち', en: 'Awaiting approval' },
  queued: { ja: '実行待ち', en: 'Queued' },
  running: { ja: '実行中', en: 'Running' },
  applied: { ja: '確認待ち', en: 'Applied, verifying' },
  done: { ja: '完了', en: 'Done' },
  failed: { ja: '再試行待ち', en: 'Failed, will retry' },
  dead: { ja: '停止（要対応）', en: 'Stopped (needs action)' },
  cancelled: { ja: '取消', en: 'Cancelled' },
};
/** The states in which a task still has work to do. */
export const openTaskStates: readonly TaskState[] = ['planned', 'queued', 'running', 'applied', 'failed', 'dead'];
