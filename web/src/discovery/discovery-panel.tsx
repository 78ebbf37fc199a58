/**
 * 検出 (discovery) of a connected system: the officer (or the administrator) runs a scan, sees per table which
 * column was found to hold which data item, with the confidence and the reasons in words, and confirms or
 * rejects them (checkboxes and one button). Confirmed columns join the policy draft's dataset map. A My Number
 * column is shown in red: it was never copied into mamori, and an alert was raised. A panel of its own, so the
 * systems register's screen can show it under the system, and /systems/:code/discovery shows it alone.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DecideResult, DiscoveryProposalView, DiscoveryRunView } from '../../../src/contract/api.ts';
import { discoveryRoleRules } from '../../../src/contract/discovery-vocabulary.ts';
import { ApiError, api } from '../api/client.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Loading, Notice } from '../components/ui.tsx';
import { refreshAttention } from '../home/attention.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';

type Listing = { run: DiscoveryRunView | null; proposals: DiscoveryProposalView[] };

const decisionTone = { pending: 'neutral', confirmed: 'ok', rejected: 'warn' } as const;

export function DiscoveryPanel({ code }: { code: string }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { me } = useSession();
  const may = discoveryRoleRules[me.role.kind];
  const base = `/systems/${encodeURIComponent(code)}/discovery`;
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'run' | 'confirmed' | 'rejected' | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [done, setDone] = useState<DecideResult | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setListing(await api.get<Listing>(`${base}/proposals`));
    } catch (err) {
      setError(err);
    }
  }, [base]);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async () => {
    setBusy('run');
    setError(null);
    setDone(null);
    try {
      setListing(await api.post<Listing>(base));
      setSelected(new Set());
      refreshAttention();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const decide = async (decision: 'confirmed' | 'rejected') => {
    setBusy(decision);
    setError(null);
    setDone(null);
    try {
      const r = await api.post<DecideResult>(`${base}/decisions`, { ids: [...selected], decision });
      setDone(r);
      setSelected(new Set());
      setListing(await api.get<Listing>(`${base}/proposals`, listing?.run ? { run: listing.run.id } : undefined));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const proposals = listing?.proposals ?? [];
  const tables = [...new Set(proposals.map((p) => p.table))];
  const myNumbers = proposals.filter((p) => p.kind === 'my_number');
  const pending = proposals.filter((p) => p.decision === 'pending');
  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const runInfo = listing?.run;

  return (
    <Card
      title={t('discovery.title')}
      actions={
        may.run && (
          <Button variant="primary" busy={busy === 'run'} onClick={() => void run()} data-testid="discovery-run">
            {t(runInfo ? 'discovery.runAgain' : 'discovery.run')}
          </Button>
        )
      }
    >
      <div data-testid="discovery-panel">
        <p className="muted">{t('discovery.lead')}</p>
        {error !== null && <ErrorNotice error={error} />}
        {error instanceof ApiError && error.issues.length > 0 && (
          <ul className="discovery-issues" data-testid="discovery-issues">
            {error.issues.map((i) => (
              <li key={`${i.field}-${i.code}`}>
                <code>{i.field}</code> {pick(i.message_ja, i.message_en)}
              </li>
            ))}
          </ul>
        )}
        {!listing && error === null && <Loading />}
        {listing && !runInfo && <Empty title={t('discovery.none')}>{may.run ? t('discovery.noneHelp') : null}</Empty>}
        {runInfo && (
          <p className="discovery-run-summary" data-testid="discovery-summary" data-status={runInfo.status}>
            {t(`discovery.status.${runInfo.status}`)} · {i18n.dateTime(runInfo.finished_at ?? runInfo.started_at)}
            {runInfo.started_by_name && ` · ${runInfo.started_by_name}`}
            {runInfo.status === 'done' &&
              ` · ${t('discovery.counts', { tables: runInfo.tables, columns: runInfo.columns, proposals: runInfo.proposals })}`}
          </p>
        )}
        {runInfo?.error && (
          <Notice tone="error" title={pick(runInfo.error.message_ja, runInfo.error.message_en)} testId="discovery-failed">
            <p className="notice-code">
              {t('error.code')}: <code>{runInfo.error.code}</code>
            </p>
            <p>{t('discovery.failedHelp')}</p>
          </Notice>
        )}
        {myNumbers.length > 0 && (
          <Notice tone="error" title={t('discovery.myNumber.title')} testId="my-number-warning">
            <p>{t('discovery.myNumber.text', { columns: i18n.list(myNumbers.map((p) => `${p.table}.${p.column}`)) })}</p>
            <p>
              <Link to="/alerts">{t('discovery.myNumber.alerts')}</Link>
            </p>
          </Notice>
        )}
        {done && (
          <Notice tone="success" testId="discovery-decided">
            {done.decided.length > 0 && done.decided[0]?.decision === 'confirmed'
              ? t('discovery.confirmedMany', { n: done.decided.length })
              : t('discovery.rejectedMany', { n: done.decided.length })}
            {done.skipped.length > 0 && ` ${t('discovery.skipped', { n: done.skipped.length })}`}
            {done.draft_revision !== null && (
              <>
                {' '}
                <Link to="/policy">{t('discovery.openDraft')}</Link>
              </>
            )}
          </Notice>
        )}
        {runInfo && runInfo.status === 'done' && proposals.length === 0 && <Empty title={t('discovery.noProposals')} />}
        {proposals.length > 0 && (
          <>
            {may.decide && pending.length > 0 && (
              <div className="discovery-bar" data-testid="discovery-bar">
                <span>{t('discovery.selected', { n: selected.size })}</span>
                <Button
                  variant="primary"
                  disabled={selected.size === 0}
                  busy={busy === 'confirmed'}
                  onClick={() => void decide('confirmed')}
                  data-testid="discovery-confirm"
                >
                  {t('discovery.confirm')}
                </Button>
                <Button
                  disabled={selected.size === 0}
                  busy={busy === 'rejected'}
                  onClick={() => void decide('rejected')}
                  data-testid="discovery-reject"
                >
                  {t('discovery.reject')}
                </Button>
              </div>
            )}
            {tables.map((table) => (
              <section key={table} className="discovery-table" data-testid="discovery-table" data-table={table}>
                <h3 className="discovery-table-name">
                  {t('discovery.table')} <code>{table}</code>
                </h3>
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        {may.decide && (
                          <th scope="col" className="check-col">
                            <TableSelectAll
                              label={t('discovery.selectTable', { table })}
                              ids={proposals.filter((p) => p.table === table && p.decision === 'pending').map((p) => p.id)}
                              selected={selected}
                              onChange={setSelected}
                            />
                          </th>
                        )}
                        <th scope="col">{t('discovery.col.column')}</th>
                        <th scope="col">{t('discovery.col.kind')}</th>
                        <th scope="col">{t('discovery.col.confidence')}</th>
                        <th scope="col">{t('discovery.col.reasons')}</th>
                        <th scope="col">{t('discovery.col.decision')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {proposals
                        .filter((p) => p.table === table)
                        .map((p) => (
                          <tr
                            key={p.id}
                            data-testid="proposal-row"
                            data-column={`${p.table}.${p.column}`}
                            data-kind={p.kind}
                            className={p.kind === 'my_number' ? 'discovery-my-number' : undefined}
                          >
                            {may.decide && (
                              <td className="check-col">
                                {p.decision === 'pending' && (
                                  <input
                                    type="checkbox"
                                    aria-label={t('discovery.select', {
                                      column: `${p.table}.${p.column}`,
                                      kind: pick(p.kind_label.ja, p.kind_label.en),
                                    })}
                                    checked={selected.has(p.id)}
                                    onChange={() => toggle(p.id)}
                                  />
                                )}
                              </td>
                            )}
                            <td className="mono">{p.column}</td>
                            <td>
                              <Badge tone={p.kind === 'my_number' ? 'bad' : 'info'}>{pick(p.kind_label.ja, p.kind_label.en)}</Badge>
                              <span className="sub">{t('discovery.item', { item: p.item_code })}</span>
                            </td>
                            <td className="nowrap">{Math.round(p.confidence * 100)}%</td>
                            <td>
                              <ul className="discovery-reasons">
                                {p.reasons.map((r) => (
                                  <li key={r.en}>{pick(r.ja, r.en)}</li>
                                ))}
                              </ul>
                            </td>
                            <td>
                              <Badge tone={decisionTone[p.decision]}>{t(`discovery.decision.${p.decision}`)}</Badge>
                              {p.decided_by_name && <span className="sub">{p.decided_by_name}</span>}
                              {p.mapped_item && (
                                <span className="sub" data-testid="mapped-item">
                                  {t('discovery.mapped', { item: p.mapped_item })}
                                </span>
                              )}
                            </td>
                          </tr>
                        ))}
                    </tbody>
                  </table>
                </div>
              </section>
            ))}
          </>
        )}
      </div>
    </Card>
  );
}

/** Selects or clears a table's pending proposals at once. */
function TableSelectAll({
  label,
  ids,
  selected,
  onChange,
}: {
  label: string;
  ids: string[];
  selected: ReadonlySet<string>;
  onChange: (next: ReadonlySet<string>) => void;
}) {
  if (ids.length === 0) return null;
  const all = ids.every((id) => selected.has(id));
  return (
    <input
      type="checkbox"
      aria-label={label}
      checked={all}
      onChange={() => {
        const next = new Set(selected);
        for (const id of ids) {
          if (all) next.delete(id);
          else next.add(id);
        }
        onChange(next);
      }}
    />
  );
}
