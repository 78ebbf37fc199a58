/**
 * The audit trail as a table, newest first, shared by the co-op trail and a member's trail. Each entry reads as
 * a sentence; its fields are one click away as a labelled list (詳細). Cells wrap: the table fits the page.
 */
import type { AuditEntry } from '../api/types.ts';
import { Badge } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { href, Link } from '../router.tsx';
import { useLabels } from '../session.tsx';
import {
  actionLabel,
  actorTypeLabel,
  auditNames,
  describeEntry,
  detailFields,
  errorCodeLabel,
  outcomeLabel,
  outcomeTone,
} from './audit-labels.ts';

export function AuditTable({ entries, showMember }: { entries: AuditEntry[]; showMember: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const labels = useLabels();
  const names = auditNames(i18n, labels);
  return (
    <div className="table-wrap">
      <table className="table table-dense audit-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col" className="col-narrow">
              #
            </th>
            <th scope="col" className="col-time">
              {t('audit.col.time')}
            </th>
            <th scope="col">{t('audit.col.actor')}</th>
            <th scope="col">{t('audit.col.action')}</th>
            <th scope="col">{t('audit.col.outcome')}</th>
            <th scope="col" className="col-purpose">
              {t('audit.col.purpose')}
            </th>
            {showMember && <th scope="col">{t('audit.col.member')}</th>}
            <th scope="col" className="col-detail">
              {t('audit.col.detail')}
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const fields = detailFields(i18n, names, e);
            return (
              <tr key={e.seq} data-testid="audit-row" data-action={e.action} data-outcome={e.outcome}>
                <td className="mono muted" title={`hash ${e.hash}`}>
                  {e.seq}
                </td>
                <td>{i18n.dateTime(e.ts)}</td>
                <td>
                  {e.actor_name ? (
                    <>
                      <span>{e.actor_name}</span>
                      <span className="sub">{e.actor_login}</span>
                    </>
                  ) : (
                    <>
                      <span className="muted">{actorTypeLabel(i18n, e.actor_type)}</span>
                      {e.actor_id && <span className="sub mono">{e.actor_id.slice(0, 8)}</span>}
                    </>
                  )}
                </td>
                <td>{actionLabel(i18n, e.action)}</td>
                <td>
                  <Badge tone={outcomeTone(e.outcome)}>{outcomeLabel(i18n, e.outcome)}</Badge>
                  {e.error_code && <span className="sub error-code">{errorCodeLabel(i18n, e.error_code)}</span>}
                </td>
                <td>{e.purpose_code ? labels.purposeTitle(e.purpose_code) : ''}</td>
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
                <td className="detail-cell" data-testid="audit-detail">
                  <span data-testid="audit-sentence">{describeEntry(i18n, names, e)}</span>
                  {fields.length > 0 && (
                    <details className="audit-fields">
                      <summary>{t('audit.detail.more')}</summary>
                      <dl>
                        {fields.map((f) => (
                          <div key={f.key}>
                            <dt>{f.label}</dt>
                            <dd>{f.value}</dd>
                          </div>
                        ))}
                      </dl>
                    </details>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
