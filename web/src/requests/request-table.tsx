/** Requests as a table: the privacy office's list and a member's history share it. Overdue rows stand out. */
import { Badge } from '../components/ui.tsx';
import { daysLeftText } from '../home/attention-panel.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { japanDateOf, openStates, type RequestView, requestLabels, stateTone } from './request-model.ts';

export function RequestTable({ requests, showMember = true }: { requests: RequestView[]; showMember?: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const label = requestLabels(i18n);
  return (
    <div className="table-wrap">
      <table className="table table-hover" data-testid="requests-table">
        <thead>
          <tr>
            <th scope="col">{t('requests.col.reference')}</th>
            <th scope="col">{t('requests.col.kind')}</th>
            {showMember && <th scope="col">{t('requests.col.member')}</th>}
            <th scope="col">{t('requests.col.received')}</th>
            <th scope="col">{t('requests.col.due')}</th>
            <th scope="col">{t('requests.col.state')}</th>
            {showMember && <th scope="col">{t('requests.col.assignee')}</th>}
            <th scope="col">{t('requests.col.channel')}</th>
            <th scope="col">{t('requests.col.requester')}</th>
          </tr>
        </thead>
        <tbody>
          {requests.map((r) => (
            <tr
              key={r.id}
              className={r.overdue ? 'row-overdue' : undefined}
              data-testid="request-row"
              data-reference={r.reference}
              data-state={r.state}
              data-overdue={r.overdue ? 'true' : undefined}
            >
              <td className="mono nowrap">
                <Link to={`/requests/${r.id}`}>{r.reference}</Link>
              </td>
              <td>{label.kind(r.kind)}</td>
              {showMember && (
                <td>
                  <span className="mono">{r.member_code}</span>
                  <span className="sub">{r.member_name}</span>
                </td>
              )}
              <td className="nowrap">{i18n.date(japanDateOf(r.received_at))}</td>
              <td className="nowrap" data-testid="request-due">
                {i18n.date(r.due_on)}
                {r.overdue && (
                  <>
                    {' '}
                    <Badge tone="bad">{t('requests.overdue')}</Badge>
                  </>
                )}
                {openStates.includes(r.state) && <span className="sub">{daysLeftText(i18n, r.days_left)}</span>}
              </td>
              <td>
                <Badge tone={stateTone[r.state]}>{label.state(r.state)}</Badge>
              </td>
              {showMember && (
                <td data-testid="request-assignee">{r.assignee_name ?? <span className="muted">{t('request.assignee.none')}</span>}</td>
              )}
              <td className="nowrap">{label.channel(r.channel)}</td>
              <td>
                {label.requester(r.requester)}
                {r.agent_name && <span className="sub">{r.agent_name}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
