/**
 * 提供先サーバー: where released data may be sent (a folder on mamori's server or the partners' SFTP server) and
 * every file sent there. The privacy office registers, checks (接続確認: connect, write and remove a probe file)
 * and removes targets; auditors and administrators read the list without settings. Each delivery shows its rows,
 * size and SHA-256, so that what the recipient received can be compared with what was sent.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DeliveryView, TargetCheck, TargetView } from '../../../src/contract/api.ts';
import {
  deliveryCharsetLabels,
  deliveryFormatLabels,
  deliveryTargetKindLabels,
  deliveryTargetStatusLabels,
} from '../../../src/contract/delivery-vocabulary.ts';
import { api } from '../api/client.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { TargetForm } from './target-form.tsx';

const statusTone = { unchecked: 'neutral', ok: 'ok', failing: 'bad' } as const;

function where(t: TargetView): string {
  const s = t.settings;
  if (!s) return '—';
  return s.host ? `${s.user ?? ''}@${s.host}${s.port && s.port !== 22 ? `:${s.port}` : ''}:${s.directory}` : s.directory;
}

export function DeliveriesPage() {
  const i18n = useI18n();
  const { t, pick, lang } = i18n;
  const [data, setData] = useState<{ targets: TargetView[]; can_manage: boolean } | null>(null);
  const [deliveries, setDeliveries] = useState<DeliveryView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [checked, setChecked] = useState<{ code: string; check: TargetCheck } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [only, setOnly] = useState('');

  const load = useCallback(async () => {
    setError(null);
    try {
      const [targets, list] = await Promise.all([
        api.get<{ targets: TargetView[]; can_manage: boolean }>('/delivery-targets'),
        api.get<{ deliveries: DeliveryView[] }>('/deliveries', { limit: '100', ...(only ? { target: only } : {}) }),
      ]);
      setData(targets);
      setDeliveries(list.deliveries);
    } catch (err) {
      setError(err);
    }
  }, [only]);
  useEffect(() => {
    void load();
  }, [load]);

  const check = async (target: TargetView) => {
    setBusy(target.code);
    setChecked(null);
    setDone(null);
    setError(null);
    try {
      const r = await api.post<{ target: TargetView; check: TargetCheck }>(`/delivery-targets/${encodeURIComponent(target.code)}/check`);
      setChecked({ code: target.code, check: r.check });
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (target: TargetView) => {
    if (!window.confirm(t('deliveries.removeConfirm', { code: target.code }))) return;
    setBusy(target.code);
    setError(null);
    setChecked(null);
    try {
      await api.delete(`/delivery-targets/${encodeURIComponent(target.code)}`, { version: String(target.version) });
      setDone(t('deliveries.removed', { code: target.code }));
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const saved = async (message: string) => {
    setAdding(false);
    setChecked(null);
    setDone(message);
    await load();
  };

  return (
    <>
      <PageHeader
        title={t('deliveries.title')}
        description={t('deliveries.lead')}
        {...(data?.can_manage && !adding
          ? {
              actions: (
                <Button variant="primary" onClick={() => setAdding(true)} data-testid="target-new">
                  {t('deliveries.new')}
                </Button>
              ),
            }
          : {})}
      />
      {done && (
        <Notice tone="success" testId="deliveries-done">
          {done}
        </Notice>
      )}
      {checked && (
        <Notice
          tone={checked.check.ok ? 'success' : 'warning'}
          testId="target-check-result"
          title={checked.check.ok ? t('deliveries.checkOk', { code: checked.code }) : t('deliveries.checkFailed', { code: checked.code })}
        >
          {checked.check.error && (
            <p>
              {pick(checked.check.error.message_ja, checked.check.error.message_en)}{' '}
              <span className="mono">[{checked.check.error.code}]</span>
            </p>
          )}
          {checked.check.presented_host_key && (
            <p>
              {t('deliveries.presentedHostKey')} <span className="mono">{checked.check.presented_host_key}</span>
            </p>
          )}
        </Notice>
      )}
      {error !== null && <ErrorNotice error={error} />}
      {data && !data.can_manage && <Notice tone="info">{t('deliveries.readOnly')}</Notice>}
      {adding && <TargetForm onSaved={saved} onCancel={() => setAdding(false)} />}
      <Card>
        {!data && !error && <Loading />}
        {data &&
          (data.targets.length === 0 ? (
            <Empty title={t('deliveries.none')} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="targets-table">
                <thead>
                  <tr>
                    <th scope="col">{t('deliveries.col.code')}</th>
                    <th scope="col">{t('deliveries.col.name')}</th>
                    <th scope="col">{t('deliveries.col.kind')}</th>
                    {data.can_manage && <th scope="col">{t('deliveries.col.where')}</th>}
                    <th scope="col">{t('deliveries.col.status')}</th>
                    <th scope="col">{t('deliveries.col.lastCheck')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.targets.map((target) => (
                    <tr key={target.id} data-testid="target-row" data-code={target.code} data-status={target.status}>
                      <td className="mono nowrap">{target.code}</td>
                      <td>
                        {target.name}
                        <span className="sub">{target.recipient}</span>
                      </td>
                      <td className="nowrap">{deliveryTargetKindLabels[target.kind][lang]}</td>
                      {data.can_manage && (
                        <td>
                          <span className="mono">{where(target)}</span>
                          {target.settings?.host_key && <span className="sub mono">{target.settings.host_key}</span>}
                          {target.has_secret && (
                            <span className="sub" data-testid="target-secret-set">
                              {t('deliveries.secretSet')}
                            </span>
                          )}
                        </td>
                      )}
                      <td>
                        <span data-testid="target-status">
                          <Badge tone={statusTone[target.status]}>{deliveryTargetStatusLabels[target.status][lang]}</Badge>
                        </span>
                        {target.last_error && (
                          <span className="sub">{pick(target.last_error.message_ja, target.last_error.message_en)}</span>
                        )}
                      </td>
                      <td className="nowrap">{target.last_checked_at ? i18n.dateTime(target.last_checked_at) : '—'}</td>
                      <td className="nowrap">
                        {data.can_manage && (
                          <>
                            <Button
                              small
                              variant="primary"
                              busy={busy === target.code}
                              onClick={() => void check(target)}
                              data-testid="target-check"
                            >
                              {t('deliveries.check')}
                            </Button>{' '}
                            <Button small variant="danger" onClick={() => void remove(target)} data-testid="target-remove">
                              {t('deliveries.remove')}
                            </Button>
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
      <Card
        title={t('deliveries.history')}
        actions={
          data && data.targets.length > 0 ? (
            <label className="check-label">
              <span>{t('deliveries.filterTarget')}</span>{' '}
              <select value={only} onChange={(e) => setOnly(e.target.value)} data-testid="deliveries-filter">
                <option value="">{t('common.all')}</option>
                {data.targets.map((target) => (
                  <option key={target.code} value={target.code}>
                    {target.code}
                  </option>
                ))}
              </select>
            </label>
          ) : undefined
        }
      >
        {deliveries &&
          (deliveries.length === 0 ? (
            <Empty title={t('deliveries.noDeliveries')} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="deliveries-table">
                <thead>
                  <tr>
                    <th scope="col">{t('deliveries.col.at')}</th>
                    <th scope="col">{t('deliveries.col.origin')}</th>
                    <th scope="col">{t('deliveries.col.target')}</th>
                    <th scope="col">{t('deliveries.col.file')}</th>
                    <th scope="col">{t('deliveries.col.rows')}</th>
                    <th scope="col">{t('deliveries.col.sha256')}</th>
                    <th scope="col">{t('deliveries.col.outcome')}</th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.map((d) => (
                    <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                      <td className="nowrap">
                        {i18n.dateTime(d.finished_at)}
                        {d.by && <span className="sub">{d.by}</span>}
                      </td>
                      <td>{d.origin.name}</td>
                      <td className="mono">{d.target.code}</td>
                      <td>
                        <span className="mono">{d.file_name}</span>
                        <span className="sub">
                          {deliveryFormatLabels[d.format][lang]}
                          {d.charset && ` · ${deliveryCharsetLabels[d.charset as keyof typeof deliveryCharsetLabels]?.[lang] ?? d.charset}`}
                        </span>
                      </td>
                      <td className="nowrap">
                        {t('deliveries.rows', { n: d.rows.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US') })}
                        <span className="sub">
                          {t('deliveries.bytes', { n: d.bytes.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US') })}
                        </span>
                      </td>
                      <td className="mono" data-testid="delivery-sha256" style={{ wordBreak: 'break-all' }}>
                        {d.sha256 ?? '—'}
                      </td>
                      <td>
                        <Badge tone={d.status === 'ok' ? 'ok' : 'bad'}>
                          {t(d.status === 'ok' ? 'deliveries.ok' : 'deliveries.failed')}
                        </Badge>
                        {d.error && <span className="sub">{pick(d.error.message_ja, d.error.message_en)}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </Card>
    </>
  );
}
