/**
 * One release: its published items and duties, the preview (試行: the engine's report — the loss metric, the levels
 * chosen, the class-size histogram, what was suppressed, the re-identification risks — nothing delivered), the
 * publication of the method of provision (required before any delivery), the delivery to a target, and the history
 * of runs with each delivery's file and checksum. The auditor sees all of it but the processing method and the
 * buttons.
 */
import { useCallback, useEffect, useState } from 'react';
import { riskModelLabels, riskModels } from '../../../src/contract/release-vocabulary.ts';
import type { ReleaseReport, ReleaseView, RunOutcomeView } from '../../../src/contract/releases-api.ts';
import { exclusionReasonLabels } from '../../../src/contract/releases-api.ts';
import { api, downloadFile } from '../api/client.ts';
import { Badge, Button, Card, ErrorNotice, Field, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function ReportView({ report, excluded }: { report: ReleaseReport; excluded: Record<string, number> | null }) {
  const { t, lang } = useI18n();
  const most = Math.max(1, ...report.classSizes.histogram.map((h) => h.classes));
  return (
    <div data-testid="release-report">
      <dl className="fields">
        <dt>{t('releases.report.metric')}</dt>
        <dd data-testid="report-metric">
          {report.metric.name}: {report.metric.value.toFixed(4)}
        </dd>
        <dt>{t('releases.report.rows')}</dt>
        <dd>{t('releases.report.rowsValue', { input: report.rows.input, output: report.rows.output })}</dd>
        <dt>{t('releases.report.suppressed')}</dt>
        <dd data-testid="report-suppressed">
          {report.rows.suppressed} ({pct(report.rows.input ? report.rows.suppressed / report.rows.input : 0)})
        </dd>
        <dt>{t('releases.report.lattice')}</dt>
        <dd>
          {t('releases.report.latticeValue', {
            size: report.lattice.size,
            evaluated: report.lattice.evaluated,
            pruned: report.lattice.pruned,
          })}
        </dd>
        <dt>{t('releases.report.verified')}</dt>
        <dd data-testid="report-verified">
          {report.verified.k ? <Badge tone="ok">k OK</Badge> : <Badge tone="bad">k NG</Badge>}{' '}
          {report.verified.l !== null && (report.verified.l ? <Badge tone="ok">l OK</Badge> : <Badge tone="bad">l NG</Badge>)}
        </dd>
        {excluded && (
          <>
            <dt>{t('releases.report.excluded')}</dt>
            <dd data-testid="report-excluded">
              {Object.entries(excluded)
                .filter(([, n]) => n > 0)
                .map(([reason, n]) => `${exclusionReasonLabels[reason]?.[lang] ?? reason}: ${n}`)
                .join('、') || '0'}
            </dd>
          </>
        )}
      </dl>
      <h3>{t('releases.report.levels')}</h3>
      <table className="table" data-testid="report-levels">
        <tbody>
          {report.levels.map((l) => (
            <tr key={l.column}>
              <td className="mono">{l.column}</td>
              <td>
                {l.level} / {l.of}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('releases.report.histogram')}</h3>
      <table className="table" data-testid="report-histogram">
        <tbody>
          {report.classSizes.histogram.map((h) => (
            <tr key={h.size}>
              <td className="nowrap">{t('releases.report.classSize', { size: h.size })}</td>
              <td style={{ width: '70%' }}>
                <span
                  aria-hidden="true"
                  style={{
                    display: 'inline-block',
                    height: '0.8em',
                    background: 'currentColor',
                    opacity: 0.5,
                    width: `${(h.classes / most) * 100}%`,
                  }}
                />{' '}
                {h.classes}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('releases.report.risk')}</h3>
      <table className="table" data-testid="report-risk">
        <thead>
          <tr>
            <th scope="col">{t('releases.report.riskModel')}</th>
            <th scope="col">{t('releases.report.highest')}</th>
            <th scope="col">{t('releases.report.average')}</th>
          </tr>
        </thead>
        <tbody>
          {riskModels.map((m) => (
            <tr key={m}>
              <td>{riskModelLabels[m][lang]}</td>
              <td>{pct(report.risk[m].highest)}</td>
              <td>{pct(report.risk[m].average)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ReleasePage({ releaseId }: { releaseId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [release, setRelease] = useState<ReleaseView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<RunOutcomeView | null>(null);
  const [method, setMethod] = useState('');
  const [targets, setTargets] = useState<{ code: string; name: string; recipient: string }[] | null>(null);
  const [target, setTarget] = useState('');
  const [done, setDone] = useState<string | null>(null);
  /** The source file of a release read from a file (CSV), sent with each preview and delivery. */
  const [file, setFile] = useState<{ name: string; content_base64: string } | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await api.get<ReleaseView>(`/releases/${releaseId}`);
      setRelease(r);
      setMethod((m) => m || r.method_of_provision || '');
      setTarget((x) => x || r.target || '');
    } catch (err) {
      setError(err);
    }
  }, [releaseId]);
  useEffect(() => {
    void load();
    void (async () => {
      try {
        const list = await api.get<{ targets: { code: string; name: string; recipient: string }[] }>('/delivery-targets');
        setTargets(list.targets);
        setTarget((x) => x || list.targets[0]?.code || '');
      } catch {
        setTargets(null);
      }
    })();
  }, [load]);

  const act = async (what: string, fn: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    setDone(null);
    try {
      await fn();
      await load();
    } catch (err) {
      setError(err);
      await load();
    } finally {
      setBusy(null);
    }
  };
  const preview = () =>
    act('preview', async () => {
      setOutcome(await api.post<RunOutcomeView>(`/releases/${releaseId}/preview`, file ? { file } : {}));
    });
  const publish = () =>
    act('publish', async () => {
      await api.post(`/releases/${releaseId}/publish-method`, { version: release?.version, method_of_provision: method });
      setDone(t('releases.methodDone'));
    });
  const deliver = () =>
    act('deliver', async () => {
      const r = await api.post<RunOutcomeView>(`/releases/${releaseId}/deliver`, { target, ...(file ? { file } : {}) });
      setOutcome(r);
      setDone(t('releases.delivered', { file: r.delivery?.fileName ?? '', rows: r.delivery?.rows ?? 0 }));
    });

  const choose = async (picked: File | undefined) => {
    if (!picked) return setFile(null);
    const bytes = new Uint8Array(await picked.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    setFile({ name: picked.name, content_base64: btoa(binary) });
  };

  if (!release) return error ? <ErrorNotice error={error} /> : <Loading />;
  const readsFile = (release.spec as { source?: { kind?: string } } | undefined)?.source?.kind === 'file';
  const lastPreview = release.runs.find((r) => r.kind === 'preview' && r.status === 'succeeded');
  const shown =
    outcome ?? (lastPreview?.report ? { run: lastPreview.id, report: lastPreview.report, excluded: lastPreview.excluded } : null);
  return (
    <>
      <PageHeader title={release.name} description={t('releases.detailLead')} />
      <p>
        <Link to="/releases">{t('releases.back')}</Link>
        {release.can_manage && (
          <>
            {' '}
            ・{' '}
            <Link to={`/releases/${release.id}/edit`} data-testid="release-edit">
              {t('releases.edit')}
            </Link>{' '}
            ・{' '}
            <Button
              small
              variant="ghost"
              data-testid="release-export"
              onClick={() => void downloadFile(`/releases/${release.id}/spec.yaml`, `release-${release.code}.yaml`).catch(setError)}
            >
              {t('releases.exportFile')}
            </Button>
          </>
        )}
      </p>
      {error !== null && <ErrorNotice error={error} />}
      {done && (
        <Notice tone="success" testId="release-done">
          {done}
        </Notice>
      )}
      <Card title={t('releases.duties')}>
        <dl className="fields" data-testid="release-duties">
          <dt>{t('releases.col.items')}</dt>
          <dd data-testid="release-items">{release.items.join('、')}</dd>
          <dt>{t('releases.field.recipients')}</dt>
          <dd>{release.recipients}</dd>
          <dt>{t('releases.col.itemsPublished')}</dt>
          <dd>{release.items_published_at ? i18n.dateTime(release.items_published_at) : '—'}</dd>
          <dt>{t('releases.col.method')}</dt>
          <dd data-testid="release-method">
            {release.method_published_at
              ? `${release.method_of_provision}（${i18n.dateTime(release.method_published_at)}）`
              : t('releases.methodUnpublished')}
          </dd>
        </dl>
        {release.can_manage && (
          <div className="form-grid">
            <Field label={t('releases.field.method')} hint={t('releases.field.methodHint')}>
              {(p) => (
                <textarea
                  {...p}
                  name="method"
                  rows={2}
                  value={method}
                  onChange={(e) => setMethod(e.target.value)}
                  data-testid="release-method-input"
                />
              )}
            </Field>
            <p>
              <Button busy={busy === 'publish'} disabled={!method.trim()} onClick={() => void publish()} data-testid="release-publish">
                {t('releases.publish')}
              </Button>
            </p>
          </div>
        )}
      </Card>
      <Card
        title={t('releases.preview')}
        {...(release.can_manage
          ? {
              actions: (
                <Button variant="primary" busy={busy === 'preview'} onClick={() => void preview()} data-testid="release-preview">
                  {t('releases.runPreview')}
                </Button>
              ),
            }
          : {})}
      >
        {readsFile && (
          <Field label={t('releases.field.sourceFile')} hint={t('releases.field.sourceFileHint')}>
            {(p) => (
              <input
                {...p}
                type="file"
                accept=".csv,text/csv"
                data-testid="release-source-file"
                onChange={(e) => void choose(e.target.files?.[0])}
              />
            )}
          </Field>
        )}
        {shown ? <ReportView report={shown.report} excluded={shown.excluded} /> : <p className="sub">{t('releases.noPreview')}</p>}
      </Card>
      {release.can_manage && (
        <Card title={t('releases.deliver')}>
          {!release.method_published_at && <Notice tone="warning">{t('releases.deliverNeedsMethod')}</Notice>}
          <div className="form-grid">
            <Field label={t('releases.field.target')}>
              {(p) =>
                targets ? (
                  <select {...p} name="target" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="release-target">
                    {targets.map((x) => (
                      <option key={x.code} value={x.code}>
                        {x.name}（{x.recipient}）
                      </option>
                    ))}
                  </select>
                ) : (
                  <input {...p} name="target" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="release-target" />
                )
              }
            </Field>
            <p>
              <Button
                variant="primary"
                busy={busy === 'deliver'}
                disabled={!target}
                onClick={() => void deliver()}
                data-testid="release-deliver"
              >
                {t('releases.runDeliver')}
              </Button>
            </p>
          </div>
        </Card>
      )}
      <Card title={t('releases.versions')}>
        <div className="table-wrap">
          <table className="table" data-testid="release-versions">
            <thead>
              <tr>
                <th scope="col">{t('releases.version.number')}</th>
                <th scope="col">{t('releases.run.when')}</th>
                <th scope="col">{t('releases.version.by')}</th>
                <th scope="col">{t('releases.version.changed')}</th>
              </tr>
            </thead>
            <tbody>
              {release.versions.map((v) => (
                <tr key={v.version}>
                  <td>{v.version}</td>
                  <td className="nowrap">{i18n.dateTime(v.created_at)}</td>
                  <td>{v.created_by ?? '—'}</td>
                  <td className="mono">{v.version === 1 ? t('releases.version.created') : v.changed.join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title={t('releases.history')}>
        <div className="table-wrap">
          <table className="table" data-testid="release-runs">
            <thead>
              <tr>
                <th scope="col">{t('releases.run.when')}</th>
                <th scope="col">{t('releases.run.kind')}</th>
                <th scope="col">{t('releases.run.status')}</th>
                <th scope="col">{t('releases.run.file')}</th>
                <th scope="col">{t('releases.run.rows')}</th>
              </tr>
            </thead>
            <tbody>
              {release.runs.map((r) => (
                <tr key={r.id} data-testid="release-run" data-kind={r.kind} data-status={r.status}>
                  <td className="nowrap">{i18n.dateTime(r.started_at)}</td>
                  <td>{r.kind === 'delivery' ? t('releases.run.delivery') : t('releases.run.preview')}</td>
                  <td>
                    {r.status === 'succeeded' ? (
                      <Badge tone="ok">{t('releases.run.succeeded')}</Badge>
                    ) : (
                      <Badge tone="bad">{t('releases.run.failed')}</Badge>
                    )}
                    {r.error_code && <span className="sub mono">{r.error_code}</span>}
                  </td>
                  <td>
                    {r.file_name ?? '—'}
                    {r.sha256 && <span className="sub mono">SHA-256 {r.sha256.slice(0, 16)}…</span>}
                    {r.target && <span className="sub">{r.target}</span>}
                  </td>
                  <td>{r.rows ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </>
  );
}
