/** A member's audit trail: who read or changed the record, when, for which purpose, and what was decided. */
import { useCallback } from 'react';
import { api } from '../api/client.ts';
import type { AuditPage } from '../api/types.ts';
import { ExportButtons } from '../components/export-buttons.tsx';
import { Card, Empty, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { href, Link } from '../router.tsx';
import { capabilities, useSession } from '../session.tsx';
import { AuditTable } from './audit-table.tsx';
import { Pager } from './pager.tsx';
import { useAuditPages } from './use-audit-pages.ts';

export function MemberAuditPage({ memberId, memberCode }: { memberId: string; memberCode: string | null }) {
  const { t } = useI18n();
  const { me } = useSession();
  const can = capabilities(me);
  const fetchPage = useCallback(
    (before: number | undefined) => api.get<AuditPage>(`/members/${encodeURIComponent(memberId)}/audit`, { before }),
    [memberId],
  );
  const pages = useAuditPages(fetchPage, memberId);
  const entries = pages.page?.entries ?? [];
  const who = memberCode ? t('member.titleWithCode', { code: memberCode }) : t('memberAudit.memberId', { id: memberId.slice(0, 8) });

  return (
    <>
      <PageHeader
        crumbs={
          <>
            {can.audit ? <Link to="/audit">{t('nav.audit')}</Link> : <span>{t('nav.audit')}</span>}
            <span aria-hidden="true"> › </span>
            <span>{who}</span>
          </>
        }
        title={t('memberAudit.title', { who })}
        description={t('memberAudit.lead')}
        actions={
          can.audit && (
            <Link to={href('/audit', { member: memberId })} className="btn btn-secondary">
              {t('memberAudit.filterInTrail')}
            </Link>
          )
        }
      />
      <p className="muted mono small">ID: {memberId}</p>
      <Card
        title={t('audit.entries')}
        actions={<ExportButtons path="/audit/export" query={{ member: memberId }} fileName={t('audit.title')} testId="audit-export" />}
      >
        {pages.error !== null && <ErrorNotice error={pages.error} />}
        {pages.loading && !pages.page && <Loading />}
        {pages.page &&
          (entries.length === 0 ? (
            <Empty title={t('audit.none')} />
          ) : (
            <>
              <AuditTable entries={entries} showMember={false} />
              <Pager
                pageNumber={pages.pageNumber}
                count={entries.length}
                hasNewer={pages.hasNewer}
                hasOlder={pages.hasOlder}
                onNewer={pages.newer}
                onOlder={pages.older}
              />
            </>
          ))}
      </Card>
    </>
  );
}
