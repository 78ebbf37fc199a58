/**
 * The words of the audit trail, shared by the server (CSV and xlsx exports, the CLI) and the console: every
 * kind of event the server writes with its Japanese and English label, the outcomes and kinds of actor, the
 * names of the detail's fields, and one sentence per entry (「組合員 1000001 を参照（利用目的: ④ …、項目: 氏名、住所）」).
 * The list of kinds is THE list: src/modules/audit/events.ts checks at compile time that its typed union of
 * events names exactly these kinds, so a new kind cannot be written without a label here.
 * Free of dependencies except other contract files (the console bundles it).
 */
import { systemKindLabels, taskActionLabels, taskStateLabels } from './connector-vocabulary.ts';
import { handoverMethodLabels, inspectionResultLabels, leftOutReasonLabels } from './handover-vocabulary.ts';
import { jobLabels } from './jobs.ts';
import type { Labelled } from './labels.ts';
import { reviewResultLabels } from './ledger-vocabulary.ts';
import { requestKindLabels } from './requests.ts';

export type AuditLang = 'ja' | 'en';

export const auditActionLabels = {
  'member.read': { ja: '組合員の参照', en: 'Member record read' },
  'member.search': { ja: '組合員の検索', en: 'Member search' },
  'member.create': { ja: '組合員の登録', en: 'Member registered' },
  'member.update': { ja: '組合員の変更', en: 'Member record changed' },
  'member.import': { ja: '組合員の取込', en: 'Member imported' },
  'member.self_update': { ja: '本人による連絡先の訂正', en: 'Contact data corrected by the member' },
  'import.run': { ja: '取込の実行', en: 'Import run' },
  'input.my_number_rejected': { ja: 'マイナンバーの受付拒否', en: 'My Number refused' },
  'access.refused': { ja: 'アクセスの拒否', en: 'Access refused' },
  'auth.login': { ja: 'ログイン', en: 'Sign-in' },
  'auth.logout': { ja: 'ログアウト', en: 'Sign-out' },
  'auth.locked': { ja: 'アカウントのロック', en: 'Account locked' },
  'auth.totp_enroll_begin': { ja: '二要素認証の登録開始', en: 'Two-factor enrolment started' },
  'auth.totp_enrolled': { ja: '二要素認証の登録', en: 'Two-factor enrolled' },
  'user.create': { ja: '職員の登録', en: 'Staff user created' },
  'user.update': { ja: '職員の変更', en: 'Staff user changed' },
  'organization.create': { ja: '組織の作成', en: 'Organization created' },
  'department.create': { ja: '部署の作成', en: 'Department created' },
  'policy.change': { ja: 'ポリシーの変更', en: 'Policy changed' },
  'policy.draft_save': { ja: '下書きの保存', en: 'Policy draft saved' },
  'policy.publish': { ja: '方針の公表', en: 'Policy published' },
  'policy.activate': { ja: '新しい版の施行', en: 'Policy version in effect' },
  'role.grants': { ja: '役割への利用目的の付与', en: 'Purposes granted to a role' },
  'role.duties': { ja: '役割の業務の変更', en: 'Duties of a role changed' },
  'audit.search': { ja: '監査記録の検索', en: 'Audit trail searched' },
  'audit.export': { ja: '監査記録の出力', en: 'Audit trail exported' },
  'audit.verify': { ja: '連鎖の検証', en: 'Chain verified' },
  'audit.queue_tampered': { ja: '監査記録の改ざん検知（待ち行列）', en: 'Tampering detected (audit queue)' },
  'alert.acknowledge': { ja: 'アラートの確認', en: 'Alert acknowledged' },
  'keys.rotate': { ja: '暗号鍵の更新', en: 'Keys rotated' },
  'backup.create': { ja: 'バックアップの作成', en: 'Backup created' },
  'backup.restore': { ja: 'バックアップからの復元', en: 'Backup restored' },
  'ledger.create': { ja: '台帳への登録', en: 'Ledger asset registered' },
  'ledger.update': { ja: '台帳の変更', en: 'Ledger asset changed' },
  'ledger.review': { ja: '台帳の見直し', en: 'Ledger asset reviewed' },
  'ledger.retire': { ja: '台帳の資産の廃止', en: 'Ledger asset retired' },
  'ledger.export': { ja: '台帳の出力', en: 'Ledger exported' },
  'consent.change': { ja: '同意・選択の変更', en: 'Consent or choice changed' },
  'provision.record': { ja: '第三者提供・受領の記録', en: 'Third-party provision recorded' },
  'provision.preview': { ja: '第三者提供の事前確認', en: 'Third-party provision previewed' },
  'provision.run': { ja: '第三者提供の実行', en: 'Third-party provision run' },
  'provision.download': { ja: '第三者提供ファイルのダウンロード', en: 'Third-party provision file downloaded' },
  'provision.receipts': { ja: '第三者からの受領の記録（一括）', en: 'Receipts from a third party recorded (list)' },
  'provision.dispose': { ja: '第三者提供記録の廃棄', en: 'Provision records disposed of' },
  'request.file': { ja: '請求の受付', en: 'Request filed' },
  'request.step': { ja: '請求の手続き', en: 'Request step' },
  'request.update': { ja: '請求の変更', en: 'Request changed' },
  'request.document': { ja: '請求の書類', en: 'Request document' },
  'request.effect': { ja: '請求の内容の反映', en: 'Request carried out' },
  'request.assign': { ja: '請求の担当者の設定', en: 'Request assigned' },
  'request.export': { ja: '請求一覧の出力', en: 'Request list exported' },
  'disclosure.package': { ja: '開示資料の作成', en: 'Disclosure package made' },
  'notify.sent': { ja: '通知の送信', en: 'Notice sent' },
  'notify.failed': { ja: '通知の送信失敗', en: 'Notice not sent' },
  'portal.code_request': { ja: '確認コードの要求', en: 'One-time code requested' },
  'portal.sign_in': { ja: '本人のページのログイン', en: 'Member page sign-in' },
  'portal.password_set': { ja: 'パスワードの設定', en: 'Password set' },
  'portal.locked': { ja: '本人のページのログイン停止', en: 'Member page sign-in locked' },
  'portal.logout': { ja: '本人のページのログアウト', en: 'Member page sign-out' },
  'portal.act_as': { ja: '保護者としての表示', en: 'Acting as guardian' },
  'guardian.link': { ja: '保護者の登録', en: 'Guardian registered' },
  'guardian.unlink': { ja: '保護者の登録の終了', en: 'Guardian link ended' },
  'guardian.list': { ja: '保護者の一覧の参照', en: 'Guardians listed' },
  'discovery.run': { ja: '連携システムの個人データ検出', en: 'Discovery run in a connected system' },
  'discovery.my_number_found': { ja: '連携システムでの個人番号の検出', en: 'My Number column found in a connected system' },
  'discovery.decide': { ja: '検出結果の確定・却下', en: 'Discovery proposals decided' },
  'job.retry': { ja: '定期ジョブの再実行', en: 'Scheduled job retried' },
  'job.discard': { ja: '定期ジョブの破棄', en: 'Scheduled job discarded' },
  'system_task.plan': { ja: '連携システムの処理の計画', en: 'Connected system task planned' },
  'system_task.approve': { ja: '連携システムの処理の承認', en: 'Connected system task approved' },
  'system_task.apply': { ja: '連携システムへの反映', en: 'Connected system task applied' },
  'system_task.verify': { ja: '連携システムの反映の確認', en: 'Connected system task verified' },
  'system_task.fail': { ja: '連携システムの処理の失敗', en: 'Connected system task failed' },
  'system_task.resume': { ja: '連携システムの処理の再開', en: 'Connected system task resumed' },
  'system_task.cancel': { ja: '連携システムの処理の取消', en: 'Connected system task cancelled' },
  'system.stopped_purposes': { ja: '連携システム向け利用停止一覧の出力', en: 'Stopped purposes exported for a connected system' },
  'system.register': { ja: '連携システムの登録', en: 'Connected system registered' },
  'system.update': { ja: '連携システムの変更', en: 'Connected system changed' },
  'system.check': { ja: '連携システムの接続確認', en: 'Connected system checked' },
  'system.remove': { ja: '連携システムの削除', en: 'Connected system removed' },
  'pseudonymized.define': { ja: '仮名加工情報の定義', en: 'Pseudonymized data set defined' },
  'pseudonymized.update': { ja: '仮名加工情報の定義の変更', en: 'Pseudonymized data set changed' },
  'pseudonymized.retire': { ja: '仮名加工情報の廃止', en: 'Pseudonymized data set retired' },
  'pseudonymized.produce': { ja: '仮名加工情報の作成・出力', en: 'Pseudonymized data produced' },
  'contractor.inspect': { ja: '委託先の点検の記録', en: 'Contractor inspection recorded' },
  'contractor.handover': { ja: '委託先への受け渡し', en: 'Hand-over to a contractor' },
  'joint_use.transfer': { ja: '共同利用先への受け渡し', en: 'Transfer to joint users' },
  'release.create': { ja: '匿名加工情報の作成（項目の公表）', en: 'Anonymized release created (items published)' },
  'release.update': { ja: '匿名加工情報の定義の変更', en: 'Anonymized release changed' },
  'release.publish_method': { ja: '匿名加工情報の提供の方法の公表', en: 'Method of provision published' },
  'release.preview': { ja: '匿名加工情報の試行（提供なし）', en: 'Anonymized release previewed (nothing delivered)' },
  'release.deliver': { ja: '匿名加工情報の提供', en: 'Anonymized release delivered' },
  'release.write_file': { ja: '匿名加工情報のファイル出力（コマンド）', en: 'Anonymized file written (command line)' },
  'delivery_target.register': { ja: '提供先サーバーの登録', en: 'Delivery target registered' },
  'delivery_target.check': { ja: '提供先サーバーの接続確認', en: 'Delivery target checked' },
  'delivery_target.remove': { ja: '提供先サーバーの削除', en: 'Delivery target removed' },
  'delivery.send': { ja: '提供ファイルの送付', en: 'File delivered' },
} as const satisfies Record<string, Labelled>;

export type AuditAction = keyof typeof auditActionLabels;
/** Every kind of event the server writes, in the order the filter offers them. */
export const auditActions = Object.keys(auditActionLabels) as AuditAction[];

export const auditOutcomes = ['allowed', 'refused', 'ok', 'failed'] as const;
export type AuditOutcomeCode = (typeof auditOutcomes)[number];
export const auditOutcomeLabels: Record<AuditOutcomeCode, Labelled> = {
  allowed: { ja: '許可', en: 'Allowed' },
  refused: { ja: '拒否', en: 'Refused' },
  ok: { ja: '成功', en: 'Succeeded' },
  failed: { ja: '失敗', en: 'Failed' },
};

export const auditActorTypeLabels: Record<'user' | 'cli' | 'system' | 'anonymous' | 'member', Labelled> = {
  user: { ja: '職員', en: 'Staff' },
  cli: { ja: 'コマンド', en: 'Command line' },
  system: { ja: 'システム', en: 'System' },
  anonymous: { ja: '未ログイン', en: 'Not signed in' },
  member: { ja: '本人（組合員ページ）', en: 'The member (member page)' },
};

/** The detail's fields by their Japanese and English names (the 詳細 list; never raw keys). */
export const auditDetailFieldLabels: Record<string, Labelled> = {
  items: { ja: '項目', en: 'Items' },
  fields: { ja: '項目', en: 'Fields' },
  joint_use: { ja: '共同利用', en: 'Joint use' },
  via: { ja: '経路', en: 'Via' },
  by: { ja: '検索方法', en: 'Searched by' },
  results: { ja: '件数', en: 'Results' },
  member_ids: { ja: '表示した組合員', en: 'Members listed' },
  version: { ja: '版', en: 'Version' },
  run: { ja: '取込', en: 'Import run' },
  change: { ja: '変更', en: 'Change' },
  file: { ja: 'ファイル', en: 'File' },
  sha256: { ja: 'SHA-256', en: 'SHA-256' },
  encoding: { ja: '文字コード', en: 'Encoding' },
  rows: { ja: '件数', en: 'Rows' },
  created: { ja: '登録', en: 'Created' },
  updated: { ja: '更新', en: 'Updated' },
  unchanged: { ja: '変更なし', en: 'Unchanged' },
  rejected: { ja: '不受理', en: 'Rejected' },
  path: { ja: '入力元', en: 'Input' },
  line: { ja: '行', en: 'Line' },
  route: { ja: 'API', en: 'API' },
  method: { ja: 'メソッド', en: 'Method' },
  targets: { ja: '対象', en: 'Targets' },
  login: { ja: 'ログインID', en: 'Login' },
  step: { ja: '段階', en: 'Step' },
  reason: { ja: '理由', en: 'Reason' },
  note: { ja: '確認の記録', en: 'Note' },
  until: { ja: '期限', en: 'Until' },
  rebind: { ja: '再登録', en: 'Re-binding' },
  ended_sessions: { ja: '終了したセッション', en: 'Sessions ended' },
  user_id: { ja: '職員ID', en: 'User id' },
  role: { ja: '役割', en: 'Role' },
  status: { ja: '状態', en: 'Status' },
  id: { ja: 'ID', en: 'Id' },
  code: { ja: 'コード', en: 'Code' },
  revision: { ja: '改訂', en: 'Revision' },
  number: { ja: '版', en: 'Version' },
  notice_on: { ja: '公表日', en: 'Notice on' },
  effective_on: { ja: '施行日', en: 'Effective on' },
  changes: { ja: '変更件数', en: 'Changes' },
  prior_notice: { ja: '事前の通知', en: 'Prior notice' },
  purposes: { ja: '利用目的', en: 'Purposes' },
  duties: { ja: '業務', en: 'Duties' },
  before: { ja: '変更前', en: 'Before' },
  actor: { ja: '職員', en: 'Staff' },
  member: { ja: '組合員', en: 'Member' },
  purpose: { ja: '利用目的', en: 'Purpose' },
  action: { ja: '操作', en: 'Action' },
  outcome: { ja: '結果', en: 'Outcome' },
  from: { ja: '開始', en: 'From' },
  to: { ja: '終了', en: 'To' },
  entries: { ja: '記録件数', en: 'Entries' },
  first_bad: { ja: '最初の不正な記録', en: 'First bad entry' },
  entry_id: { ja: '記録ID', en: 'Entry id' },
  queue_id: { ja: '待ち行列ID', en: 'Queue id' },
  seq: { ja: '記録番号', en: 'Entry number' },
  alert_id: { ja: 'アラート', en: 'Alert' },
  key_id: { ja: '鍵', en: 'Key' },
  reencrypted: { ja: '再暗号化', en: 'Re-encrypted' },
  dialect: { ja: 'データベース', en: 'Database' },
  key_ids: { ja: '鍵', en: 'Keys' },
  error: { ja: 'エラー', en: 'Error' },
  missing_keys: { ja: '不足している鍵', en: 'Missing keys' },
  asset_id: { ja: '資産ID', en: 'Asset id' },
  review_id: { ja: '見直しID', en: 'Review id' },
  result: { ja: '結果', en: 'Result' },
  reviewed_on: { ja: '見直し日', en: 'Reviewed on' },
  next_review_on: { ja: '次回見直し日', en: 'Next review' },
  assets: { ja: '資産数', en: 'Assets' },
  department: { ja: '部署', en: 'Department' },
  subject_kind: { ja: '対象の種類', en: 'Subject kind' },
  subject_code: { ja: '対象', en: 'Subject' },
  state: { ja: '状態', en: 'State' },
  source: { ja: '受付方法', en: 'Source' },
  event: { ja: '出来事', en: 'Event' },
  policy_version: { ja: '方針の版', en: 'Policy version' },
  by_guardian: { ja: '保護者による', en: 'By the guardian' },
  record: { ja: '記録', en: 'Record' },
  third_party: { ja: '第三者', en: 'Third party' },
  direction: { ja: '種別', en: 'Direction' },
  request: { ja: '請求', en: 'Request' },
  reference: { ja: '受付番号', en: 'Reference' },
  kind: { ja: '種類', en: 'Kind' },
  channel: { ja: '経路', en: 'Channel' },
  requester: { ja: '請求者', en: 'Requester' },
  document: { ja: '書類', en: 'Document' },
  assignee: { ja: '担当者', en: 'Assignee' },
  previous: { ja: '前の担当者', en: 'Previous assignee' },
  effect: { ja: '反映', en: 'Effect' },
  third_parties: { ja: '第三者', en: 'Third parties' },
  form: { ja: '形式', en: 'Form' },
  template: { ja: '通知の種類', en: 'Template' },
  as: { ja: '表示する本人', en: 'Acting as' },
  link_id: { ja: '保護者の登録ID', en: 'Guardian link' },
  guardian_member_id: { ja: '保護者', en: 'Guardian' },
  relationship: { ja: '続柄', en: 'Relationship' },
  links: { ja: '件数', en: 'Links' },
  job: { ja: 'ジョブ', en: 'Job' },
  due_at: { ja: '予定日時', en: 'Due' },
  attempts: { ja: '試行回数', en: 'Attempts' },
  system: { ja: '連携システム', en: 'Connected system' },
  task: { ja: '処理', en: 'Task' },
  task_state: { ja: '処理の状態', en: 'Task state' },
  table_rows: { ja: 'テーブル別の件数', en: 'Rows per table' },
  kept: { ja: '保存する列', en: 'Columns kept' },
  rows_changed: { ja: '反映した件数', en: 'Rows changed' },
  differences: { ja: '相違', en: 'Differences' },
  format: { ja: '形式', en: 'Format' },
  discovery_run: { ja: '検出の実行', en: 'Discovery run' },
  table: { ja: 'テーブル', en: 'Table' },
  column: { ja: '列', en: 'Column' },
  columns: { ja: '調べた列数', en: 'Columns sampled' },
  proposals: { ja: '提案数', en: 'Proposals' },
  my_numbers: { ja: '個人番号の列', en: 'My Number columns' },
  confirmed: { ja: '確定', en: 'Confirmed' },
  rejected_columns: { ja: '却下', en: 'Rejected' },
  charset: { ja: '文字コード', en: 'Character set' },
  system_id: { ja: '連携システムID', en: 'System id' },
  system_kind: { ja: '連携方式', en: 'Kind of system' },
  changed: { ja: '変更した設定', en: 'Settings changed' },
  secret: { ja: '秘密情報', en: 'Secret' },
  error_code: { ja: 'エラーコード', en: 'Error code' },
  tables: { ja: 'テーブル数', en: 'Tables' },
  dataset: { ja: '仮名加工情報', en: 'Pseudonymized data set' },
  dataset_id: { ja: '仮名加工情報のID', en: 'Data set id' },
  destination: { ja: '出力先', en: 'Destination' },
  // joint use and contractors
  contractor: { ja: '委託先', en: 'Contractor' },
  inspection_id: { ja: '点検', en: 'Inspection' },
  inspected_on: { ja: '点検日', en: 'Inspected on' },
  inspection_result: { ja: '点検の結果', en: 'Result' },
  next_due_on: { ja: '次回点検期限', en: 'Next inspection due' },
  handover_id: { ja: '受け渡し', en: 'Hand-over' },
  transfer_id: { ja: '共同利用先への受け渡し', en: 'Transfer' },
  sent_by: { ja: '受け渡しの方法', en: 'Sent by' },
  left_out: { ja: '対象外', en: 'Left out' },
  ...leftOutReasonLabels,
  release_id: { ja: '匿名加工情報ID', en: 'Release id' },
  suppressed: { ja: '削除したレコード', en: 'Records suppressed' },
  period: { ja: '対象月', en: 'Period' },
  target_id: { ja: '提供先ID', en: 'Target id' },
  target: { ja: '提供先サーバー', en: 'Delivery target' },
  target_kind: { ja: '提供先の種類', en: 'Kind of target' },
  delivery_id: { ja: '送付ID', en: 'Delivery id' },
  origin_kind: { ja: '提供元の種類', en: 'Kind of origin' },
  origin_id: { ja: '提供元ID', en: 'Origin id' },
  bytes: { ja: 'バイト数', en: 'Bytes' },
  // provision runs and disposals (modules/provision)
  legal_basis: { ja: '提供の根拠', en: 'Legal basis' },
  exception_reason: { ja: '例外の理由', en: 'Reason for the exception' },
  record_mode: { ja: '記録の方法', en: 'Record' },
  included: { ja: '提供した人数', en: 'People provided' },
  excluded: { ja: '対象外（理由別）', en: 'Left out (by reason)' },
  records: { ja: '記録数', en: 'Records' },
  recorded: { ja: '記録した人数', en: 'People recorded' },
  continuous: { ja: '継続的提供の記録', en: 'Continuous record' },
  disposal: { ja: '廃棄記録', en: 'Disposal' },
  count: { ja: '件数', en: 'Count' },
  oldest_on: { ja: '最も古い日付', en: 'Oldest' },
  newest_on: { ja: '最も新しい日付', en: 'Newest' },
  job_run: { ja: 'ジョブの実行', en: 'Job run' },
  not_in_organization: { ja: '組合員ではない', en: 'not in the organization' },
  duplicate: { ja: '重複', en: 'duplicate' },
  withdrawn_member: { ja: '脱退した組合員', en: 'withdrawn member' },
  no_consent: { ja: '同意なし', en: 'no consent' },
  consent_withdrawn: { ja: '同意の撤回', en: 'consent withdrawn' },
  provision_stopped: { ja: '請求による提供停止', en: 'provision stopped by request' },
  consent_before_foreign_info: { ja: '外国提供の情報提供前の同意', en: 'consent before the Art. 28 information' },
};

/** Japanese and English words for the codes the detail's values hold. Unknown codes are shown as they are. */
export const auditValueLabels: Record<string, Labelled> = {
  // search by
  member_code: { ja: '組合員コード', en: 'member code' },
  name_kana: { ja: 'フリガナ', en: 'kana' },
  name: { ja: '氏名', en: 'name' },
  phone: { ja: '電話番号', en: 'phone' },
  // sign-in steps and reasons
  password: { ja: 'パスワード', en: 'password' },
  totp: { ja: '確認コード', en: 'one-time code' },
  code: { ja: '確認コード', en: 'one-time code' },
  invalid_credentials: { ja: 'IDまたはパスワードの誤り', en: 'wrong login or password' },
  locked: { ja: 'ロック中', en: 'locked' },
  disabled: { ja: '無効なアカウント', en: 'disabled account' },
  unknown_member: { ja: '組合員なし', en: 'unknown member' },
  no_email: { ja: 'メールアドレスなし', en: 'no e-mail address' },
  too_many: { ja: '回数超過', en: 'too many attempts' },
  mail_failed: { ja: 'メール送信失敗', en: 'mail not sent' },
  first_sign_in: { ja: '初回ログイン', en: 'first sign-in' },
  recovery: { ja: 'パスワードの再設定', en: 'recovery' },
  self: { ja: '本人', en: 'self' },
  ward: { ja: '被保護者', en: 'ward' },
  // user status
  active: { ja: '有効', en: 'active' },
  // import
  created: { ja: '登録', en: 'created' },
  updated: { ja: '更新', en: 'updated' },
  // consent
  purpose: { ja: '利用目的', en: 'purpose' },
  third_party: { ja: '第三者提供', en: 'third-party provision' },
  opted_out: { ja: 'オプトアウト', en: 'opted out' },
  opted_in: { ja: '同意', en: 'consented' },
  consented: { ja: '同意', en: 'consented' },
  withdrawn: { ja: '撤回', en: 'withdrawn' },
  default: { ja: '初期状態', en: 'default' },
  page: { ja: '組合員ページ', en: 'member page' },
  paper: { ja: '書面', en: 'paper' },
  counter: { ja: '窓口', en: 'counter' },
  mail: { ja: '郵送', en: 'mail' },
  staff: { ja: '職員', en: 'staff' },
  // requests (a provision's direction `received` is named by its key, below)
  received: { ja: '受付', en: 'received' },
  verify: { ja: '本人確認', en: 'verify' },
  start: { ja: '対応開始', en: 'start' },
  approve: { ja: '承認', en: 'approve' },
  answer: { ja: '回答', en: 'answer' },
  refuse: { ja: '不応諾', en: 'refuse' },
  withdraw: { ja: '取下げ', en: 'withdraw' },
  close: { ja: '完了', en: 'close' },
  verified: { ja: '本人確認済み', en: 'verified' },
  in_progress: { ja: '対応中', en: 'in progress' },
  approved: { ja: '承認済み', en: 'approved' },
  answered: { ja: '回答済み', en: 'answered' },
  refused: { ja: '不応諾', en: 'refused' },
  closed: { ja: '完了', en: 'closed' },
  legal_representative: { ja: '法定代理人', en: 'legal representative' },
  mandated_agent: { ja: '任意代理人', en: 'mandated agent' },
  identity: { ja: '本人確認書類', en: 'identity document' },
  agent_proof: { ja: '代理権の証明', en: 'proof of agency' },
  other: { ja: 'その他', en: 'other' },
  disclosed: { ja: '開示', en: 'disclosed' },
  corrected: { ja: '訂正', en: 'corrected' },
  items_erased: { ja: '項目の削除', en: 'items erased' },
  erased: { ja: '削除', en: 'erased' },
  stopped: { ja: '利用停止', en: 'use stopped' },
  provision_stopped: { ja: '第三者提供の停止', en: 'provision stopped' },
  // duties
  member_requests: { ja: '本人からの請求・同意の受付', en: 'requests and consents from the person' },
  provision_records: { ja: '第三者提供の記録', en: 'third-party provision records' },
  handovers: { ja: '委託先・共同利用', en: 'contractors and joint use' },
  // job runs
  scheduled: { ja: '予定', en: 'scheduled' },
  running: { ja: '実行中', en: 'running' },
  failed: { ja: '失敗', en: 'failed' },
  succeeded: { ja: '成功', en: 'succeeded' },
  dead: { ja: '停止', en: 'dead' },
  discarded: { ja: '破棄', en: 'discarded' },
  // tampering
  mac_mismatch: { ja: 'MACの不一致', en: 'MAC mismatch' },
  mac_key_unknown: { ja: 'MACの鍵が不明', en: 'unknown MAC key' },
  duplicate: { ja: '重複', en: 'duplicate' },
  // ways in
  api: { ja: '画面・API', en: 'console or API' },
  cli: { ja: 'コマンド', en: 'command line' },
  import: { ja: '取込', en: 'import' },
  // formats
  csv: { ja: 'CSV', en: 'CSV' },
  xlsx: { ja: 'Excel', en: 'Excel' },
  json: { ja: 'JSON', en: 'JSON' },
  pdf: { ja: 'PDF', en: 'PDF' },
  'utf-8': { ja: 'UTF-8', en: 'UTF-8' },
  shift_jis: { ja: 'Shift_JIS', en: 'Shift_JIS' },
  // request list states
  open: { ja: '未完了', en: 'open' },
  overdue: { ja: '期限超過', en: 'overdue' },
  all: { ja: 'すべて', en: 'all' },
  // deliveries (modules/deliveries)
  anonymized_release: { ja: '匿名加工情報', en: 'anonymized release' },
  parquet: { ja: 'Parquet', en: 'Parquet' },
};

/** What the sentences need from outside the trail: names of items, purposes and refusal codes, and JST times. */
export interface AuditNames {
  /** `氏名` for `name` (the policy's item names). */
  item: (code: string) => string;
  /** `④ 商品のお届け…` for `P04`. */
  purpose: (code: string) => string;
  /** A date-time in Japan time, as the reader reads it. */
  dateTime: (iso: string) => string;
}

/** The part of an entry the sentence reads. */
export interface AuditEntryWords {
  action: string;
  outcome: string;
  purpose_code: string | null;
  member_id: string | null;
  member_code: string | null;
  detail: unknown;
}

const pick = (lang: AuditLang, l: Labelled) => (lang === 'en' ? l.en : l.ja);

export function auditActionLabel(lang: AuditLang, action: string): string {
  const l = (auditActionLabels as Record<string, Labelled>)[action];
  return l ? pick(lang, l) : action;
}
export function auditOutcomeLabel(lang: AuditLang, outcome: string): string {
  const l = (auditOutcomeLabels as Record<string, Labelled>)[outcome];
  return l ? pick(lang, l) : outcome;
}
export function auditActorTypeLabel(lang: AuditLang, type: string): string {
  const l = (auditActorTypeLabels as Record<string, Labelled>)[type];
  return l ? pick(lang, l) : type;
}
export function auditFieldLabel(lang: AuditLang, key: string): string {
  const l = auditDetailFieldLabels[key];
  return l ? pick(lang, l) : key;
}
/** Codes whose words depend on the field: a provision's direction. */
const keyedValueLabels: Record<string, Record<string, Labelled>> = {
  task: taskActionLabels,
  task_state: taskStateLabels,
  direction: { provided: { ja: '提供', en: 'provided' }, received: { ja: '受領', en: 'received' } },
  channel: { phone: { ja: '電話', en: 'phone' } },
  source: { phone: { ja: '電話', en: 'phone' } },
  status: { disabled: { ja: '無効', en: 'disabled' } },
  relationship: {
    parent: { ja: '親', en: 'parent' },
    legal_guardian: { ja: '法定代理人', en: 'legal guardian' },
    other: { ja: 'その他', en: 'other' },
  },
  system_kind: systemKindLabels,
  destination: {
    download: { ja: 'ダウンロード（依頼した職員）', en: 'download (the staff member who asked)' },
    file: { ja: 'ファイル（コマンド）', en: 'file (command line)' },
    recipient: { ja: '第三者（提供先）', en: 'third party (recipient)' },
    joint_user: { ja: '共同利用者', en: 'joint user' },
    contractor: { ja: '委託先', en: 'contractor' },
    delivery_target: { ja: '配信先', en: 'delivery target' },
    mail_merge: { ja: '本人への連絡（差込印刷・メール）', en: 'contacting the persons (mail merge, e-mail)' },
  },
  sent_by: handoverMethodLabels,
  inspection_result: inspectionResultLabels,
  legal_basis: {
    consent: { ja: '本人の同意', en: 'consent' },
    law: { ja: '法令に基づく場合', en: 'required by law' },
    life_body_property: { ja: '人の生命・身体・財産の保護', en: 'life, body or property' },
    public_health_children: { ja: '公衆衛生・児童の健全育成', en: 'public health or children' },
    public_body: { ja: '国の機関等への協力', en: 'cooperation with public bodies' },
    academic_research: { ja: '学術研究', en: 'academic research' },
  },
  record_mode: {
    per_person: { ja: '本人ごとの記録', en: 'one record per person' },
    continuous: { ja: '継続的提供の記録', en: 'continuous record' },
    none: { ja: '記録なし（法第27条第1項の例外）', en: 'no record (Art. 27(1) exception)' },
  },
  secret: {
    set: { ja: '設定', en: 'set' },
    kept: { ja: '変更なし', en: 'kept' },
    cleared: { ja: '消去', en: 'cleared' },
    none: { ja: 'なし', en: 'none' },
  },
  changed: {
    name: { ja: '名称', en: 'name' },
    kind: { ja: '連携方式', en: 'kind' },
    url: { ja: 'URL', en: 'URL' },
    file: { ja: 'ファイル', en: 'file' },
    schema: { ja: 'スキーマ', en: 'schema' },
    host: { ja: 'ホスト', en: 'host' },
    port: { ja: 'ポート', en: 'port' },
    user: { ja: 'アカウント', en: 'account' },
    folder: { ja: 'フォルダ', en: 'folder' },
    timeout_seconds: { ja: '制限時間', en: 'timeout' },
  },
};

function valueWord(lang: AuditLang, v: string, key = ''): string {
  const l =
    keyedValueLabels[key]?.[v] ??
    auditValueLabels[v] ??
    (requestKindLabels as Record<string, Labelled>)[v] ??
    (jobLabels as Record<string, Labelled>)[v];
  return l ? pick(lang, l) : v;
}

/** The detail's fields that hold codes (named by `auditValueLabels`); others (logins, files, references) stay as written. */
const CODED = new Set([
  'by',
  'step',
  'reason',
  'purpose',
  'as',
  'status',
  'change',
  'subject_kind',
  'state',
  'source',
  'event',
  'direction',
  'kind',
  'channel',
  'requester',
  'document',
  'effect',
  'duties',
  'before',
  'via',
  'format',
  'charset',
  'job',
  'task',
  'task_state',
  'from',
  'to',
  'path',
  'encoding',
  'form',
  'relationship',
  'system_kind',
  'secret',
  'changed',
  'destination',
  'sent_by',
  'inspection_result',
  'legal_basis',
  'record_mode',
]);

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/**
 * One value of the detail as words: lists joined, codes named, times in JST, objects as labelled pairs, yes/no
 * for booleans — never JSON.
 */
export function auditValueWords(lang: AuditLang, key: string, value: unknown, names: AuditNames): string {
  const join = (xs: string[]) => xs.join(lang === 'ja' ? '、' : ', ');
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'boolean') return lang === 'ja' ? (value ? 'あり' : 'なし') : value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return join(value.map((v) => auditValueWords(lang, key, v, names)).filter(Boolean));
  if (typeof value === 'object')
    return join(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null && v !== undefined && v !== '')
        .map(([k, v]) => `${auditFieldLabel(lang, k)}: ${auditValueWords(lang, k, v, names)}`),
    );
  const s = String(value);
  if (key === 'items' || key === 'fields') return s === '*' ? (lang === 'ja' ? '全項目' : 'all items') : names.item(s);
  if ((key === 'purposes' || key === 'purpose') && /^P\d+$/.test(s)) return names.purpose(s);
  if (key === 'result') return pick(lang, (reviewResultLabels as Record<string, Labelled>)[s] ?? { ja: s, en: s });
  if (ISO_TIME.test(s)) return names.dateTime(s);
  return CODED.has(key) ? valueWord(lang, s, key) : s;
}

/** The detail as a labelled list (the 詳細 expander, the export's raw fields): label and words for each field. */
export function auditDetailList(lang: AuditLang, detail: unknown, names: AuditNames): { key: string; label: string; value: string }[] {
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return [];
  return Object.entries(detail as Record<string, unknown>)
    .map(([key, v]) => ({ key, label: auditFieldLabel(lang, key), value: auditValueWords(lang, key, v, names) }))
    .filter((f) => f.value !== '');
}

/** One sentence saying what the entry recorded, in the reader's language (never personal data: the trail holds none). */
export function describeAuditEntry(lang: AuditLang, e: AuditEntryWords, names: AuditNames): string {
  const text = sentence(lang, e, names);
  return lang === 'en' ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

function sentence(lang: AuditLang, e: AuditEntryWords, names: AuditNames): string {
  const ja = lang === 'ja';
  const d = (e.detail && typeof e.detail === 'object' ? e.detail : {}) as Record<string, unknown>;
  const w = (key: string, v: unknown = d[key]) => auditValueWords(lang, key, v, names);
  const member = e.member_code ?? (e.member_id ? e.member_id.slice(0, 8) : '');
  const who = member ? (ja ? `組合員 ${member} ` : `member ${member} `) : '';
  const whoOf = member ? (ja ? `組合員 ${member} の` : `member ${member}'s `) : '';
  /** 「（利用目的: ①…、項目: 氏名）」 from labelled parts, empty ones left out; a part without a label is its value alone. */
  const paren = (...parts: [string, string][]) => {
    const used = parts.filter(([, v]) => v !== '').map(([label, v]) => (label ? `${label}: ${v}` : v));
    if (!used.length) return '';
    return ja ? `（${used.join('、')}）` : ` (${used.join(', ')})`;
  };
  const F = (key: string, v: string = w(key)): [string, string] => [auditFieldLabel(lang, key), v];
  const L = (jaLabel: string, enLabel: string, v: string): [string, string] => [ja ? jaLabel : enLabel, v];
  const purpose = F('purpose', e.purpose_code ? names.purpose(e.purpose_code) : '');
  const req = () => {
    const kind = w('kind');
    const ref = str(d.reference);
    return ja ? `請求 ${ref}${kind ? `（${kind}）` : ''}` : `request ${ref}${kind ? ` (${kind})` : ''}`;
  };
  const rest = (...keys: string[]) => keys.map((k) => F(k));
  const filters = () => [
    F('member'),
    F('actor'),
    F('purpose'),
    F('action', d.action ? auditActionLabel(lang, str(d.action)) : ''),
    F('outcome', d.outcome ? auditOutcomeLabel(lang, str(d.outcome)) : ''),
    F('from'),
    F('to'),
  ];
  switch (e.action as AuditAction) {
    case 'member.read':
      return (
        (ja ? `${who}を参照` : `Read ${who}`.trim()) +
        paren(purpose, F('items'), F('joint_use', d.joint_use ? (ja ? '共同利用による参照' : 'read under joint use') : ''), F('via'))
      );
    case 'member.search':
      return (ja ? `${w('by')}で組合員を検索` : `Searched members by ${w('by')}`) + paren(purpose, F('results'));
    case 'member.create':
      return (ja ? `${who}を登録` : `Registered ${who}`.trim()) + paren(purpose, F('fields'), F('via'));
    case 'member.update':
      return (ja ? `${who}を変更` : `Changed ${who}`.trim()) + paren(purpose, F('fields'), F('version'), F('via'));
    case 'member.import':
      return (ja ? `取込で${who}を${w('change')}` : `Import ${w('change')} ${who}`.trim()) + paren(F('fields'));
    case 'member.self_update':
      return (
        (ja ? `本人が${whoOf}連絡先を訂正` : `The member corrected ${whoOf}contact data`) +
        paren(...rest('fields', 'version', 'by_guardian'))
      );
    case 'import.run':
      return (
        (ja ? '組合員の取込を実行' : 'Ran a member import') +
        paren(...rest('file', 'encoding', 'rows', 'created', 'updated', 'unchanged', 'rejected'))
      );
    case 'input.my_number_rejected':
      return (
        (ja ? 'マイナンバーと思われる番号の入力を拒否' : 'Refused input that looks like a My Number') +
        paren(...rest('path', 'fields', 'line'))
      );
    case 'access.refused':
      return (
        (ja ? `${str(d.method)} ${str(d.route)} へのアクセスを拒否` : `Refused ${str(d.method)} ${str(d.route)}`) + paren(F('targets'))
      );
    case 'auth.login':
      return (ja ? `ログインID ${str(d.login)} でログイン` : `Signed in as ${str(d.login)}`) + paren(...rest('step', 'reason'));
    case 'auth.logout':
      return ja ? 'ログアウト' : 'Signed out';
    case 'auth.locked':
      return ja ? `ログインID ${str(d.login)} を ${w('until')} までロック` : `Locked login ${str(d.login)} until ${w('until')}`;
    case 'auth.totp_enroll_begin':
      return (
        (ja
          ? d.rebind
            ? '二要素認証の再登録を開始'
            : '二要素認証の登録を開始'
          : d.rebind
            ? 'Started re-binding two-factor'
            : 'Started two-factor enrolment') + paren(F('reason'))
      );
    case 'auth.totp_enrolled':
      return (
        (ja ? (d.rebind ? '二要素認証を再登録' : '二要素認証を登録') : d.rebind ? 'Re-bound two-factor' : 'Enrolled two-factor') +
        paren(...rest('reason', 'ended_sessions'))
      );
    case 'user.create':
      return (ja ? `職員 ${str(d.login)} を登録` : `Created staff user ${str(d.login)}`) + paren(...rest('role', 'status'));
    case 'user.update':
      return (
        (ja ? `職員 ${str(d.login)} を変更` : `Changed staff user ${str(d.login)}`) + paren(...rest('role', 'status', 'ended_sessions'))
      );
    case 'organization.create':
      return ja ? `組織 ${str(d.code)} を作成` : `Created organization ${str(d.code)}`;
    case 'department.create':
      return ja ? `部署 ${str(d.code)} を作成` : `Created department ${str(d.code)}`;
    case 'policy.change':
      return (
        (ja ? 'ポリシーを変更' : 'Changed the policy') +
        paren(...auditDetailList(lang, d, names).map((f): [string, string] => [f.label, f.value]))
      );
    case 'policy.draft_save':
      return (ja ? '方針の下書きを保存' : 'Saved the policy draft') + paren(...rest('revision', 'via'));
    case 'policy.publish':
      return (
        (ja ? `方針の第 ${str(d.number)} 版を公表` : `Published policy version ${str(d.number)}`) +
        paren(...rest('notice_on', 'effective_on', 'changes', 'prior_notice'))
      );
    case 'policy.activate':
      return (ja ? `方針の第 ${str(d.number)} 版を施行` : `Put policy version ${str(d.number)} into effect`) + paren(F('effective_on'));
    case 'role.grants':
      return (ja ? `役割 ${str(d.role)} の利用目的を設定` : `Set the purposes of role ${str(d.role)}`) + paren(F('purposes'));
    case 'role.duties':
      return (ja ? `役割 ${str(d.role)} の業務を変更` : `Changed the duties of role ${str(d.role)}`) + paren(...rest('before', 'duties'));
    case 'audit.search':
      return (ja ? '監査記録を検索' : 'Searched the audit trail') + paren(...filters());
    case 'audit.export':
      return (ja ? '監査記録を出力' : 'Exported the audit trail') + paren(F('format'), F('charset'), F('rows'), ...filters());
    case 'audit.verify':
      return (ja ? `監査記録 ${str(d.entries)} 件の連鎖を検証` : `Verified the chain of ${str(d.entries)} entries`) + paren(F('first_bad'));
    case 'audit.queue_tampered':
      return (ja ? '待ち行列の記録を検証できず' : 'A queued entry could not be vouched for') + paren(...rest('reason', 'seq'));
    case 'alert.acknowledge':
      return ja
        ? `アラート ${str(d.alert_id).slice(0, 8)}… を確認済みに${d.note ? `（記録: ${str(d.note)}）` : ''}`
        : `Acknowledged alert ${str(d.alert_id).slice(0, 8)}…${d.note ? ` (note: ${str(d.note)})` : ''}`;
    case 'keys.rotate':
      return (ja ? '暗号鍵を更新' : 'Rotated the data keys') + paren(...rest('key_id', 'reencrypted'));
    case 'backup.create':
      return (ja ? 'バックアップを作成' : 'Created a backup') + paren(...rest('file', 'dialect', 'error'));
    case 'backup.restore':
      return (ja ? 'バックアップから復元' : 'Restored a backup') + paren(...rest('file', 'entries', 'first_bad', 'missing_keys'));
    case 'ledger.create':
      return (ja ? `台帳の資産 ${str(d.code)} を登録` : `Registered ledger asset ${str(d.code)}`) + paren(F('via'));
    case 'ledger.update':
      return (ja ? `台帳の資産 ${str(d.code)} を変更` : `Changed ledger asset ${str(d.code)}`) + paren(...rest('fields', 'version', 'via'));
    case 'ledger.retire':
      return (ja ? `台帳の資産 ${str(d.code)} を廃止` : `Retired ledger asset ${str(d.code)}`) + paren(F('via'));
    case 'ledger.review':
      return (
        (ja ? `台帳の資産 ${str(d.code)} を見直し` : `Reviewed ledger asset ${str(d.code)}`) +
        paren(...rest('result', 'reviewed_on', 'next_review_on'))
      );
    case 'ledger.export':
      return (ja ? '台帳を出力' : 'Exported the ledger') + paren(...rest('assets', 'department', 'via'));
    case 'consent.change': {
      const subject = d.subject_kind === 'purpose' ? w('purposes', d.subject_code) : str(d.subject_code);
      return (
        (ja ? `${whoOf}同意・選択を変更` : `Changed ${whoOf}consent or choice`) +
        paren(F('subject_code', subject), ...rest('state', 'source', 'by_guardian'))
      );
    }
    case 'provision.record': {
      const received = d.direction === 'received';
      return (
        (ja
          ? `${whoOf}第三者${received ? 'からの受領' : 'への提供'}を記録`
          : `Recorded a provision ${received ? 'from' : 'to'} a third party for ${who}`.trim()) + paren(...rest('third_party', 'items'))
      );
    }
    case 'request.file':
      return (ja ? `${req()}を受付` : `Filed ${req()}`) + paren(...rest('channel', 'requester'));
    case 'request.step':
      return (
        (ja ? `${req()}の手続き「${w('step')}」` : `${req()}: ${w('step')}`) +
        paren(F('state', d.from || d.to ? `${w('from')} → ${w('to')}` : ''))
      );
    case 'request.update':
      return ja ? `${req()}を変更` : `Changed ${req()}`;
    case 'request.document':
      return (ja ? `${req()}に書類を追加` : `Added a document to ${req()}`) + paren(F('document'));
    case 'request.effect':
      return (ja ? `${req()}の内容を反映` : `Carried out ${req()}`) + paren(...rest('effect', 'fields', 'purposes', 'third_parties'));
    case 'request.assign':
      return ja ? `${req()}の担当者を設定` : `Assigned ${req()}`;
    case 'request.export':
      return (
        (ja ? '請求の一覧を出力' : 'Exported the request list') +
        paren(...rest('format', 'charset', 'rows', 'state', 'kind', 'member', 'assignee'))
      );
    case 'disclosure.package':
      return (ja ? '開示資料を作成' : 'Made the disclosure package') + paren(...rest('form', 'via'));
    case 'notify.sent':
      return (ja ? '通知を送信' : 'Sent a notice') + paren(F('template'));
    case 'notify.failed':
      return (ja ? '通知を送信できず' : 'Could not send a notice') + paren(...rest('template', 'error'));
    case 'portal.code_request':
      return (ja ? '確認コードを要求' : 'Requested a one-time code') + paren(L('', '', w('purpose')), F('reason'));
    case 'portal.sign_in':
      return (ja ? '本人のページにログイン' : 'Signed in to the member page') + paren(...rest('step', 'reason'));
    case 'portal.password_set':
      return (ja ? 'パスワードを設定' : 'Set the password') + paren(L('', '', w('purpose')));
    case 'portal.locked':
      return ja ? `本人のページのログインを ${w('until')} まで停止` : `Locked the member page sign-in until ${w('until')}`;
    case 'portal.logout':
      return ja ? '本人のページからログアウト' : 'Signed out of the member page';
    case 'portal.act_as':
      return (ja ? '表示する本人を選択' : 'Chose whom to act as') + paren(L('', '', w('as')), F('reason'));
    case 'guardian.link':
      return (ja ? `${whoOf}保護者を登録` : `Registered a guardian of ${who}`.trim()) + paren(F('relationship'));
    case 'guardian.unlink':
      return (ja ? `${whoOf}保護者の登録を終了` : `Ended a guardian link of ${who}`.trim()) + paren(F('relationship'));
    case 'guardian.list':
      return (ja ? `${whoOf}保護者の一覧を参照` : `Listed the guardians of ${who}`.trim()) + paren(F('links'));
    case 'job.retry':
    case 'job.discard':
      return (
        (e.action === 'job.retry'
          ? ja
            ? `定期ジョブ「${w('job')}」を再実行`
            : `Retried scheduled job: ${w('job')}`
          : ja
            ? `定期ジョブ「${w('job')}」を破棄`
            : `Discarded scheduled job: ${w('job')}`) + paren(F('due_at'), L('それまでの状態', 'state before', w('from')), F('attempts'))
      );
    case 'system_task.plan':
    case 'system_task.approve':
    case 'system_task.apply':
    case 'system_task.verify':
    case 'system_task.fail':
    case 'system_task.resume':
    case 'system_task.cancel':
      return (
        (ja
          ? `${req()}の連携システム ${str(d.system)}「${w('task')}」: ${auditActionLabel(lang, e.action)}`
          : `${req()}, connected system ${str(d.system)} (${w('task')}): ${auditActionLabel(lang, e.action).toLowerCase()}`) +
        paren(...rest('task_state', 'table_rows', 'rows', 'kept', 'rows_changed', 'differences', 'error', 'attempts'))
      );
    case 'system.register':
    case 'system.update':
    case 'system.remove': {
      const verb = {
        'system.register': ['を登録', 'Registered'],
        'system.update': ['を変更', 'Changed'],
        'system.remove': ['を削除', 'Removed'],
      }[e.action as 'system.register'][ja ? 0 : 1];
      return (
        (ja ? `連携システム ${str(d.code)} ${verb}` : `${verb} connected system ${str(d.code)}`) +
        paren(...rest('system_kind', 'changed', 'secret', 'version', 'via'))
      );
    }
    case 'system.check':
      return (
        (ja
          ? `連携システム ${str(d.code)} の接続を確認${e.outcome === 'ok' ? '' : '（接続できず）'}`
          : `Checked the connection of system ${str(d.code)}${e.outcome === 'ok' ? '' : ' (failed)'}`) +
        paren(...rest('error_code', 'tables', 'via'))
      );
    case 'discovery.run':
      return (
        (ja ? `連携システム ${str(d.system)} で個人データを検出` : `Ran discovery in connected system ${str(d.system)}`) +
        paren(...rest('columns', 'proposals', 'my_numbers', 'error'))
      );
    case 'discovery.my_number_found':
      return ja
        ? `連携システム ${str(d.system)} の ${str(d.table)}.${str(d.column)} に個人番号（マイナンバー）を検出`
        : `Found My Numbers in ${str(d.table)}.${str(d.column)} of connected system ${str(d.system)}`;
    case 'discovery.decide':
      return (
        (ja ? `連携システム ${str(d.system)} の検出結果を判断` : `Decided discovery proposals of ${str(d.system)}`) +
        paren(...rest('confirmed', 'rejected_columns', 'revision'))
      );
    case 'contractor.inspect':
      return (
        (ja ? `委託先 ${str(d.contractor)} の点検を記録` : `Recorded an inspection of contractor ${str(d.contractor)}`) +
        paren(...rest('inspected_on', 'inspection_result', 'next_due_on'))
      );
    case 'contractor.handover':
      return (
        (ja
          ? `委託先 ${str(d.contractor)} への受け渡し${e.outcome === 'refused' ? 'を拒否' : 'を記録'}`
          : `${e.outcome === 'refused' ? 'Refused' : 'Recorded'} a hand-over to contractor ${str(d.contractor)}`) +
        paren(...rest('items', 'rows', 'sent_by', 'purposes', 'error_code'))
      );
    case 'joint_use.transfer':
      return (
        (ja ? `共同利用 ${str(d.joint_use)} のデータを出力` : `Exported data for joint use ${str(d.joint_use)}`) +
        paren(...rest('purposes', 'items', 'rows', 'left_out', 'charset'))
      );
    case 'provision.preview':
    case 'provision.run':
      return (
        (ja
          ? `第三者 ${str(d.third_party)} への提供を${e.action === 'provision.run' ? '実行' : '事前確認'}${e.outcome === 'ok' ? '' : '（拒否）'}`
          : `${e.action === 'provision.run' ? 'Ran' : 'Previewed'} a provision to ${str(d.third_party)}${e.outcome === 'ok' ? '' : ' (refused)'}`) +
        paren(...rest('legal_basis', 'exception_reason', 'record_mode', 'included', 'excluded', 'records', 'via'))
      );
    case 'provision.download':
      return (
        (ja ? `第三者 ${str(d.third_party)} への提供ファイルをダウンロード` : `Downloaded the file for ${str(d.third_party)}`) +
        paren(...rest('rows', 'charset', 'via'))
      );
    case 'provision.dispose':
      return (
        (ja ? '保存期間を過ぎた第三者提供の記録を廃棄' : 'Disposed of provision records past their keeping date') +
        paren(
          F('kind', d.kind === 'continuous' ? (ja ? '継続的提供の記録' : 'continuous records') : ja ? '本人ごとの記録' : 'single records'),
          ...rest('count', 'oldest_on', 'newest_on'),
        )
      );
    case 'release.create':
    case 'release.update':
    case 'release.publish_method':
    case 'release.preview':
    case 'release.deliver': {
      const verb = {
        'release.create': ['を作成し項目を公表', 'Created'],
        'release.update': ['の定義を変更', 'Changed'],
        'release.publish_method': ['の提供の方法を公表', 'Published the method of provision of'],
        'release.preview': ['を試行（提供なし）', 'Previewed'],
        'release.deliver': [e.outcome === 'ok' ? 'を提供' : 'の提供（できず）', e.outcome === 'ok' ? 'Delivered' : 'Could not deliver'],
      }[e.action as 'release.create'][ja ? 0 : 1];
      return (
        (ja ? `匿名加工情報 ${str(d.code)} ${verb}` : `${verb} anonymized release ${str(d.code)}`) +
        paren(...rest('items', 'changed', 'version', 'rows', 'suppressed', 'excluded', 'target', 'period', 'sha256', 'error_code', 'via'))
      );
    }
    default: {
      const list = auditDetailList(lang, d, names).map((f): [string, string] => [f.label, f.value]);
      return auditActionLabel(lang, e.action) + paren(...list);
    }
  }
}
