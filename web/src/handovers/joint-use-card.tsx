/**
 * 共同利用先への受け渡し: choose a joint use of the policy in effect and one of its purposes, the items it declares
 * for that purpose (all by default), preview who is covered and who is left out and why, then download the CSV
 * (the privacy officer only; the auditor previews).
 */
import { useCallback, useEffect, useState } from 'react';
import type { JointUseView, TransferPreview, TransferView } from '../../../src/contract/api.ts';
import { leftOutReasonLabels, leftOutReasons } from '../../../src/contract/handover-vocabulary.ts';
import { api, downloadFile } from '../api/client.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Field, Loading, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { IssueList } from './contractors-card.tsx';

export function JointUseCard({ canHandle }: { canHandle: boolean }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [uses, setUses] = useState<JointUseView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const [purpose, setPurpose] = useState('');
  const [items, setItems] = useState<string[]>([]);
  const [charset, setCharset] = useState<'utf-8' | 'shift_jis'>('utf-8');
  const [preview, setPreview] = useState<TransferPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [history, setHistory] = useState<TransferView[] | null>(null);

  useEffect(() => {
    api
      .get<{ joint_uses: JointUseView[] }>('/joint-uses')
      .then((r) => setUses(r.joint_uses))
      .catch(setError);
  }, []);

  // The transfers already made for the chosen joint use; read when it is chosen and again after each download.
  const loadHistory = useCallback(async (of: string) => {
    setHistory(null);
    if (of) setHistory((await api.get<{ transfers: TransferView[] }>(`/joint-uses/${encodeURIComponent(of)}/transfers`)).transfers);
  }, []);
  useEffect(() => {
    loadHistory(code).catch(setError);
  }, [code, loadHistory]);

  const use = uses?.find((u) => u.code === code);
  const declared = use?.purposes.find((p) => p.code === purpose);
  const choose = (next: { code?: string; purpose?: string }) => {
    const c = next.code ?? code;
    const p = next.purpose ?? (next.code !== undefined ? '' : purpose);
    setCode(c);
    setPurpose(p);
    setItems(
      uses
        ?.find((u) => u.code === c)
        ?.purposes.find((x) => x.code === p)
        ?.items.map((i) => i.code) ?? [],
    );
    setPreview(null);
    setDone(false);
    setError(null);
  };
  const body = () => ({ purpose, ...(declared && items.length !== declared.items.length ? { items } : {}) });

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('handovers.joint.title')}>
      <p className="card-lead">{t('handovers.joint.lead')}</p>
      {!uses && !error && <Loading />}
      {uses && uses.length === 0 && <Empty title={t('handovers.joint.none')} />}
      {uses && uses.length > 0 && (
        <div className="form-section" data-testid="transfer-form">
          <Field label={t('handovers.joint.use')}>
            {(p) => (
              <select {...p} value={code} onChange={(e) => choose({ code: e.target.value })} data-testid="transfer-joint-use">
                <option value="">—</option>
                {uses.map((u) => (
                  <option key={u.code} value={u.code}>
                    {u.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {use && (
            <p className="sub">
              <Badge tone={use.state === 'in_effect' ? 'ok' : 'bad'}>{t(`handovers.joint.state.${use.state}`)}</Badge>{' '}
              {t('handovers.joint.users', { users: i18n.list(use.users) })}
            </p>
          )}
          {use && (
            <Field label={t('handovers.joint.purpose')}>
              {(p) => (
                <select {...p} value={purpose} onChange={(e) => choose({ purpose: e.target.value })} data-testid="transfer-purpose">
                  <option value="">—</option>
                  {use.purposes.map((x) => (
                    <option key={x.code} value={x.code}>
                      {x.number}. {x.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {declared && (
            <fieldset className="checks" data-testid="transfer-items">
              <legend>{t('handovers.joint.items')}</legend>
              {declared.items.length === 0 && <p className="sub">{t('handovers.joint.noItems')}</p>}
              {declared.items.map((i) => (
                <label key={i.code} className="check">
                  <input
                    type="checkbox"
                    checked={items.includes(i.code)}
                    onChange={(e) => {
                      setItems(e.target.checked ? [...items, i.code] : items.filter((x) => x !== i.code));
                      setPreview(null);
                    }}
                  />{' '}
                  {i.name}
                  {!i.in_file && <span className="sub">{t('handovers.joint.notInLedger')}</span>}
                </label>
              ))}
            </fieldset>
          )}
          {declared && (
            <Button
              variant="primary"
              busy={busy}
              disabled={items.length === 0}
              data-testid="transfer-preview"
              onClick={() =>
                void run(async () => {
                  setDone(false);
                  setPreview(await api.post<TransferPreview>(`/joint-uses/${encodeURIComponent(code)}/preview`, body()));
                })
              }
            >
              {t('handovers.joint.preview')}
            </Button>
          )}
        </div>
      )}
      {error !== null && (
        <>
          <ErrorNotice error={error} testId="transfer-error" />
          <IssueList error={error} />
        </>
      )}
      {preview && (
        <div className="subpanel" data-testid="transfer-preview-result" data-covered={preview.covered}>
          <p>
            {t('handovers.joint.covered', { n: i18n.number(preview.covered) })}{' '}
            {preview.withdrawn_covered > 0 && t('handovers.joint.withdrawnCovered', { n: i18n.number(preview.withdrawn_covered) })}{' '}
            {t('handovers.joint.itemsSent', {
              items: i18n.list(preview.items.filter((i) => i.in_file).map((i) => i.name)) || '—',
            })}
          </p>
          <table className="table" data-testid="transfer-left-out">
            <caption>{t('handovers.joint.leftOut')}</caption>
            <tbody>
              {leftOutReasons.map((r) => (
                <tr key={r} data-reason={r} data-count={preview.left_out[r]}>
                  <th scope="row">{leftOutReasonLabels[r][lang]}</th>
                  <td>{i18n.number(preview.left_out[r])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {canHandle && (
            <div className="form-row">
              <Field label={t('handovers.charset')}>
                {(p) => (
                  <select {...p} value={charset} onChange={(e) => setCharset(e.target.value as 'utf-8' | 'shift_jis')}>
                    <option value="utf-8">UTF-8</option>
                    <option value="shift_jis">Shift_JIS</option>
                  </select>
                )}
              </Field>
              <Button
                variant="primary"
                busy={busy}
                data-testid="transfer-download"
                onClick={() =>
                  void run(async () => {
                    await downloadFile(`/joint-uses/${encodeURIComponent(code)}/transfer`, `joint-use-${code}.csv`, {
                      body: { ...body(), charset },
                    });
                    setDone(true);
                    await loadHistory(code);
                  })
                }
              >
                {t('handovers.joint.download')}
              </Button>
            </div>
          )}
          {done && (
            <Notice tone="success" testId="transfer-done">
              {t('handovers.joint.done')}
            </Notice>
          )}
        </div>
      )}
      {use && history && (
        <div className="subpanel" data-testid="transfer-history">
          <h3>{t('handovers.joint.history')}</h3>
          {history.length === 0 ? (
            <p className="sub">{t('handovers.joint.noHistory')}</p>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('handovers.joint.madeAt')}</th>
                  <th scope="col">{t('handovers.joint.purpose')}</th>
                  <th scope="col">{t('handovers.joint.items')}</th>
                  <th scope="col">{t('handovers.recordCount')}</th>
                  <th scope="col">{t('handovers.col.by')}</th>
                  <th scope="col">SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {history.map((h) => (
                  <tr key={h.id} data-rows={h.record_count}>
                    <td>{i18n.dateTime(h.created_at)}</td>
                    <td>{use.purposes.find((p) => p.code === h.purpose_code)?.number ?? h.purpose_code}</td>
                    <td>{i18n.list(h.items.map((c) => use.purposes.flatMap((p) => p.items).find((i) => i.code === c)?.name ?? c))}</td>
                    <td>{i18n.number(h.record_count)}</td>
                    <td>{h.made_by_name}</td>
                    <td>
                      <code title={h.file_sha256}>{h.file_sha256.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </Card>
  );
}
