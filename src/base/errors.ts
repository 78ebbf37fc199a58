/**
 * The error catalogue: every refusal mamori gives has a stable code, an HTTP status and a message in
 * Japanese and English. Business logic throws `AppError` with a code; only the HTTP edge maps it to a
 * status, and the CLI prints the same messages.
 */
import type { FieldIssue } from '../contract/errors.ts';

export const errorCatalogue = {
  // Input
  invalid_json: [400, '送信されたJSONの形式が正しくありません。', 'The request body is not valid JSON.'],
  json_too_deep: [
    400,
    '送信されたJSONの入れ子が深すぎます（上限 64 段）。',
    'The request body nests objects or arrays too deeply (at most 64 levels).',
  ],
  validation_failed: [400, '入力内容に誤りがあります。', 'The input is not valid.'],
  unknown_field: [400, '受け付けない項目が含まれています。', 'The input contains a field that is not accepted.'],
  body_too_large: [413, '送信データが大きすぎます。', 'The request body is too large.'],
  unsupported_media_type: [415, 'このデータ形式は受け付けられません。', 'This content type is not accepted.'],
  invalid_date: [400, '日付が正しくありません。', 'The date is not valid.'],
  my_number_rejected: [
    400,
    '個人番号（マイナンバー）と思われる番号が含まれているため受け付けられません。マイナンバーは組合員情報として保存できません。',
    'The input contains what appears to be an Individual Number (My Number). mamori never stores My Numbers.',
  ],
  invalid_url: [400, 'URLの形式が正しくありません。', 'The URL is not valid.'],
  url_too_long: [414, 'URLが長すぎます。', 'The URL is too long.'],
  not_found: [404, '指定されたページまたはAPIは存在しません。', 'No such page or API.'],
  method_not_allowed: [405, 'この操作は許可されていません。', 'This method is not allowed.'],
  // Authentication
  not_authenticated: [401, 'ログインが必要です。', 'You need to sign in.'],
  invalid_credentials: [401, 'ログインIDまたはパスワードが正しくありません。', 'The login or password is wrong.'],
  // Said alike for a real login and an unknown one (both lock): it must not tell that an account exists.
  account_locked: [
    423,
    'ログインの失敗が続いたため、このログインIDでのログインを一時的に停止しています。しばらくしてから再度お試しください。',
    'Sign-in with this login is suspended for a while after repeated failures. Try again later.',
  ],
  account_disabled: [403, 'このアカウントは無効です。', 'This account is disabled.'],
  totp_required: [401, '確認コード（二要素認証）の入力が必要です。', 'A one-time code (second factor) is required.'],
  totp_invalid: [401, '確認コードが正しくありません。', 'The one-time code is wrong.'],
  reauth_required: [
    403,
    '本人確認のため、現在のパスワード（二要素認証を使っている場合は確認コードも）を入力してください。',
    'To confirm it is you, enter your current password (and a one-time code if you use a second factor).',
  ],
  reauth_failed: [403, '現在のパスワードまたは確認コードが正しくありません。', 'The current password or one-time code is wrong.'],
  totp_enrollment_required: [403, 'この役割では二要素認証の登録が必要です。', 'This role must register a second factor (TOTP) first.'],
  csrf_invalid: [403, '画面の有効期限が切れました。再読み込みしてください。', 'The CSRF token is missing or invalid. Reload the page.'],
  rate_limited: [429, 'リクエストが多すぎます。しばらくしてから再度お試しください。', 'Too many requests. Try again later.'],
  forbidden: [403, 'この操作を行う権限がありません。', 'You are not allowed to do this.'],
  // Purpose-bound access (the access engine's refusals)
  purpose_required: [400, '利用目的を指定してください。', 'Name the purpose of use.'],
  purpose_unknown: [400, '指定された利用目的は存在しません。', 'No such purpose of use.'],
  purpose_not_permitted: [
    403,
    'あなたの役割ではこの利用目的で組合員情報を扱えません。',
    'Your role may not use member data for this purpose.',
  ],
  item_not_in_purpose: [403, 'この利用目的では扱えない項目が含まれています。', 'The request includes items this purpose may not use.'],
  member_opted_out: [
    403,
    'この組合員はこの利用目的への利用を拒否（オプトアウト）しています。',
    'The member has opted out of this purpose.',
  ],
  member_use_stopped: [
    403,
    'この組合員について、この利用目的での利用は停止されています。',
    'Use of this member’s data for this purpose has been stopped.',
  ],
  member_not_found: [404, '組合員が見つかりません。', 'No such member.'],
  joint_use_not_effective: [403, '共同利用の開始日より前のため、利用できません。', 'The joint use is not yet in effect.'],
  // Data
  member_code_taken: [409, 'この組合員コードは既に使われています。', 'This member code is already in use.'],
  version_conflict: [
    409,
    '他の人が先に更新しました。最新の内容を読み込んでからやり直してください。',
    'Someone else changed this record first. Reload and try again.',
  ],
  organization_unknown: [404, '組織が見つかりません。', 'No such organization.'],
  department_unknown: [400, '部署が見つかりません。', 'No such department.'],
  role_unknown: [400, '役割が見つかりません。', 'No such role.'],
  login_taken: [409, 'このログインIDは既に使われています。', 'This login is already in use.'],
  user_not_found: [404, '職員が見つかりません。', 'No such staff user.'],
  alert_not_found: [404, 'アラートが見つかりません。', 'No such alert.'],
  encryption_key_missing: [500, '暗号鍵が見つかりません。', 'The encryption key is missing.'],
  // Backup and restore (CLI)
  backup_tool_missing: [
    500,
    'pg_dump / pg_restore が見つかりません。PostgreSQL のクライアント（Debian: postgresql-client）を導入してください。',
    'pg_dump / pg_restore was not found. Install the PostgreSQL client tools (Debian: postgresql-client).',
  ],
  backup_failed: [500, 'バックアップを作成できませんでした。', 'The backup could not be taken.'],
  backup_file_invalid: [
    400,
    'バックアップファイルを読み込めません（mamori のバックアップではないか、壊れています）。',
    'The backup file cannot be read (not a mamori backup, or damaged).',
  ],
  restore_target_not_empty: [
    409,
    '復元先のデータベースにはデータがあります。上書きする場合は --force を付けてください。',
    'The database to restore into holds data. Add --force to overwrite it.',
  ],
  restore_target_in_use: [
    409,
    '復元先のデータベースを別のプロセス（サーバなど）が使用中です。停止してから、もう一度実行してください。',
    'Another process (a server, for instance) has the database open. Stop it and run the restore again.',
  ],
  restore_failed: [500, '復元に失敗しました（復元先は変更されていません）。', 'The restore failed (the database was left as it was).'],
  import_file_unreadable: [400, '取込ファイルを読み込めません。', 'The import file cannot be read.'],
  import_header_invalid: [400, '取込ファイルの見出し行が正しくありません。', 'The header row of the import file is not valid.'],
  import_mapping_invalid: [400, '項目対応ファイルが正しくありません。', 'The mapping file is not valid.'],
  import_busy: [
    409,
    '別の取込または処理がデータベースに書き込み中です。終わってから、もう一度実行してください（何も取り込んでいません）。',
    'Another import or process is writing to the database. Run the import again when it has finished (nothing was imported).',
  ],
  import_report_unwritable: [400, '却下行の一覧ファイルを書き込めません。', 'The report file of rejected rows cannot be written.'],
  // Policy registers and published notices
  policy_file_invalid: [
    400,
    'ポリシーファイルに誤りがあります。行と項目を確認してください。',
    'The policy file is not valid. See the line and field of each problem.',
  ],
  policy_invalid: [400, 'ポリシーの内容に誤りがあります。', 'The policy is not valid.'],
  policy_lint_failed: [
    422,
    '法令上必要な記載が不足しているため公表できません。不足している項目を補ってください。',
    'The policy lacks something the law requires and cannot be published. Fill in the gaps listed.',
  ],
  policy_notice_period: [
    422,
    '事前の通知・公表が必要な変更を含むため、この施行日にはできません。通知日以降の施行日を指定してください。',
    'The change needs prior notice to members; it cannot take effect on this date. Choose an effective date after the notice period.',
  ],
  policy_effective_date_invalid: [
    422,
    '施行日は公表日以降、かつ前の版の施行日以降にしてください。',
    'The effective date must be on or after today and after the previous version’s effective date.',
  ],
  policy_edit_conflict: [
    409,
    '他の担当者がこの下書きを更新しました。最新の内容を読み込んでから、もう一度変更してください。',
    'Someone else has changed this draft. Reload it and make your change again.',
  ],
  policy_version_not_found: [404, '指定された版は存在しません。', 'No such policy version.'],
  policy_not_published: [404, 'この組織のポリシーはまだ公表されていません。', 'This organization has not published a policy yet.'],
  policy_org_mismatch: [
    400,
    'ポリシーの組織コードがこの組織と一致しません。',
    'The policy’s organization code does not match this organization.',
  ],
  policy_preset_unknown: [404, '指定されたポリシーのひな形はありません。', 'No such policy preset.'],
  // Ledger of personal information (個人情報管理台帳)
  job_run_not_found: [404, '指定されたジョブの実行記録が見つかりません。', 'No such job run.'],
  job_run_not_retryable: [
    409,
    'このジョブの実行は再実行・破棄できません。失敗または停止した実行だけが対象です（状態が変わった可能性があります）。',
    'Only a failed or dead job run can be retried or discarded (its state may have just changed).',
  ],
  ledger_asset_not_found: [404, '台帳に該当する情報資産が見つかりません。', 'No such information asset in the ledger.'],
  ledger_department_forbidden: [
    403,
    '他の部署の情報資産は扱えません。部門管理者は自部署の情報資産だけを登録・変更できます。',
    'Department managers may only handle their own department’s information assets.',
  ],
  ledger_item_unknown: [
    400,
    '登録されていない情報項目のコードが含まれています。情報項目の登録簿にあるコードを指定してください。',
    'The asset names a data item code that is not in the register of data items.',
  ],
  ledger_purpose_unknown: [
    400,
    '登録されていない利用目的のコードが含まれています。利用目的の登録簿にあるコードを指定してください。',
    'The asset names a purpose code that is not in the register of purposes.',
  ],
  ledger_code_taken: [409, 'この台帳番号は既に使われています。', 'This ledger number is already in use.'],
  ledger_version_conflict: [
    409,
    '他の担当者がこの情報資産を先に更新しました。最新の内容を読み込んでから、もう一度変更してください。',
    'Someone else changed this asset first. Reload it and make your change again.',
  ],
  ledger_asset_retired: [409, 'この情報資産は廃止済みのため変更できません。', 'This asset is retired and cannot be changed.'],
  // The member page (本人のページ): sign-in never tells whether a member code exists.
  member_sign_in_failed: [401, '組合員コードまたはパスワードが正しくありません。', 'The member code or password is wrong.'],
  member_code_invalid: [
    401,
    '確認コードが正しくないか、有効期限が切れています。もう一度コードを送ってください。',
    'The one-time code is wrong or has expired. Ask for a new code.',
  ],
  member_account_locked: [
    423,
    'サインインの失敗が続いたため、一時的にロックしました。しばらくしてから再度お試しください。',
    'Sign-in is locked for a while after repeated failures. Try again later.',
  ],
  member_not_signed_in: [401, 'サインインが必要です。', 'You need to sign in.'],
  member_password_weak: [
    400,
    'パスワードは10文字以上で、組合員コードと異なるものにしてください。',
    'The password must have at least 10 characters and differ from the member code.',
  ],
  guardian_link_invalid: [404, 'この方のページを管理する権限が確認できません。', 'You are not registered as the guardian of this person.'],
  guardian_link_exists: [409, 'この保護者は既に登録されています。', 'This guardian is already registered.'],
  guardian_self_link: [400, '本人を自分の保護者として登録することはできません。', 'A member cannot be their own guardian.'],
  // Consent and preferences
  consent_subject_unknown: [400, '指定された利用目的または提供先はありません。', 'No such purpose or third-party recipient.'],
  consent_not_applicable: [
    400,
    'この利用目的は同意・停止の選択の対象ではありません。利用の停止は「利用停止の請求」から行えます。',
    'This purpose takes no consent or opt-out. To stop its use, file a request for cessation of use.',
  ],
  guardian_consent_required: [
    403,
    '保護者の同意が必要です。保護者の方が手続きしてください。',
    'A guardian’s consent is required: the guardian must make this choice.',
  ],
  member_consent_missing: [
    403,
    'この組合員からこの利用目的への同意を得ていないため、利用できません。',
    'The member has not consented to this purpose.',
  ],
  purpose_not_for_members: [
    403,
    'この利用目的は組合員の情報を対象としていない（役職員・取引先などの目的）ため、組合員の情報には使えません。',
    'This purpose does not concern members (it is for staff, business partners or the like): it cannot open a member’s data.',
  ],
  // Requests from the person (開示等の請求)
  request_not_found: [404, '請求が見つかりません。', 'No such request.'],
  request_transition_invalid: [
    409,
    'この請求の現在の状態では、その操作はできません。',
    'This step is not possible in the request’s current state.',
  ],
  request_identity_unverified: [
    409,
    '本人確認（代理人の場合は代理権の確認）が済んでいません。',
    'The person’s identity (and an agent’s authority) has not been verified yet.',
  ],
  request_reason_required: [400, '理由を入力してください（本人に通知されます）。', 'Give the reason (it is sent to the person).'],
  request_version_conflict: [
    409,
    '他の担当者がこの請求を先に更新しました。最新の内容を読み込んでからやり直してください。',
    'Someone else changed this request first. Reload it and try again.',
  ],
  request_detail_invalid: [400, '請求の内容に誤りがあります。', 'The request’s details are not valid.'],
  request_assignee_invalid: [
    400,
    'この職員は担当者にできません。請求を扱う業務のある、有効な職員を選んでください。',
    'This user cannot be assigned: choose an active staff member whose role handles requests.',
  ],
  request_member_erased: [
    409,
    'この方の情報は削除請求により消去済みです。法令で保存が必要な情報の開示のみ受け付けます。',
    'This person’s data was erased on request; only disclosure of what the law requires keeping is possible.',
  ],
  request_duplicate_open: [
    409,
    '同じ種類の請求が処理中です。処理が終わるまでお待ちください。',
    'A request of the same kind is already being handled.',
  ],
  document_too_large: [413, '書類のファイルが大きすぎます（上限 5MB）。', 'The document is too large (at most 5 MB).'],
  document_type_unsupported: [415, '書類はPDF・JPEG・PNGのいずれかで提出してください。', 'Documents must be PDF, JPEG or PNG.'],
  document_not_found: [404, '書類が見つかりません。', 'No such document.'],
  disclosure_not_ready: [
    409,
    '開示の準備ができていません。回答後にダウンロードできます。',
    'The disclosure is not ready: it can be downloaded once the request is answered.',
  ],
  // Third-party provision records (Arts. 29–30)
  third_party_unknown: [400, '提供先が第三者提供の登録簿にありません。', 'The recipient is not in the register of third parties.'],
  provision_consent_missing: [
    403,
    '本人の同意がないため、この提供先へは提供できません。',
    'The person has not consented to provision to this recipient.',
  ],
  provision_stopped: [
    403,
    '本人の請求により、この提供先への第三者提供は停止されています。',
    'Provision to this recipient has been stopped at the person’s request.',
  ],
  // Provision runs, continuous records and disposals (issue 14 §1; modules/provision)
  provision_consent_before_foreign_info: [
    403,
    '本人の同意は、外国にある第三者への提供に必要な情報（所在国・制度・提供先の措置）が示される前のものです。',
    'The person consented before the information required for a foreign recipient (country, regime, measures) was shown.',
  ],
  provision_foreign_info_missing: [
    409,
    '外国にある第三者です。所在国、その国の個人情報保護制度、提供先が講ずる措置を第三者提供の登録に記載するまで提供できません（法第28条）。',
    'A recipient outside Japan: record its country, that country’s regime and the recipient’s measures in the register first (Art. 28).',
  ],
  provision_items_missing: [
    409,
    '提供先の登録に提供する項目がありません。第三者提供の登録に項目を記載してください。',
    'The recipient’s register entry names no items to provide. Add them to the register first.',
  ],
  provision_population_too_large: [
    422,
    '対象者が多すぎます（上限10万人）。条件で絞り込んでください。',
    'The population is too large (at most 100,000 people). Narrow the filter.',
  ],
  provision_run_not_found: [404, '提供の実行記録が見つかりません。', 'Provision run not found.'],
  provision_run_confirmed: [409, 'この提供はすでに確定しています。', 'This provision run has already been confirmed.'],
  provision_run_not_confirmed: [
    409,
    'この提供はまだ確定していません。確定してからダウンロードしてください。',
    'This provision run is not confirmed yet. Confirm it before downloading the file.',
  ],
  // Exports (audit trail, request list)
  export_too_large: [
    422,
    '出力できる件数の上限を超えています。期間などの条件で絞り込んでから出力してください。',
    'The export would exceed its row limit. Narrow the filter (a shorter period, for example) and export again.',
  ],
  // Connected systems (issue 13): what a connector or a system's task can meet
  system_unknown: [404, '指定された連携システムは登録されていません。', 'No such connected system.'],
  system_exists: [409, 'このコードの連携システムはすでに登録されています。', 'A connected system with this code is already registered.'],
  system_not_mapped: [
    409,
    'この連携システムはポリシーのデータマップに記載されていません。',
    'This connected system is not in the dataset map of the policy in effect.',
  ],
  system_settings_invalid: [400, '連携システムの接続設定が正しくありません。', 'The connection settings of the system are not valid.'],
  system_file_not_allowed: [
    403,
    '連携システムの SQLite ファイルは、許可されたフォルダ（MAMORI_SQLITE_SYSTEM_DIRS、既定はデータフォルダの systems）の中にある必要があります。',
    "A connected system's SQLite file must be inside an allowed folder (MAMORI_SQLITE_SYSTEM_DIRS; by default the data folder's systems).",
  ],
  system_is_mamori: [
    403,
    'mamori 自身のデータベースは連携システムとして登録できません。',
    'A mamori database cannot be a connected system.',
  ],
  system_unreachable: [
    502,
    '連携システムに接続できませんでした（ホスト・ポート・ファイルの場所を確認してください）。',
    'The connected system could not be reached (check its host, port or file).',
  ],
  system_auth_failed: [
    502,
    '連携システムの認証に失敗しました（アカウントとパスワード・鍵を確認してください）。',
    'The connected system refused the credentials (check its account and password or key).',
  ],
  system_timeout: [504, '連携システムの応答が時間内にありませんでした。', 'The connected system did not answer in time.'],
  system_table_missing: [
    502,
    'データマップに記載されたテーブルが連携システムにありません（名前の変更や削除の可能性があります）。',
    'A table of the dataset map is missing in the connected system (renamed or dropped?).',
  ],
  system_column_missing: [
    502,
    'データマップに記載された列が連携システムにありません。',
    'A column of the dataset map is missing in the connected system.',
  ],
  system_column_type: [
    502,
    '連携システムの列の型が、データマップの処理（マスクなど）に合いません。',
    "A column's type in the connected system does not allow what the map does to it (a mask, for example).",
  ],
  system_read_only: [
    502,
    '連携システムが書き込みを受け付けませんでした（読み取り専用の接続または権限の不足）。',
    'The connected system refused to write (a read-only connection or missing privileges).',
  ],
  system_constraint: [
    502,
    '連携システムが変更を拒否しました（データマップにないテーブルがこの行を参照しているなど、システムの制約に反します）。何も変更されていません。',
    'The connected system refused the change: one of its constraints forbids it (a table missing from the dataset map still refers to these rows, for example). Nothing was changed.',
  ],
  system_answer_invalid: [
    502,
    '連携システムからの回答ファイルを読み取れませんでした。',
    "The connected system's answer file could not be read.",
  ],
  system_tasks_unplanned: [
    409,
    'この請求はまだ連携システムへの反映を計画していません。請求の画面の「連携システム」で計画を作ってから回答してください。',
    'This request has not been planned across the connected systems yet: make the plan on the request page (連携システム) before answering.',
  ],
  system_tasks_open: [
    409,
    '連携システムへの反映が終わっていないため、まだ回答できません（連携システムの欄で承認・再開してください）。',
    'The request cannot be answered yet: its work in the connected systems is not done (approve or resume it in the connected systems panel).',
  ],
  system_task_not_found: [404, '指定された連携システムの処理はありません。', 'No such task in a connected system.'],
  system_task_state_invalid: [
    409,
    'この連携システムの処理は、いまの状態ではその操作ができません。',
    'The task in the connected system cannot take this step in its current state.',
  ],
  system_task_interrupted: [
    503,
    '連携システムへの処理が中断されました（サーバーの停止など）。自動的に再試行します。',
    'The work in the connected system was interrupted (the server stopped, for example); it is tried again.',
  ],
  system_verify_mismatch: [
    502,
    '反映後の読み返しで、連携システムのデータが計画どおりになっていませんでした。',
    'Reading back after the change, the connected system was not as planned.',
  ],
  system_step_failed: [
    502,
    '連携システムが、依頼した処理を実行できなかったと回答しました（理由を確認してください）。',
    'The connected system answered that it could not carry out a step (see the reason).',
  ],
  system_not_queryable: [
    422,
    'この連携システム（受け渡しフォルダ）からは表や値を読み取れません。データマップは手で記載してください。',
    'This connected system (a drop folder) cannot be read for tables or values: write its dataset map by hand.',
  ],
  // Discovery in a connected system (issue 13 §6)
  discovery_proposal_unknown: [404, '指定された検出結果はありません。', 'No such discovery proposal.'],
  discovery_run_unknown: [404, '指定された検出の実行はありません。', 'No such discovery run.'],
  discovery_item_missing: [
    422,
    '方針の下書きの登録簿（情報項目）に、確定しようとした列の項目がありません。先に情報項目を下書きに追加してから確定してください。',
    'The policy draft’s registers lack the data item of a column you confirmed. Add the item to the draft first, then confirm.',
  ],
  // Pseudonymized data (仮名加工情報, issue 14 §6; modules/pseudonymized)
  pseudonymized_set_unknown: [404, '指定された仮名加工情報のデータセットはありません。', 'No such pseudonymized data set.'],
  pseudonymized_set_exists: [
    409,
    'このコードの仮名加工情報のデータセットはすでにあります。',
    'A pseudonymized data set with this code already exists.',
  ],
  pseudonymized_set_retired: [
    409,
    'この仮名加工情報のデータセットは廃止されているため作成できません。',
    'This pseudonymized data set has been retired and can no longer be produced.',
  ],
  pseudonymized_financial_item: [
    422,
    '財産的被害のおそれのある項目（口座・カード番号など）は仮名加工情報に残せません。該当する列を「削除」にしてください。',
    'An item whose misuse may cause financial damage (bank account, card number) cannot stay in pseudonymized data: set the column to remove.',
  ],
  pseudonymized_identifying_kept: [
    422,
    '本人を識別できる記述（氏名、連絡先、組合員コード、詳しい住所など）は、削除するか仮名に置き換えてください。',
    'A description that identifies the person (name, contact data, member code, a detailed address) must be removed or replaced.',
  ],
  pseudonymized_treatment_invalid: [
    422,
    'この列には選べない加工方法が指定されています。',
    'A column is given a treatment it does not allow.',
  ],
  pseudonymized_purpose_invalid: [
    400,
    '仮名加工情報の利用目的には、組合員に関する有効な利用目的のコードを指定してください。',
    'The purposes of pseudonymized data must be codes of purposes in force that concern members.',
  ],
  pseudonymized_item_not_in_purpose: [
    422,
    '残す列の項目が、データセットの利用目的の項目に含まれていません（最小限の原則）。',
    'A column the set keeps is not an item of one of its purposes (minimum necessary).',
  ],
  pseudonymized_purpose_not_declared: [
    403,
    'この利用目的は、このデータセットの利用目的として定められていません。',
    'This purpose is not one the data set is declared for.',
  ],
  pseudonymized_provision_refused: [
    403,
    '仮名加工情報は第三者（提供先、共同利用者、委託先、配信先を含む）に提供できません。社内での分析にだけ使えます。',
    'Pseudonymized data cannot be provided to anyone outside (recipients, joint users, contractors, delivery targets): it is for internal analysis only.',
  ],
  // Joint-use transfers and contractor hand-overs (issue 14 §2)
  joint_use_unknown: [404, '指定された共同利用は、施行中の方針にありません。', 'No such joint use in the policy in effect.'],
  joint_use_ended: [
    409,
    'この共同利用は終了日を過ぎているため、データを渡せません。',
    'This joint use has ended: no data can be transferred under it.',
  ],
  joint_use_purpose_not_declared: [
    422,
    'この共同利用は、指定された利用目的での共同利用を定めていません。',
    'This joint use does not declare the chosen purpose.',
  ],
  joint_use_item_not_declared: [
    422,
    'この共同利用がこの利用目的で定めていない項目が含まれています（項目名を確認してください）。',
    'The transfer asks for an item the joint use does not declare for this purpose (see the item named).',
  ],
  transfer_no_items: [
    422,
    '渡せる項目がありません（共同利用・委託先の項目と利用目的の項目に共通するものがありません）。',
    'There is no item to hand over: the joint use or contractor and the purpose have no item in common.',
  ],
  contractor_unknown: [404, '指定された委託先は、施行中の方針の委託先にありません。', 'No such contractor in the policy in effect.'],
  contractor_item_not_declared: [
    422,
    '委託先の登録簿にない項目は渡せません（項目名を確認してください）。',
    'An item outside the contractor’s register items cannot be handed over (see the item named).',
  ],
  contract_expired: [
    409,
    '委託契約の期限が切れているため、委託先にデータを渡せません。契約を更新し、方針の委託先の契約期限を改めてください。',
    'The contract with this contractor has expired: nothing can be handed over. Renew it and update the contractor’s expiry in the policy.',
  ],
  inspection_overdue: [
    409,
    '委託先の点検（監督）が期限切れ、または未実施のため、委託先にデータを渡せません。点検を記録してください。',
    'The contractor’s inspection is overdue or has never been done: nothing can be handed over. Record an inspection first.',
  ],
  contract_clauses_missing: [
    409,
    '委託契約に必要な条項（秘密保持・再提供の禁止）が登録簿にないため、委託先にデータを渡せません。',
    'The contract lacks a required clause in the register (confidentiality, no re-provision): nothing can be handed over.',
  ],
  // Anonymized releases (匿名加工情報, issue 14 §3–§4)
  release_spec_invalid: [
    400,
    '匿名加工情報の定義に誤りがあります（各項目の説明を確認してください）。',
    'The release spec is not valid (see each issue).',
  ],
  release_not_found: [404, '指定された匿名加工情報の定義はありません。', 'No such anonymized release.'],
  release_exists: [409, 'このコードの匿名加工情報はすでに定義されています。', 'A release with this code is already defined.'],
  release_version_conflict: [
    409,
    '他の人がこの定義を変更しました。再読み込みしてから変更してください。',
    'Someone else changed this release. Reload it, then make your change.',
  ],
  release_method_unpublished: [
    409,
    '提供の方法を公表していないため、提供できません。先に項目と提供の方法を公表してください（個人情報保護法第43条第4項）。',
    'The method of provision has not been published: publish the items and the method before providing the release (APPI Art. 43(4)).',
  ],
  release_source_invalid: [
    422,
    '匿名加工情報の元データを読み取れません（ファイルの形式・文字コード・列を確認してください）。',
    'The source of the release cannot be read (check the file format, encoding and columns).',
  ],
  release_delivery_failed: [
    502,
    '予定された匿名加工情報の提供の一部に失敗しました（各提供の記録を確認してください）。',
    'Some scheduled releases could not be delivered (see each run).',
  ],
  anonymize_hierarchy_uncovered: [
    422,
    '一般化の階層が扱えない値があります。階層（区切り・対応表・グループ）に値を追加してください。',
    'A value is not covered by the generalization hierarchy: add it to the hierarchy (bounds, map or groups).',
  ],
  anonymize_k_exceeds_population: [
    422,
    'k の値が対象者数より大きいため、k-匿名性を満たせません。',
    'k is larger than the population: k-anonymity cannot be met.',
  ],
  anonymize_suppression_unmet: [
    422,
    'どの一般化の組合せでも、削除できるレコードの上限内で k-匿名性（と l-多様性）を満たせません。上限・k・階層を見直してください。',
    'No generalization meets k (and l) within the suppression limit: review the limit, k or the hierarchies.',
  ],
  anonymize_l_unreachable: [
    422,
    '機微な値の種類が l より少ないため、l-多様性を満たせません。',
    'The sensitive column has fewer distinct values than l: l-diversity cannot be met.',
  ],
  anonymize_spec_invalid: [
    400,
    '匿名加工の指定に誤りがあります（列・役割・階層を確認してください）。',
    'The anonymization spec is not valid (check columns, roles and hierarchies).',
  ],
  anonymize_verification_failed: [
    500,
    '加工後のデータの検証で k-匿名性（または l-多様性）を確認できなかったため、何も出力していません。',
    'The output failed its own k-anonymity (or l-diversity) check: nothing was written.',
  ],
  // Deliveries to a folder or the partners' SFTP server (issue 14 §5, modules/deliveries)
  delivery_target_unknown: [404, '指定された提供先サーバーはありません。', 'No such delivery target.'],
  delivery_target_exists: [409, 'このコードの提供先サーバーは既に登録されています。', 'A delivery target with this code already exists.'],
  delivery_settings_invalid: [400, '提供先サーバーの設定に誤りがあります。', 'The delivery target settings are not valid.'],
  delivery_dir_not_allowed: [
    400,
    '提供先フォルダは許可されたフォルダ（MAMORI_DELIVERY_DIRS）の中に指定してください。',
    'The delivery folder must lie inside an allowed folder (MAMORI_DELIVERY_DIRS).',
  ],
  delivery_unreachable: [502, '提供先サーバーに接続できませんでした。', 'The delivery target could not be reached.'],
  delivery_auth_failed: [
    502,
    '提供先サーバーが鍵またはパスワードを受け付けませんでした。',
    'The delivery target refused the key or password.',
  ],
  delivery_host_key_unknown: [
    502,
    '提供先サーバーのホスト鍵が登録されたフィンガープリントと一致しません（または未登録です）。接続を中止しました。',
    "The delivery server's host key does not match the registered fingerprint (or none is registered); the connection was refused.",
  ],
  delivery_dir_missing: [502, '提供先のフォルダがありません。', 'The delivery folder does not exist.'],
  delivery_not_writable: [502, '提供先のフォルダに書き込めません（権限がありません）。', 'The delivery folder is not writable.'],
  delivery_disk_full: [507, '提供先の空き容量が足りません。', 'The delivery target has no space left.'],
  delivery_timeout: [504, '提供先サーバーが時間内に応答しませんでした。', 'The delivery target did not answer in time.'],
  delivery_incomplete: [
    502,
    '提供先に届いたファイルの大きさが送ったものと一致しません。提供は記録されていません。',
    'The file that arrived differs in size from the one sent; nothing was recorded as delivered.',
  ],
  delivery_file_exists: [409, '提供先に同じ名前のファイルが既にあります。', 'A file of the same name is already at the delivery target.'],
  delivery_input_invalid: [400, '提供するファイルの指定に誤りがあります。', 'The file to deliver is not valid.'],
  delivery_failed: [502, '提供先へのファイルの送付に失敗しました。', 'The file could not be delivered.'],
  internal_error: [
    500,
    'システムエラーが発生しました。管理者に連絡してください。',
    'An internal error occurred. Contact the administrator.',
  ],
} as const satisfies Record<string, readonly [number, string, string]>;

export type ErrorCode = keyof typeof errorCatalogue;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[] | undefined;
  /** Set when the refusal is already in the audit trail (the access engine's), so the HTTP edge adds nothing. */
  audited = false;
  constructor(code: ErrorCode, issues?: FieldIssue[], detail?: string) {
    super(detail ?? errorCatalogue[code][2]);
    this.name = 'AppError';
    this.code = code;
    this.issues = issues;
  }
  get status(): number {
    return errorCatalogue[this.code][0];
  }
}

export function httpStatusOf(code: ErrorCode): number {
  return errorCatalogue[code][0];
}

/** The one error body every API refusal uses. */
export function errorBody(code: ErrorCode, issues?: FieldIssue[]) {
  const [, ja, en] = errorCatalogue[code];
  return { error: { code, message_ja: ja, message_en: en, ...(issues?.length ? { issues } : {}) } };
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCatalogue, value);
}
