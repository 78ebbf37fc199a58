/**
 * 連携システム: the register of how mamori reaches each connected system (the dataset map in the policy says what
 * it holds). The list shows the kind, the owner department and country from the map, the status of the last
 * connection check; officers and administrators register, edit, check (接続確認) and remove. The secret is a
 * write-only field: the page only ever learns whether one is set (「設定済み」).
 */
import { useCallback, useEffect, useState } from 'react';
import type { CheckResult, SystemsList, SystemView } from '../../../src/contract/api.ts';
import { systemKindLabels } from '../../../src/contract/connector-vocabulary.ts';
import { api, downloadFile } from '../api/client.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { SystemForm, type SystemFormStart } from './system-form.tsx';

const statusTone = { unchecked: 'neutral', ok: 'ok', failing: 'bad' } as const;

export function SystemsPage() {
  const i18n = useI18n();
  const { t, pick, lang } = i18n;
  const [data, setData] = useState<SystemsList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState<SystemFormStart | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [checked, setChecked] = useState<{ code: string; check: CheckResult } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setData(await api.get<SystemsList>('/systems'));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const check = async (s: SystemView) => {
    setBusy(s.code);
    setChecked(null);
    setDone(null);
    setError(null);
    try {
      const r = await api.post<{ system: SystemView; check: CheckResult }>(`/systems/${encodeURIComponent(s.code)}/check`);
      setChecked({ code: s.code, check: r.check });
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  // The stopped-purposes file a system that cannot enforce a cessation of use takes in (UTF-8 CSV).
  const stops = async (s: SystemView) => {
    setError(null);
    try {
      await downloadFile(`/systems/${encodeURIComponent(s.code)}/stopped-purposes`, `stopped-purposes-${s.code}.csv`);
    } catch (err) {
      setError(err);
    }
  };

  const saved = async (message: string) => {
    setForm(null);
    setChecked(null);
    setDone(message);
    await load();
  };

  return (
    <>
      <PageHeader
        title={t('systems.title')}
        description={t('systems.lead')}
        {...(data?.can_manage && !form
          ? {
              actions: (
                <Button variant="primary" onClick={() => setForm({ mode: 'new' })} data-testid="system-new">
                  {t('systems.new')}
                </Button>
              ),
            }
          : {})}
      />
      {done && (
        <Notice tone="success" testId="systems-done">
          {done}
        </Notice>
      )}
      {checked && (
        <Notice
          tone={checked.check.ok ? 'success' : 'warning'}
          testId="system-check-result"
          title={
            checked.check.ok
              ? t('systems.checkOk', { code: checked.code, n: checked.check.tables ?? 0 })
              : t('systems.checkFailed', { code: checked.code })
          }
        >
          {checked.check.error && (
            <p>
              {pick(checked.check.error.message_ja, checked.check.error.message_en)}
              {checked.check.missing && ` (${checked.check.missing})`} <span className="mono">[{checked.check.error.code}]</span>
            </p>
          )}
        </Notice>
      )}
      {error !== null && <ErrorNotice error={error} />}
      {data && !data.can_manage && <Notice tone="info">{t('systems.readOnly')}</Notice>}
      {form && data && (
        <SystemForm key={form.mode === 'edit' ? form.system.code : 'new'} start={form} onSaved={saved} onCancel={() => setForm(null)} />
      )}
      <Card>
        {!data && !error && <Loading />}
        {data &&
          (data.systems.length === 0 ? (
            <Empty title={t('systems.none')} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="systems-table">
                <thead>
                  <tr>
                    <th scope="col">{t('systems.col.code')}</th>
                    <th scope="col">{t('systems.col.name')}</th>
                    <th scope="col">{t('systems.col.kind')}</th>
                    <th scope="col">{t('systems.col.owner')}</th>
                    <th scope="col">{t('systems.col.status')}</th>
                    <th scope="col">{t('systems.col.lastCheck')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('common.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.systems.map((s) => (
                    <tr key={s.id} data-testid="system-row" data-code={s.code} data-status={s.status}>
                      <td className="mono nowrap">{s.code}</td>
                      <td>
                        {s.name}
                        {s.has_secret && (
                          <span className="sub" data-testid="system-secret-set">
                            {t('systems.secretSet')}
                          </span>
                        )}
                      </td>
                      <td>{systemKindLabels[s.kind][lang]}</td>
                      <td>
                        {s.map ? (
                          <>
                            {s.map.owner ?? '—'}
                            <span className="sub">{t('systems.country', { country: s.map.country })}</span>
                          </>
                        ) : (
                          <Badge tone="warn">{t('systems.notMapped')}</Badge>
                        )}
                      </td>
                      <td>
                        <span data-testid="system-status">
                          <Badge tone={statusTone[s.status]}>{t(`systems.status.${s.status}`)}</Badge>
                        </span>
                        {s.last_error && <span className="sub">{pick(s.last_error.message_ja, s.last_error.message_en)}</span>}
                      </td>
                      <td className="nowrap">{s.last_checked_at ? i18n.dateTime(s.last_checked_at) : '—'}</td>
                      <td className="nowrap">
                        {s.kind !== 'sftp_drop' && (
                          <>
                            <Link
                              to={`/systems/${encodeURIComponent(s.code)}/discovery`}
                              className="btn btn-secondary btn-small"
                              data-testid="system-discovery"
                            >
                              {t('systems.discovery')}
                            </Link>{' '}
                          </>
                        )}
                        {data.can_manage && (
                          <>
                            <Button small variant="primary" busy={busy === s.code} onClick={() => void check(s)} data-testid="system-check">
                              {t('systems.check')}
                            </Button>{' '}
                            <Button small onClick={() => setForm({ mode: 'edit', system: s })} data-testid="system-edit">
                              {t('systems.edit')}
                            </Button>{' '}
                            <Button small variant="ghost" onClick={() => void stops(s)} data-testid="system-stops">
                              {t('systems.stoppedPurposes')}
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
      {data && data.unregistered.length > 0 && (
        <Card title={t('systems.unregistered')}>
          <p className="sub">{t('systems.unregisteredLead')}</p>
          <div className="table-wrap">
            <table className="table" data-testid="systems-unregistered">
              <tbody>
                {data.unregistered.map((u) => (
                  <tr key={u.code}>
                    <td className="mono">{u.code}</td>
                    <td>{pick(u.name, u.name_en)}</td>
                    <td>{systemKindLabels[u.kind][lang]}</td>
                    <td>{u.owner ?? '—'}</td>
                    <td className="nowrap">
                      {data.can_manage && (
                        <Button small onClick={() => setForm({ mode: 'new', code: u.code, name: u.name, kind: u.kind })}>
                          {t('systems.registerThis')}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
    </>
  );
}
