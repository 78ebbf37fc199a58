/**
 * Where a draft can come from besides the editor: a YAML policy file (every problem shown with its line and
 * field), a preset written from a published co-op policy, or a version this organization published. Each
 * replaces the whole draft, so presets and versions are confirmed first, and nothing is offered while the
 * editor holds unsaved changes.
 */
import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, Card, ErrorNotice, Field, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { normalisePath } from './paths.ts';
import type { DraftAnswer, PresetSummary, VersionSummary } from './types.ts';

type Pending = { kind: 'preset'; id: string; label: string } | { kind: 'version'; number: number; label: string };

export function DraftSources({
  revision,
  dirty,
  onReplaced,
}: {
  revision: number;
  dirty: boolean;
  onReplaced: (a: DraftAnswer, how: string) => void;
}) {
  const { t, pick } = useI18n();
  const [presets, setPresets] = useState<PresetSummary[]>([]);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [preset, setPreset] = useState('');
  const [version, setVersion] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api
      .get<{ presets: PresetSummary[] }>('/policy/presets')
      .then((r) => setPresets(r.presets))
      .catch(() => {});
    api
      .get<{ versions: VersionSummary[] }>('/policy/versions')
      .then((r) => setVersions(r.versions))
      .catch(() => {});
  }, []);

  const replace = async (path: string, body: object, how: string) => {
    setBusy(true);
    setError(null);
    try {
      onReplaced(await api.post<DraftAnswer>(path, { revision, ...body }), how);
      setPending(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    const yaml = await file.text();
    await replace('/policy/draft/file', { yaml }, t('policy.sources.fromFile', { name: file.name }));
    if (fileInput.current) fileInput.current.value = '';
  };

  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <Card title={t('policy.sources.title')}>
      <p className="card-lead">{t('policy.sources.lead')}</p>
      {dirty && <Notice tone="info">{t('policy.sources.dirty')}</Notice>}
      <div className="sources-grid">
        <div className="source">
          <Field label={t('policy.sources.upload')} hint={t('policy.sources.uploadHint')}>
            {(p) => (
              <input
                {...p}
                ref={fileInput}
                type="file"
                accept=".yaml,.yml,application/yaml,text/yaml"
                disabled={dirty || busy}
                onChange={(e) => void upload(e)}
                data-testid="yaml-upload"
              />
            )}
          </Field>
        </div>
        <div className="source">
          <Field label={t('policy.sources.preset')}>
            {(p) => (
              <select {...p} value={preset} disabled={dirty || busy} onChange={(e) => setPreset(e.target.value)}>
                <option value="">{t('policy.form.choose')}</option>
                {presets.map((pr) => (
                  <option key={pr.id} value={pr.id}>
                    {pick(pr.name, pr.name_en)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Button
            small
            disabled={!preset || dirty || busy}
            onClick={() => {
              const pr = presets.find((x) => x.id === preset);
              if (pr) setPending({ kind: 'preset', id: pr.id, label: pick(pr.name, pr.name_en) });
            }}
          >
            {t('policy.sources.usePreset')}
          </Button>
        </div>
        <div className="source">
          <Field label={t('policy.sources.version')}>
            {(p) => (
              <select {...p} value={version} disabled={dirty || busy || versions.length === 0} onChange={(e) => setVersion(e.target.value)}>
                <option value="">{versions.length ? t('policy.form.choose') : t('policy.sources.noVersions')}</option>
                {versions.map((v) => (
                  <option key={v.number} value={v.number}>
                    {t('policy.versions.numbered', { n: v.number })}（{v.effective_on}）
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Button
            small
            disabled={!version || dirty || busy}
            onClick={() => setPending({ kind: 'version', number: Number(version), label: t('policy.versions.numbered', { n: version }) })}
          >
            {t('policy.sources.useVersion')}
          </Button>
        </div>
      </div>
      {pending && (
        <Notice
          tone="warning"
          title={t('policy.sources.confirm', { source: pending.label })}
          testId="replace-confirm"
          actions={
            <>
              <Button
                variant="primary"
                small
                busy={busy}
                onClick={() =>
                  void (pending.kind === 'preset'
                    ? replace('/policy/draft/reset', { preset: pending.id }, pending.label)
                    : replace('/policy/draft/reset', { version: pending.number }, pending.label))
                }
              >
                {t('policy.sources.replace')}
              </Button>
              <Button small onClick={() => setPending(null)}>
                {t('common.cancel')}
              </Button>
            </>
          }
        >
          {t('policy.sources.confirmHelp')}
        </Notice>
      )}
      {error !== null && (
        <div data-testid="sources-error">
          <ErrorNotice error={error} />
          {issues.length > 0 && (
            <ul className="file-issues">
              {issues.map((i, k) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: issues are listed as the server sent them
                <li key={k} data-testid="file-issue">
                  {i.line !== undefined && (
                    <span className="file-issue-line">
                      {t('policy.sources.line', { line: i.line })}
                      {i.column !== undefined && ` ${t('policy.sources.column', { column: i.column })}`}
                    </span>
                  )}
                  {i.field && <code className="file-issue-field">{normalisePath(i.field)}</code>}
                  <span>{pick(i.message_ja, i.message_en)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  );
}
