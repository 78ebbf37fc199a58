/**
 * 連携システムの処理（要対応）: the list behind the home page's count — tasks in the connected systems that
 * stopped after their last try, failed and wait for a retry, or are stuck running (their worker died), each with
 * its request (linked: the officer resumes it there once the cause is fixed) and the reason in words.
 */
import { useEffect, useState } from 'react';
import type { SystemTaskView } from '../../../src/contract/api.ts';
import { taskActionLabels, taskStateLabels } from '../../../src/contract/connector-vocabulary.ts';
import { api } from '../api/client.ts';
import { Card, Empty, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';

type Row = SystemTaskView & { request_id: string; reference: string };

export function SystemTasksPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .get<{ tasks: Row[] }>('/system-tasks/attention')
      .then((r) => setRows(r.tasks))
      .catch(setError);
  }, []);
  return (
    <>
      <PageHeader title={t('systems.attention.title')} />
      <Card>
        <p className="card-lead">{t('systems.attention.lead')}</p>
        {error !== null && <ErrorNotice error={error} />}
        {!rows && error === null && <Loading />}
        {rows && rows.length === 0 && <Empty title={t('systems.attention.none')} />}
        {rows && rows.length > 0 && (
          <table className="table" data-testid="system-tasks-attention">
            <thead>
              <tr>
                <th scope="col">{t('systems.attention.request')}</th>
                <th scope="col">{t('systems.attention.system')}</th>
                <th scope="col">{t('systems.attention.state')}</th>
                <th scope="col">{t('systems.attention.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/requests/${r.request_id}`}>{r.reference}</Link>
                  </td>
                  <td>
                    {r.system_name}（{taskActionLabels[r.action][i18n.lang]}）
                  </td>
                  <td>{taskStateLabels[r.state][i18n.lang]}</td>
                  <td>{r.error ? (i18n.lang === 'en' ? r.error.message_en : r.error.message_ja) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
