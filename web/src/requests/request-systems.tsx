/**
 * 連携システム: a request's work in the co-op's other systems (ordering, 共済, …). Per system, what the plan
 * changes where — per table the action, the row count and the columns written — and what is kept and why; the
 * progress (the state's label, attempts, the failure's reason in words). Planned changes are approved by the
 * privacy officer after a confirmation restating them (承認して実行); a stopped task is resumed (再開) once its
 * cause is fixed. Refreshes while work is under way. No value of the person is shown: the server sends none.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SystemTasksView, SystemTaskView } from '../../../src/contract/api.ts';
import { eraseActionLabels, type TaskState, taskActionLabels, taskStateLabels } from '../../../src/contract/connector-vocabulary.ts';
import { api } from '../api/client.ts';
import { Badge, Button, ErrorNotice, Loading, Notice } from '../components/ui.tsx';
import { type I18n, useI18n } from '../i18n/i18n.tsx';
import { capabilities, useSession } from '../session.tsx';
import type { RequestView } from './request-model.ts';

const tone = {
  planned: 'warn',
  queued: 'info',
  running: 'info',
  applied: 'info',
  done: 'ok',
  failed: 'warn',
  dead: 'bad',
  cancelled: 'neutral',
} as const satisfies Record<TaskState, string>;

const REFRESH_MS = 2000;

function stateText(i18n: I18n, t: SystemTaskView): string {
  return taskStateLabels[t.state][i18n.lang];
}

export function RequestSystems({ request }: { request: RequestView }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useSession();
  const can = capabilities(me);
  const [view, setView] = useState<SystemTasksView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  /** The task whose setting aside (取消) asks to be confirmed. */
  const [setAside, setSetAside] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setView(await api.get<SystemTasksView>(`/requests/${encodeURIComponent(request.id)}/system-tasks`));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [request.id]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read again whenever the request moves on
  useEffect(() => {
    void load();
  }, [load, request.version]);
  // While tasks are queued, running or waiting for a retry, the progress is read again every few seconds.
  useEffect(() => {
    if (!view?.running) return;
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [view?.running, load]);

  const act = async (key: string, fn: () => Promise<SystemTasksView | unknown>, done: string) => {
    setBusy(key);
    setNotice(null);
    try {
      const next = await fn();
      if (next && typeof next === 'object' && 'tasks' in next) setView(next as SystemTasksView);
      else await load();
      setError(null);
      setNotice(done);
    } catch (err) {
      setError(err);
      await load();
    } finally {
      setBusy(null);
    }
  };

  if (!view) return error ? <ErrorNotice error={error} /> : <Loading />;
  const open = ['received', 'verified', 'in_progress', 'approved'].includes(request.state);
  const approvable = view.tasks.filter((x) => x.approvable);

  return (
    <div data-testid="request-systems" data-running={view.running ? 'true' : 'false'}>
      {notice && <Notice tone="success">{notice}</Notice>}
      {error !== null && <ErrorNotice error={error} />}
      {view.tasks.length === 0 ? (
        <p className="muted" data-testid="systems-none">
          {view.mapped_systems === 0 ? t('systems.noneMapped') : t('systems.noTasks')}
        </p>
      ) : (
        <ul className="system-tasks">
          {view.tasks.map((task) => (
            <li key={task.id} className="system-task" data-testid="system-task" data-system={task.system_code} data-state={task.state}>
              <div className="system-task-head">
                <strong>{task.system_name}</strong> <span className="muted">{taskActionLabels[task.action][i18n.lang]}</span>{' '}
                <Badge tone={tone[task.state]}>
                  <span data-testid="system-task-state">{stateText(i18n, task)}</span>
                </Badge>
              </div>
              {task.tables.length > 0 && (
                <table className="table table-dense" data-testid="system-task-tables">
                  <thead>
                    <tr>
                      <th scope="col">{t('systems.table')}</th>
                      <th scope="col">{t('systems.action')}</th>
                      <th scope="col">{t('systems.rows')}</th>
                      <th scope="col">{t('systems.columns')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {task.tables.map((tb) => (
                      <tr key={`${tb.table}-${tb.action}`}>
                        <td>{tb.table}</td>
                        <td>{tb.action === 'delete' ? t('systems.delete') : t('systems.update')}</td>
                        <td>{tb.rows < 0 ? t('systems.unknownRows') : i18n.number(tb.rows)}</td>
                        <td>{tb.columns.join(', ') || '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {task.kept.length > 0 && (
                <div className="system-task-kept" data-testid="system-task-kept">
                  <p className="subheading">{t('systems.kept')}</p>
                  <ul>
                    {task.kept.map((k) => (
                      <li key={`${k.table}.${k.column}`}>
                        {k.table}.{k.column}（{t('systems.rowsN', { n: k.rows })}）: {eraseActionLabels.keep[i18n.lang]} — {k.rule}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              <p className="muted">
                {task.state === 'done' && task.action !== 'disclose' && task.action !== 'stop'
                  ? t('systems.changed', { n: task.changed })
                  : task.action === 'stop'
                    ? t('systems.stopNote')
                    : task.rows > 0
                      ? t('systems.planned', { n: task.rows })
                      : task.rows < 0
                        ? t('systems.plannedUnknown')
                        : ''}
                {task.attempts > 0 && ` ${t('systems.attempts', { n: task.attempts, max: task.max_attempts })}`}
              </p>
              {task.error && (
                <Notice tone={task.state === 'dead' ? 'error' : 'warning'}>
                  <span data-testid="system-task-error">{i18n.lang === 'en' ? task.error.message_en : task.error.message_ja}</span>
                  {task.state === 'failed' && task.next_at && <> {t('systems.retryAt', { at: i18n.dateTime(task.next_at) })}</>}
                </Notice>
              )}
              {can.decideRequests && open && (task.state === 'dead' || task.state === 'failed') && (
                <div className="form-actions">
                  <Button
                    small
                    busy={busy === task.id}
                    data-testid="system-task-resume"
                    onClick={() => void act(task.id, () => api.post(`/system-tasks/${task.id}/resume`, {}), t('systems.resumed'))}
                  >
                    {t('systems.resume')}
                  </Button>
                  {setAside === task.id ? (
                    <>
                      <span>{t('systems.cancelConfirm')}</span>
                      <Button
                        small
                        variant="danger"
                        busy={busy === `cancel-${task.id}`}
                        data-testid="system-task-cancel-confirm"
                        onClick={() =>
                          void act(
                            `cancel-${task.id}`,
                            () => api.post(`/system-tasks/${task.id}/cancel`, {}),
                            t('systems.cancelled'),
                          ).finally(() => setSetAside(null))
                        }
                      >
                        {t('systems.cancel')}
                      </Button>
                      <Button small onClick={() => setSetAside(null)}>
                        {t('request.confirm.cancel')}
                      </Button>
                    </>
                  ) : (
                    <Button small variant="ghost" data-testid="system-task-cancel" onClick={() => setSetAside(task.id)}>
                      {t('systems.cancel')}
                    </Button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <div className="form-actions">
          {can.handleRequests && (
            <Button
              busy={busy === 'plan'}
              data-testid="systems-plan"
              onClick={() =>
                void act(
                  'plan',
                  () => api.post<SystemTasksView>(`/requests/${encodeURIComponent(request.id)}/system-tasks/plan`, {}),
                  t('systems.planDone'),
                )
              }
            >
              {view.tasks.length === 0 ? t('systems.plan') : t('systems.replan')}
            </Button>
          )}
          {can.decideRequests && approvable.length > 0 && (
            <Button variant="primary" data-testid="systems-approve" onClick={() => setConfirming(true)}>
              {t('systems.approve')}
            </Button>
          )}
        </div>
      )}
      {confirming && (
        <ApproveDialog
          tasks={approvable}
          busy={busy === 'approve'}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            void act(
              'approve',
              () =>
                api.post<SystemTasksView>(`/requests/${encodeURIComponent(request.id)}/system-tasks/approve`, {
                  tasks: approvable.map((x) => ({ id: x.id, version: x.version })),
                }),
              t('systems.approved'),
            ).finally(() => setConfirming(false))
          }
        />
      )}
    </div>
  );
}

/** The confirmation restates, system by system, what will change and what is kept. */
function ApproveDialog({
  tasks,
  busy,
  onConfirm,
  onCancel,
}: {
  tasks: SystemTaskView[];
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="systems-confirm-title"
      data-testid="systems-confirm"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="systems-confirm-title" className="dialog-title">
        {t('systems.confirm.title')}
      </h2>
      <p>{t('systems.confirm.text')}</p>
      <ul>
        {tasks.map((task) => (
          <li key={task.id}>
            <strong>{task.system_name}</strong>:{' '}
            {task.tables
              .map(
                (tb) =>
                  `${tb.table} ${tb.action === 'delete' ? t('systems.delete') : t('systems.update')} ${t('systems.rowsN', { n: tb.rows })}`,
              )
              .join('、')}
            {task.kept.length > 0 && ` / ${t('systems.kept')}: ${task.kept.map((k) => `${k.table}.${k.column}`).join('、')}`}
          </li>
        ))}
      </ul>
      <Notice tone="warning">{t('systems.confirm.warning')}</Notice>
      <div className="form-actions">
        <Button onClick={onCancel}>{t('request.confirm.cancel')}</Button>
        <Button variant="primary" busy={busy} onClick={onConfirm} data-testid="systems-confirm-approve">
          {t('systems.approve')}
        </Button>
      </div>
    </dialog>
  );
}
