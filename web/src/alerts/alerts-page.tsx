/**
 * Alerts on unusual access (bulk reads, reads outside working hours, reads of withdrawn members): the
 * privacy officer reviews each one and acknowledges it; internal auditors see them read-only.
 */
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Alert } from '../api/types.ts';
import { alertKindLabel } from '../audit/audit-labels.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { refreshAttention } from '../home/attention.tsx';
import { type I18n, useI18n } from '../i18n/i18n.tsx';
import { href, Link } from '../router.tsx';
import { capabilities, useSession } from '../session.tsx';
import { AlertSettingsCard } from './alert-settings.tsx';

type Status = 'open' | 'acknowledged';

function describeAlert(i18n: I18n, a: Alert): string {
  const d = a.detail;
  if (a.kind === 'bulk_reads') return i18n.t('alert.detail.bulk', { n: Number(d.reads ?? 0), limit: Number(d.limit ?? 0) });
  if (a.kind === 'bulk_listing') return i18n.t('alert.detail.bulkListing', { n: Number(d.reads ?? 0), limit: Number(d.limit ?? 0) });
  if (a.kind === 'withdrawn_member' && d.listed === true) return i18n.t('alert.detail.withdrawnListed');
  if (a.kind === 'off_hours') return i18n.t('alert.detail.offHours', { start: String(d.work_start ?? ''), end: String(d.work_end ?? '') });
  if (a.kind === 'withdrawn_member') return i18n.t('alert.detail.withdrawn');
  if (a.kind === 'my_number_found')
    return i18n.t('alert.detail.myNumberFound', {
      system: String(d.system_name ?? d.system ?? ''),
      table: String(d.table ?? ''),
      column: String(d.column ?? ''),
    });
  return '';
}

const kindTone = { bulk_reads: 'bad', bulk_listing: 'bad', off_hours: 'info', withdrawn_member: 'warn', my_number_found: 'bad' } as const;

export function AlertsPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useSession();
  const can = capabilities(me);
  const [status, setStatus] = useState<Status>('open');
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  // The list shows the newest 200; `more` says there are older ones (the menu's badge counts them all).
  const [more, setMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [done, setDone] = useState<{ kind?: Alert['kind']; count: number; skipped: number } | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [note, setNote] = useState('');

  const load = useCallback(async (s: Status) => {
    setError(null);
    setAlerts(null);
    setSelected(new Set());
    try {
      const r = await api.get<{ alerts: Alert[]; more?: boolean }>('/alerts', { status: s });
      setAlerts(r.alerts);
      setMore(r.more === true);
    } catch (err) {
      setError(err);
    }
  }, []);

  useEffect(() => {
    void load(status);
  }, [load, status]);

  /** Closes the given alerts (one, or the selection) with the note, and drops them from the open list. */
  const acknowledge = async (ids: readonly string[], key: string) => {
    setBusy(key);
    setError(null);
    setDone(null);
    try {
      const r = await api.post<{ acknowledged: string[]; skipped: string[] }>('/alerts/acknowledge', {
        ids,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      const gone = new Set([...r.acknowledged, ...r.skipped]);
      const first = (alerts ?? []).find((x) => x.id === r.acknowledged[0]);
      setDone({ kind: r.acknowledged.length === 1 ? first?.kind : undefined, count: r.acknowledged.length, skipped: r.skipped.length });
      const rest = (alerts ?? []).filter((x) => !gone.has(x.id));
      setAlerts(rest);
      setSelected(new Set());
      setNote('');
      refreshAttention();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const selectable = status === 'open' && can.acknowledgeAlerts;
  const allSelected = alerts !== null && alerts.length > 0 && alerts.every((a) => selected.has(a.id));
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <PageHeader title={t('alerts.title')} description={t('alerts.lead')} />
      <div className="tabs" role="tablist" aria-label={t('alerts.status')}>
        {(['open', 'acknowledged'] as const).map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={status === s}
            className={`tab${status === s ? ' tab-active' : ''}`}
            onClick={() => {
              setDone(null);
              setStatus(s);
            }}
          >
            {t(s === 'open' ? 'alerts.tab.open' : 'alerts.tab.acknowledged')}
          </button>
        ))}
      </div>
      {done && (
        <Notice tone="success" testId="ack-done">
          {done.kind
            ? t('alerts.acknowledged', { kind: alertKindLabel(i18n, done.kind) })
            : t('alerts.acknowledgedMany', { n: done.count })}
          {done.skipped > 0 && ` ${t('alerts.skipped', { n: done.skipped })}`}
        </Notice>
      )}
      {!can.acknowledgeAlerts && status === 'open' && <Notice tone="info">{t('alerts.readOnly')}</Notice>}
      {more && alerts && (
        <Notice tone="info" testId="alerts-more">
          {t(status === 'open' ? 'alerts.more.open' : 'alerts.more.acknowledged', { n: alerts.length })}
        </Notice>
      )}
      {error !== null && <ErrorNotice error={error} />}
      <Card>
        {!alerts && !error && <Loading />}
        {alerts &&
          (alerts.length === 0 ? (
            <Empty title={t(status === 'open' ? 'alerts.none.open' : 'alerts.none.acknowledged')}>
              {status === 'open' ? t('alerts.none.openHelp') : null}
            </Empty>
          ) : (
            <div className="table-wrap">
              {selectable && (
                <div className="alert-ack-bar" data-testid="alert-ack-bar">
                  <label className="field-label" htmlFor="alert-ack-note">
                    {t('alerts.note')}
                  </label>
                  <input
                    id="alert-ack-note"
                    className="alert-ack-note"
                    maxLength={1000}
                    value={note}
                    placeholder={t('alerts.notePlaceholder')}
                    onChange={(e) => setNote(e.target.value)}
                  />
                  <Button
                    variant="primary"
                    disabled={selected.size === 0}
                    busy={busy === 'selection'}
                    onClick={() => void acknowledge([...selected], 'selection')}
                    data-testid="ack-selected"
                  >
                    {t('alerts.acknowledgeSelected', { n: selected.size })}
                  </Button>
                </div>
              )}
              <table className="table" data-testid="alerts-table">
                <thead>
                  <tr>
                    {selectable && (
                      <th scope="col" className="check-col">
                        <input
                          type="checkbox"
                          aria-label={t('alerts.selectAll')}
                          checked={allSelected}
                          onChange={() => setSelected(allSelected ? new Set() : new Set(alerts.map((a) => a.id)))}
                        />
                      </th>
                    )}
                    <th scope="col">{t('alerts.col.kind')}</th>
                    <th scope="col">{t('alerts.col.time')}</th>
                    <th scope="col">{t('alerts.col.actor')}</th>
                    <th scope="col">{t('alerts.col.member')}</th>
                    <th scope="col">{t('alerts.col.detail')}</th>
                    <th scope="col">
                      {status === 'open' ? <span className="visually-hidden">{t('common.actions')}</span> : t('alerts.col.ackAt')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {alerts.map((a) => (
                    <tr key={a.id} data-testid="alert-row" data-kind={a.kind} data-member={a.member_code ?? ''}>
                      {selectable && (
                        <td className="check-col">
                          <input
                            type="checkbox"
                            aria-label={t('alerts.select', { kind: alertKindLabel(i18n, a.kind), time: i18n.dateTime(a.created_at) })}
                            checked={selected.has(a.id)}
                            onChange={() => toggle(a.id)}
                          />
                        </td>
                      )}
                      <td>
                        <Badge tone={kindTone[a.kind] ?? 'neutral'}>{alertKindLabel(i18n, a.kind)}</Badge>
                      </td>
                      <td className="nowrap">{i18n.dateTime(a.created_at)}</td>
                      <td>
                        {a.actor_name ?? ''}
                        {a.actor_login && <span className="sub">{a.actor_login}</span>}
                      </td>
                      <td className="mono">
                        {a.member_id ? (
                          <Link to={href(`/members/${a.member_id}/audit`, { code: a.member_code })}>
                            {a.member_code ?? a.member_id.slice(0, 8)}
                          </Link>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>
                        {describeAlert(i18n, a)}
                        {a.audit_seq !== null && <span className="sub">{t('alerts.auditEntry', { seq: a.audit_seq })}</span>}
                      </td>
                      <td className="nowrap">
                        {status === 'open'
                          ? can.acknowledgeAlerts && (
                              <Button small variant="primary" busy={busy === a.id} onClick={() => void acknowledge([a.id], a.id)}>
                                {t('alerts.acknowledge')}
                              </Button>
                            )
                          : a.acknowledged_at && (
                              <>
                                {i18n.dateTime(a.acknowledged_at)}
                                {a.acknowledged_by_name && <span className="sub">{a.acknowledged_by_name}</span>}
                                {a.acknowledged_note && (
                                  // A labelled note (「確認の記録」, as where it was typed), not loose text under the name.
                                  <span className="ack-note" role="note" aria-labelledby={`ack-note-${a.id}`}>
                                    <span className="ack-note-label" id={`ack-note-${a.id}`}>
                                      {t('alerts.noteLabel')}
                                    </span>
                                    <span data-testid="ack-note">{a.acknowledged_note}</span>
                                  </span>
                                )}
                              </>
                            )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </Card>
      <AlertSettingsCard editable={can.acknowledgeAlerts} />
    </>
  );
}
