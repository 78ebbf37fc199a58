/**
 * The co-op's audit trail for the privacy office and internal auditors: filters (member, staff, purpose,
 * action, outcome, period), newest-first paging, and verification of the hash chain.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { AuditPage as AuditPageData, StaffUser, VerifyResult } from '../api/types.ts';
import { ExportButtons } from '../components/export-buttons.tsx';
import { Button, Card, Empty, ErrorNotice, Field, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { actionLabel, auditActions, auditOutcomes, outcomeLabel } from './audit-labels.ts';
import { AuditTable } from './audit-table.tsx';
import { Pager } from './pager.tsx';
import { useAuditPages } from './use-audit-pages.ts';

interface Filters {
  member: string;
  actor: string;
  purpose: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
}

const emptyFilters: Filters = { member: '', actor: '', purpose: '', action: '', outcome: '', from: '', to: '' };
const PAGE_SIZE = 50;

/** A local calendar day as the UTC instant it starts at (the trail stores UTC). */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

export function AuditPage() {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { purposes } = useSession();
  const { query } = useLocation();
  const initial = { ...emptyFilters, member: query.get('member') ?? '' };
  const [draft, setDraft] = useState<Filters>(initial);
  const [applied, setApplied] = useState<Filters>(initial);
  const [dateError, setDateError] = useState<string | undefined>();
  const [users, setUsers] = useState<StaffUser[] | null>(null);
  const [verify, setVerify] = useState<{ result?: VerifyResult; error?: unknown; busy: boolean }>({ busy: false });

  useEffect(() => {
    api
      .get<{ users: StaffUser[] }>('/users')
      .then((r) => setUsers(r.users))
      .catch(() => setUsers(null));
  }, []);

  // The search and the export take the same filters.
  const filterQuery = {
    member: applied.member.trim(),
    actor: applied.actor.trim(),
    purpose: applied.purpose,
    action: applied.action,
    outcome: applied.outcome,
    from: dayStart(applied.from),
    to: dayStart(applied.to, 1),
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query follows `applied`
  const fetchPage = useCallback(
    (before: number | undefined) => api.get<AuditPageData>('/audit', { ...filterQuery, before, limit: PAGE_SIZE }),
    [applied],
  );
  const pages = useAuditPages(fetchPage, JSON.stringify(applied));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from && draft.to && draft.from > draft.to) {
      setDateError(t('audit.filter.dateOrder'));
      return;
    }
    setDateError(undefined);
    if (JSON.stringify(draft) === JSON.stringify(applied)) pages.refresh();
    else setApplied({ ...draft });
  };
  const clear = () => {
    setDraft(emptyFilters);
    setDateError(undefined);
    setApplied(emptyFilters);
  };
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  const runVerify = async () => {
    setVerify({ busy: true });
    try {
      setVerify({ busy: false, result: await api.post<VerifyResult>('/audit/verify') });
      pages.refresh();
    } catch (error) {
      setVerify({ busy: false, error });
    }
  };

  const entries = pages.page?.entries ?? [];
  const filtered = Object.values(applied).some(Boolean);

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        description={t('audit.lead')}
        actions={
          <Button variant="primary" onClick={() => void runVerify()} busy={verify.busy}>
            {t('audit.verify')}
          </Button>
        }
      />
      {verify.result?.ok && (
        <Notice tone="success" title={t('audit.verify.ok')} testId="verify-result">
          {t('audit.verify.okText', { n: i18n.number(verify.result.entries) })}
        </Notice>
      )}
      {verify.result && !verify.result.ok && (
        <Notice tone="error" title={t('audit.verify.bad')} testId="verify-result">
          {verify.result.firstBad
            ? pick(verify.result.firstBad.message_ja, verify.result.firstBad.message_en)
            : t('audit.verify.okText', { n: verify.result.entries })}
        </Notice>
      )}
      {verify.error !== undefined && <ErrorNotice error={verify.error} />}

      <Card title={t('audit.filter.title')}>
        <form className="filter-grid" onSubmit={submit} noValidate data-testid="audit-filters">
          <Field label={t('audit.filter.actor')}>
            {(p) =>
              users ? (
                <select {...p} name="actor" value={draft.actor} onChange={set('actor')}>
                  <option value="">{t('common.all')}</option>
                  {users.map((u) => (
                    <option key={u.id} value={u.login}>
                      {u.display_name}（{u.login}）
                    </option>
                  ))}
                </select>
              ) : (
                <input {...p} name="actor" value={draft.actor} onChange={set('actor')} placeholder={t('audit.filter.actorHint')} />
              )
            }
          </Field>
          <Field label={t('audit.filter.purpose')}>
            {(p) => (
              <select {...p} name="purpose" value={draft.purpose} onChange={set('purpose')}>
                <option value="">{t('common.all')}</option>
                {purposes.map((pp) => (
                  <option key={pp.code} value={pp.code}>
                    {pp.label} {pick(pp.name, pp.name_en)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('audit.filter.action')}>
            {(p) => (
              <select {...p} name="action" value={draft.action} onChange={set('action')}>
                <option value="">{t('common.all')}</option>
                {auditActions.map((a) => (
                  <option key={a} value={a}>
                    {actionLabel(i18n, a)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('audit.filter.outcome')}>
            {(p) => (
              <select {...p} name="outcome" value={draft.outcome} onChange={set('outcome')}>
                <option value="">{t('common.all')}</option>
                {auditOutcomes.map((o) => (
                  <option key={o} value={o}>
                    {outcomeLabel(i18n, o)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('audit.filter.from')} error={dateError}>
            {(p) => <input {...p} name="from" type="date" value={draft.from} onChange={set('from')} />}
          </Field>
          <Field label={t('audit.filter.to')}>{(p) => <input {...p} name="to" type="date" value={draft.to} onChange={set('to')} />}</Field>
          <Field label={t('audit.filter.member')} hint={t('audit.filter.memberHint')} className="span-2">
            {(p) => <input {...p} name="member" className="mono" value={draft.member} onChange={set('member')} />}
          </Field>
          <div className="filter-actions">
            <Button onClick={clear}>{t('audit.filter.clear')}</Button>
            <Button type="submit" variant="primary">
              {t('audit.filter.apply')}
            </Button>
          </div>
        </form>
      </Card>

      <Card
        title={t('audit.entries')}
        actions={
          <>
            {filtered && <span className="muted">{t('audit.filtered')}</span>}
            <ExportButtons path="/audit/export" query={filterQuery} fileName={t('audit.title')} testId="audit-export" />
          </>
        }
      >
        {pages.error !== null && <ErrorNotice error={pages.error} />}
        {pages.loading && !pages.page && <Loading />}
        {pages.page &&
          (entries.length === 0 ? (
            <Empty title={t('audit.none')}>{filtered ? t('audit.noneFiltered') : null}</Empty>
          ) : (
            <div className={pages.loading ? 'is-refreshing' : undefined}>
              <AuditTable entries={entries} showMember />
              <Pager
                pageNumber={pages.pageNumber}
                count={entries.length}
                hasNewer={pages.hasNewer}
                hasOlder={pages.hasOlder}
                onNewer={pages.newer}
                onOlder={pages.older}
              />
            </div>
          ))}
      </Card>
    </>
  );
}
