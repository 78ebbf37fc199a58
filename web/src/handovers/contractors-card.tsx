/**
 * 委託先: the contractors of the policy in effect with their contract (expiry), their inspection clock (next due,
 * overdue) and what blocks a hand-over; one contractor opened shows its inspections and hand-over log, with the
 * forms to record an inspection, log a hand-over and make a hand-over file (the privacy officer only).
 */
import { useCallback, useEffect, useState } from 'react';
import type { ContractorDetail, ContractorView } from '../../../src/contract/api.ts';
import {
  contractClauseLabels,
  contractStateLabels,
  type HandoverMethod,
  handoverMethodLabels,
  handoverMethods,
  type InspectionResult,
  inspectionResultLabels,
  inspectionResults,
  inspectionStateLabels,
} from '../../../src/contract/handover-vocabulary.ts';
import { ApiError, api, downloadFile } from '../api/client.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Field, Loading, Notice } from '../components/ui.tsx';
import { refreshAttention } from '../home/attention.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useLabels, useSession } from '../session.tsx';

const inspectionTone = { ok: 'ok', due_soon: 'warn', overdue: 'bad', never: 'bad' } as const;
const contractTone = { valid: 'ok', open_ended: 'neutral', expired: 'bad' } as const;

/** The field issues of a refusal (an item named), in the reader's language. */
export function IssueList({ error }: { error: unknown }) {
  const { pick } = useI18n();
  if (!(error instanceof ApiError) || error.issues.length === 0) return null;
  return (
    <ul className="issue-list" data-testid="error-issues">
      {error.issues.map((i) => (
        <li key={`${i.field}-${i.message_en}`}>{pick(i.message_ja, i.message_en)}</li>
      ))}
    </ul>
  );
}

export function ContractorsCard({ canHandle }: { canHandle: boolean }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [list, setList] = useState<ContractorView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setList((await api.get<{ contractors: ContractorView[] }>('/contractors')).contractors);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <Card title={t('handovers.contractors.title')}>
      <p className="card-lead">{t('handovers.contractors.lead')}</p>
      {error !== null && <ErrorNotice error={error} />}
      {!list && !error && <Loading />}
      {list && list.length === 0 && <Empty title={t('handovers.contractors.none')} />}
      {list && list.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="contractors-table">
            <thead>
              <tr>
                <th scope="col">{t('handovers.col.contractor')}</th>
                <th scope="col">{t('handovers.col.contract')}</th>
                <th scope="col">{t('handovers.col.inspection')}</th>
                <th scope="col">{t('handovers.col.handovers')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.code} data-testid="contractor-row" data-code={c.code} data-inspection={c.inspection.state}>
                  <td>
                    {c.name}
                    <span className="sub">
                      <span className="mono">{c.code}</span> · {c.service}
                    </span>
                  </td>
                  <td>
                    <Badge tone={contractTone[c.contract.state]}>{contractStateLabels[c.contract.state][lang]}</Badge>
                    {c.contract.expires_on && (
                      <span className="sub">{t('handovers.expiresOn', { date: i18n.date(c.contract.expires_on) })}</span>
                    )}
                  </td>
                  <td>
                    <span data-testid="contractor-inspection">
                      <Badge tone={inspectionTone[c.inspection.state]}>{inspectionStateLabels[c.inspection.state][lang]}</Badge>
                    </span>
                    {c.inspection.next_due_on && (
                      <span className="sub">{t('handovers.nextDue', { date: i18n.date(c.inspection.next_due_on) })}</span>
                    )}
                  </td>
                  <td className="nowrap">
                    {i18n.number(c.handovers)}
                    {c.last_handover_on && <span className="sub">{i18n.date(c.last_handover_on)}</span>}
                  </td>
                  <td className="nowrap">
                    <Button small onClick={() => setOpen(open === c.code ? null : c.code)} data-testid="contractor-open">
                      {open === c.code ? t('handovers.close') : t('handovers.open')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <ContractorPanel key={open} code={open} canHandle={canHandle} onChanged={load} />}
    </Card>
  );
}

function ContractorPanel({ code, canHandle, onChanged }: { code: string; canHandle: boolean; onChanged: () => Promise<void> }) {
  const i18n = useI18n();
  const { t, lang, pick } = i18n;
  const labels = useLabels();
  const { purposes } = useSession();
  const [detail, setDetail] = useState<ContractorDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [inspection, setInspection] = useState({
    inspector: '',
    result: 'satisfactory' as InspectionResult,
    findings: '',
    inspected_on: '',
  });
  const [handover, setHandover] = useState({ items: [] as string[], record_count: '', method: 'sftp' as HandoverMethod, note: '' });
  const [filePurpose, setFilePurpose] = useState('');

  const load = useCallback(async () => {
    try {
      const d = await api.get<ContractorDetail>(`/contractors/${encodeURIComponent(code)}`);
      setDetail(d);
      setHandover((h) => (h.items.length ? h : { ...h, items: d.contractor.items.map((i) => i.code) }));
    } catch (err) {
      setError(err);
    }
  }, [code]);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (what: () => Promise<void>, message: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await what();
      setDone(message);
      await Promise.all([load(), onChanged()]);
      refreshAttention();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!detail) return error ? <ErrorNotice error={error} /> : <Loading />;
  const c = detail.contractor;
  const base = `/contractors/${encodeURIComponent(code)}`;
  return (
    <section className="subpanel" data-testid="contractor-panel" data-code={code}>
      <h3>{c.name}</h3>
      <dl className="facts">
        <dt>{t('handovers.items')}</dt>
        <dd>{i18n.list(c.items.map((i) => i.name)) || '—'}</dd>
        <dt>{t('handovers.lastInspection')}</dt>
        <dd>
          {c.inspection.last_on ? i18n.date(c.inspection.last_on) : '—'}
          {c.inspection.last_source && ` (${t(`handovers.source.${c.inspection.last_source}`)})`}
          {' · '}
          {t('handovers.interval', { n: c.inspection.interval_months })}
        </dd>
        <dt>{t('handovers.clausesMissing')}</dt>
        <dd>
          {c.contract.clauses_missing.length
            ? i18n.list(c.contract.clauses_missing.map((k) => contractClauseLabels[k][lang]))
            : t('handovers.none')}
        </dd>
      </dl>
      {c.blocks.length > 0 && (
        <Notice tone="warning" title={t('handovers.blocked')} testId="contractor-blocks">
          <ul>
            {c.blocks.map((b) => (
              <li key={b.code}>
                {pick(b.message_ja, b.message_en)} <span className="mono">[{b.code}]</span>
              </li>
            ))}
          </ul>
        </Notice>
      )}
      {done && (
        <Notice tone="success" testId="handover-done">
          {done}
        </Notice>
      )}
      {error !== null && (
        <>
          <ErrorNotice error={error} testId="handover-error" />
          <IssueList error={error} />
        </>
      )}
      {canHandle && (
        <div className="form-grid">
          <form
            className="form-section"
            data-testid="inspection-form"
            onSubmit={(e) => {
              e.preventDefault();
              void act(async () => {
                await api.post(`${base}/inspections`, {
                  inspector: inspection.inspector,
                  result: inspection.result,
                  ...(inspection.findings ? { findings: inspection.findings } : {}),
                  ...(inspection.inspected_on ? { inspected_on: inspection.inspected_on } : {}),
                });
              }, t('handovers.inspectionDone'));
            }}
          >
            <h4>{t('handovers.recordInspection')}</h4>
            <Field label={t('handovers.inspectedOn')} hint={t('handovers.todayIfEmpty')}>
              {(p) => (
                <input
                  {...p}
                  type="date"
                  value={inspection.inspected_on}
                  onChange={(e) => setInspection({ ...inspection, inspected_on: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('handovers.inspector')} required>
              {(p) => (
                <input
                  {...p}
                  required
                  value={inspection.inspector}
                  onChange={(e) => setInspection({ ...inspection, inspector: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('handovers.result')}>
              {(p) => (
                <select
                  {...p}
                  value={inspection.result}
                  onChange={(e) => setInspection({ ...inspection, result: e.target.value as InspectionResult })}
                >
                  {inspectionResults.map((r) => (
                    <option key={r} value={r}>
                      {inspectionResultLabels[r][lang]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('handovers.findings')}>
              {(p) => (
                <textarea
                  {...p}
                  rows={2}
                  value={inspection.findings}
                  onChange={(e) => setInspection({ ...inspection, findings: e.target.value })}
                />
              )}
            </Field>
            <Button type="submit" variant="primary" busy={busy} data-testid="inspection-submit">
              {t('handovers.recordInspection')}
            </Button>
          </form>
          <form
            className="form-section"
            data-testid="handover-form"
            onSubmit={(e) => {
              e.preventDefault();
              void act(async () => {
                await api.post(`${base}/handovers`, {
                  items: handover.items,
                  record_count: Number(handover.record_count || 0),
                  method: handover.method,
                  ...(handover.note ? { note: handover.note } : {}),
                });
              }, t('handovers.handoverDone'));
            }}
          >
            <h4>{t('handovers.recordHandover')}</h4>
            <fieldset className="checks">
              <legend>{t('handovers.items')}</legend>
              {c.items.map((i) => (
                <label key={i.code} className="check">
                  <input
                    type="checkbox"
                    checked={handover.items.includes(i.code)}
                    onChange={(e) =>
                      setHandover({
                        ...handover,
                        items: e.target.checked ? [...handover.items, i.code] : handover.items.filter((x) => x !== i.code),
                      })
                    }
                  />{' '}
                  {i.name}
                </label>
              ))}
            </fieldset>
            <Field label={t('handovers.recordCount')} required>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={0}
                  required
                  value={handover.record_count}
                  onChange={(e) => setHandover({ ...handover, record_count: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('handovers.method')}>
              {(p) => (
                <select
                  {...p}
                  value={handover.method}
                  onChange={(e) => setHandover({ ...handover, method: e.target.value as HandoverMethod })}
                >
                  {handoverMethods.map((m) => (
                    <option key={m} value={m}>
                      {handoverMethodLabels[m][lang]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('handovers.note')}>
              {(p) => <input {...p} value={handover.note} onChange={(e) => setHandover({ ...handover, note: e.target.value })} />}
            </Field>
            <Button type="submit" variant="primary" busy={busy} data-testid="handover-submit">
              {t('handovers.recordHandover')}
            </Button>
            <hr />
            <Field label={t('handovers.filePurpose')} hint={t('handovers.fileHint')}>
              {(p) => (
                <select {...p} value={filePurpose} onChange={(e) => setFilePurpose(e.target.value)} data-testid="handover-file-purpose">
                  <option value="">—</option>
                  {purposes.map((x) => (
                    <option key={x.code} value={x.code}>
                      {labels.purposeTitle(x.code)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Button
              disabled={!filePurpose}
              busy={busy}
              data-testid="handover-file"
              onClick={() =>
                void act(
                  () =>
                    downloadFile(`${base}/handover-file`, `handover-${code}.csv`, {
                      body: {
                        purpose: filePurpose,
                        items: handover.items,
                        method: handover.method,
                        ...(handover.note ? { note: handover.note } : {}),
                      },
                    }),
                  t('handovers.fileDone'),
                )
              }
            >
              {t('handovers.makeFile')}
            </Button>
          </form>
        </div>
      )}
      <h4>{t('handovers.log')}</h4>
      {detail.handovers.length === 0 ? (
        <p className="sub">{t('handovers.noLog')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="handover-log">
            <thead>
              <tr>
                <th scope="col">{t('handovers.col.date')}</th>
                <th scope="col">{t('handovers.items')}</th>
                <th scope="col">{t('handovers.recordCount')}</th>
                <th scope="col">{t('handovers.method')}</th>
                <th scope="col">{t('handovers.col.by')}</th>
                <th scope="col">{t('handovers.note')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.handovers.map((h) => (
                <tr key={h.id} data-testid="handover-row">
                  <td className="nowrap">{i18n.date(h.handed_over_on)}</td>
                  <td>{i18n.list(h.items.map((x) => labels.item(x)))}</td>
                  <td className="nowrap">{i18n.number(h.record_count)}</td>
                  <td>
                    {handoverMethodLabels[h.method as HandoverMethod]?.[lang] ?? h.method}
                    {h.file_sha256 && <span className="sub mono">{t('handovers.madeByMamori', { sha: h.file_sha256.slice(0, 12) })}</span>}
                  </td>
                  <td>{h.recorded_by_name}</td>
                  <td>{h.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h4>{t('handovers.inspections')}</h4>
      {detail.inspections.length === 0 ? (
        <p className="sub">{t('handovers.noInspections')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="inspection-log">
            <thead>
              <tr>
                <th scope="col">{t('handovers.inspectedOn')}</th>
                <th scope="col">{t('handovers.inspector')}</th>
                <th scope="col">{t('handovers.result')}</th>
                <th scope="col">{t('handovers.findings')}</th>
                <th scope="col">{t('handovers.col.nextDue')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.inspections.map((x) => (
                <tr key={x.id}>
                  <td className="nowrap">{i18n.date(x.inspected_on)}</td>
                  <td>{x.inspector}</td>
                  <td>{inspectionResultLabels[x.result as InspectionResult]?.[lang] ?? x.result}</td>
                  <td>{x.findings}</td>
                  <td className="nowrap">{i18n.date(x.next_due_on)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
