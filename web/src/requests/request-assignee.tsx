/**
 * 担当者: who handles the request. Shown to every reader; set or changed by staff who handle requests, from the
 * staff whose role handles them (GET /requests/assignees). The change is audited and named in the history; a
 * change someone else made meanwhile is reported as a conflict.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { Assignee } from '../../../src/contract/api.ts';
import { ApiError, api } from '../api/client.ts';
import { Button, ErrorNotice, Field } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { capabilities, useSession } from '../session.tsx';
import { openStates, type RequestView } from './request-model.ts';

export function RequestAssignee({
  request,
  onSaved,
  onConflict,
}: {
  request: RequestView;
  onSaved: (r: RequestView, message: string) => void;
  onConflict: (e: ApiError) => void;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const editable = capabilities(me).handleRequests && openStates.includes(request.state);
  const [assignees, setAssignees] = useState<Assignee[] | null>(null);
  const [chosen, setChosen] = useState(request.assignee_id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!editable) return;
    let live = true;
    api
      .get<{ assignees: Assignee[] }>('/requests/assignees')
      .then((r) => live && setAssignees(r.assignees))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [editable]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const next = await api.put<RequestView>(`/requests/${request.id}/assignee`, {
        assignee_id: chosen || null,
        version: request.version,
      });
      onSaved(next, next.assignee_name ? t('request.assignee.saved', { name: next.assignee_name }) : t('request.assignee.cleared'));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'request_version_conflict') onConflict(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="request-assignee">
      <div className="item-row">
        <dt>{t('request.assignee')}</dt>
        <dd className={request.assignee_name ? undefined : 'muted'} data-testid="assignee-name">
          {request.assignee_name ?? t('request.assignee.none')}
        </dd>
      </div>
      {editable && assignees && (
        <form onSubmit={submit} noValidate className="step-form step-form-inline" data-testid="assignee-form">
          <Field label={t('request.assignee.choose')}>
            {(p) => (
              <select {...p} name="assignee" value={chosen} onChange={(e) => setChosen(e.target.value)}>
                <option value="">{t('request.assignee.nobody')}</option>
                {assignees.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.display_name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Button type="submit" busy={busy} disabled={chosen === (request.assignee_id ?? '')}>
            {t('request.assignee.save')}
          </Button>
        </form>
      )}
      {error !== null && <ErrorNotice error={error} />}
    </div>
  );
}
