/** The audit trail as a table, newest first, shared by the co-op trail and a member's trail. */
import type { AuditEntry } from '../api/types.ts';
import { Badge } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { href, Link } from '../router.tsx';
import { useLabels } from '../session.tsx';
import { actionLabel, actorTypeLabel, describeEntry, errorCodeLabel, outcomeLabel, outcomeTone } from './audit-labels.ts';

export function AuditTable({ entries, showMember }: { entries: AuditEntry[]; showMember: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const labels = useLabels();
  return (
    <div className="table-wrap">
      <table className="table table-dense" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col" className="col-narrow">
              #
            </th>
            <th scope="col">{t('audit.col.time')}</th>
            <th scope="col">{t('audit.col.actor')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.outcome')}</th>
            <th scope="col">{t('audit.col.purpose')}</th>
            {showMember && <th scope="col">{t('audit.col.member')}</th>}
            <th scope="col">{t('audit.col.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.seq} data-testid="audit-row" data-action={e.action} data-outcome={e.outcome}>
              <td className="mono muted" title={`hash ${e.hash}`}>
                {e.seq}
              </td>
              <td className="nowrap">{i18n.dateTime(e.ts)}</td>
              <td className="nowrap">
                {e.actor_name ? (
                  <>
                    <span>{e.actor_name}</span>
                    <span className="sub">{e.actor_login}</span>
                  </>
                ) : (
                  <span className="muted">{actorTypeLabel(i18n, e.actor_type)}</span>
                )}
              </td>
              <td className="nowrap">{actionLabel(i18n, e.action)}</td>
              <td>
                <Badge tone={outcomeTone(e.outcome)}>{outcomeLabel(i18n, e.outcome)}</Badge>
                {e.error_code && <span className="sub error-code">{errorCodeLabel(i18n, e.error_code)}</span>}
              </td>
              <td>
                {e.purpose_code ? <span title={labels.purposeTitle(e.purpose_code)}>{labels.purposeTitle(e.purpose_code)}</span> : ''}
              </td>
              {showMember && (
                <td className="mono">
                  {e.member_id ? (
                    <Link to={href(`/members/${e.member_id}/audit`, { code: e.member_code })} title={e.member_id}>
                      {e.member_code ?? e.member_id.slice(0, 8)}
                    </Link>
                  ) : (
                    ''
                  )}
                </td>
              )}
              <td className="detail-cell">{describeEntry(i18n, labels.item, e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
