/**
 * Defining a release (匿名加工情報の定義): the same spec as the YAML file, edited either as a form — name,
 * recipients, purpose, k, suppression limit, and per column its role and, for a quasi-identifier, its
 * generalization steps (a preset, or steps edited one by one) — or as the file itself. Both views edit one spec:
 * the form writes the YAML, a valid YAML fills the form. Saving a new release publishes its items on the notice.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { parse, stringify } from 'yaml';
import {
  type ColumnRole,
  columnRoleLabels,
  columnRoles,
  type HierarchyStepKind,
  hierarchyStepKinds,
  hierarchyStepLabels,
} from '../../../src/contract/release-vocabulary.ts';
import type { ReleaseView } from '../../../src/contract/releases-api.ts';
import { ApiError, api } from '../api/client.ts';
import { Button, Card, ErrorNotice, Field, Loading, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate } from '../router.tsx';

type Step = Record<string, unknown> & { kind: HierarchyStepKind };
interface Column {
  name: string;
  label?: string;
  role: ColumnRole;
  preset?: string;
  hierarchy?: Step[];
  pseudonym?: boolean;
  coding?: { top?: number; bottom?: number };
}
type Spec = Record<string, unknown> & {
  code: string;
  name: string;
  recipients: string;
  purpose: string;
  k: number;
  suppression_limit?: number;
  columns: Column[];
};

interface Preset {
  name: string;
  label: { ja: string; en: string };
  steps: Step[];
}

/** The one parameter of a step, as text in the form. */
function stepParam(step: Step): string {
  switch (step.kind) {
    case 'mask':
      return String(step.keep ?? '');
    case 'interval':
      return String(step.width ?? '');
    case 'breaks':
      return ((step.bounds as number[]) ?? []).join(', ');
    case 'date':
      return String(step.unit ?? 'month');
    case 'prefix_map':
      return JSON.stringify(step.map ?? {});
    case 'groups':
      return JSON.stringify(step.groups ?? {});
  }
}

function withParam(kind: HierarchyStepKind, text: string): Step {
  const json = (fallback: Record<string, unknown>) => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return fallback;
    }
  };
  switch (kind) {
    case 'mask':
      return { kind, keep: Number(text) || 0 };
    case 'interval':
      return { kind, width: Number(text) || 1, origin: 0 };
    case 'breaks':
      return {
        kind,
        bounds: text
          .split(/[,\s、]+/)
          .filter(Boolean)
          .map(Number),
      };
    case 'date':
      return { kind, unit: text === 'year' ? 'year' : 'month' };
    case 'prefix_map':
      return { kind, map: json({}) };
    case 'groups':
      return { kind, groups: json({}) };
  }
}

export function ReleaseDefinePage({ releaseId }: { releaseId?: string }) {
  const { t, pick, lang } = useI18n();
  const [yaml, setYaml] = useState('');
  const [spec, setSpec] = useState<Spec | null>(null);
  const [yamlProblem, setYamlProblem] = useState<string | null>(null);
  const [presets, setPresets] = useState<Preset[]>([]);
  const [version, setVersion] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const fromYaml = useCallback(
    (text: string) => {
      setYaml(text);
      try {
        const value = parse(text) as Spec;
        if (value && typeof value === 'object' && Array.isArray(value.columns)) {
          setSpec(value);
          setYamlProblem(null);
        } else setYamlProblem(t('releases.define.yamlShape'));
      } catch (err) {
        setYamlProblem((err as Error).message);
      }
    },
    [t],
  );

  useEffect(() => {
    void (async () => {
      try {
        setPresets((await api.get<{ presets: Preset[] }>('/releases/presets')).presets);
        if (releaseId) {
          const r = await api.get<ReleaseView>(`/releases/${releaseId}`);
          setVersion(r.version);
          fromYaml(r.yaml ?? '');
        } else fromYaml((await api.get<{ yaml: string }>('/releases/template')).yaml);
      } catch (err) {
        setError(err);
      }
    })();
  }, [releaseId, fromYaml]);

  function update(next: Spec) {
    setSpec(next);
    setYaml(stringify(next, { lineWidth: 0 }));
  }
  const setField = (key: string, value: unknown) => spec && update({ ...spec, [key]: value });
  const setColumn = (i: number, column: Column) => spec && update({ ...spec, columns: spec.columns.map((c, j) => (j === i ? column : c)) });
  const expand = (c: Column): Column => {
    const { preset, ...rest } = c;
    return { ...rest, hierarchy: presets.find((p) => p.name === preset)?.steps ?? c.hierarchy ?? [] };
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = releaseId
        ? await api.patch<ReleaseView>(`/releases/${releaseId}`, { version, yaml })
        : await api.post<ReleaseView>('/releases', { yaml });
      navigate(`/releases/${saved.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!spec && !error && !yamlProblem) return <Loading />;
  return (
    <>
      <PageHeader title={releaseId ? t('releases.define.editTitle') : t('releases.define.title')} description={t('releases.define.lead')} />
      <p>
        <Link to="/releases">{t('releases.back')}</Link>
      </p>
      {error !== null && <ErrorNotice error={error} />}
      {error instanceof ApiError && error.issues.length > 0 && (
        <ul className="issues" data-testid="release-issues">
          {error.issues.map((i) => (
            <li key={`${i.field}-${i.code}-${i.line ?? ''}`}>
              {i.line ? t('releases.define.line', { line: i.line }) : ''}
              {pick(i.message_ja, i.message_en)}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={save} data-testid="release-form">
        {spec && (
          <Card title={t('releases.define.basics')}>
            <div className="form-grid">
              <Field label={t('releases.field.code')} required>
                {(p) => (
                  <input
                    {...p}
                    name="code"
                    value={spec.code ?? ''}
                    readOnly={Boolean(releaseId)}
                    onChange={(e) => setField('code', e.target.value)}
                  />
                )}
              </Field>
              <Field label={t('releases.field.name')} required>
                {(p) => <input {...p} name="name" value={spec.name ?? ''} onChange={(e) => setField('name', e.target.value)} />}
              </Field>
              <Field label={t('releases.field.recipients')} required>
                {(p) => (
                  <input {...p} name="recipients" value={spec.recipients ?? ''} onChange={(e) => setField('recipients', e.target.value)} />
                )}
              </Field>
              <Field label={t('releases.field.purpose')} required>
                {(p) => <input {...p} name="purpose" value={spec.purpose ?? ''} onChange={(e) => setField('purpose', e.target.value)} />}
              </Field>
              <Field label={t('releases.field.k')} required>
                {(p) => (
                  <input
                    {...p}
                    name="k"
                    inputMode="numeric"
                    value={String(spec.k ?? '')}
                    onChange={(e) => setField('k', Number(e.target.value) || 0)}
                  />
                )}
              </Field>
              <Field label={t('releases.field.suppression')} hint={t('releases.field.suppressionHint')}>
                {(p) => (
                  <input
                    {...p}
                    name="suppression_limit"
                    inputMode="decimal"
                    value={String(spec.suppression_limit ?? 0.04)}
                    onChange={(e) => setField('suppression_limit', Number(e.target.value))}
                  />
                )}
              </Field>
            </div>
          </Card>
        )}
        {spec && (
          <Card title={t('releases.define.columns')}>
            <div className="table-wrap">
              <table className="table" data-testid="release-columns">
                <thead>
                  <tr>
                    <th scope="col">{t('releases.col.column')}</th>
                    <th scope="col">{t('releases.col.label')}</th>
                    <th scope="col">{t('releases.col.role')}</th>
                    <th scope="col">{t('releases.col.hierarchy')}</th>
                  </tr>
                </thead>
                <tbody>
                  {spec.columns.map((c, i) => (
                    <tr key={c.name} data-testid="release-column" data-column={c.name}>
                      <td className="mono">{c.name}</td>
                      <td>
                        <input
                          aria-label={t('releases.col.label')}
                          value={c.label ?? ''}
                          onChange={(e) => setColumn(i, { ...c, label: e.target.value })}
                        />
                      </td>
                      <td>
                        <select
                          aria-label={t('releases.col.role')}
                          data-testid="release-column-role"
                          value={c.role}
                          onChange={(e) => {
                            const role = e.target.value as ColumnRole;
                            const { hierarchy: _h, preset: _p, ...rest } = c;
                            setColumn(i, role === 'quasi_identifier' ? { ...rest, role, preset: 'none' } : { ...rest, role });
                          }}
                        >
                          {columnRoles.map((r) => (
                            <option key={r} value={r}>
                              {columnRoleLabels[r][lang]}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        {c.role === 'quasi_identifier' && (
                          <div className="stack">
                            <select
                              aria-label={t('releases.col.preset')}
                              data-testid="release-column-preset"
                              value={c.preset ?? ''}
                              onChange={(e) => {
                                const { hierarchy: _h, ...rest } = c;
                                setColumn(i, e.target.value ? { ...rest, preset: e.target.value } : expand(c));
                              }}
                            >
                              <option value="">{t('releases.define.customSteps')}</option>
                              {presets.map((p) => (
                                <option key={p.name} value={p.name}>
                                  {pick(p.label.ja, p.label.en)}
                                </option>
                              ))}
                            </select>
                            {!c.preset && (
                              <ol className="steps" data-testid="release-steps">
                                {(c.hierarchy ?? []).map((s, j) => (
                                  // biome-ignore lint/suspicious/noArrayIndexKey: a step is its position (the level it makes)
                                  <li key={j}>
                                    <select
                                      aria-label={t('releases.define.stepKind')}
                                      value={s.kind}
                                      onChange={(e) => {
                                        const steps = [...(c.hierarchy ?? [])];
                                        steps[j] = withParam(e.target.value as HierarchyStepKind, '');
                                        setColumn(i, { ...c, hierarchy: steps });
                                      }}
                                    >
                                      {hierarchyStepKinds.map((k) => (
                                        <option key={k} value={k}>
                                          {hierarchyStepLabels[k][lang]}
                                        </option>
                                      ))}
                                    </select>{' '}
                                    <input
                                      aria-label={t('releases.define.stepParam')}
                                      data-testid="release-step-param"
                                      value={stepParam(s)}
                                      onChange={(e) => {
                                        const steps = [...(c.hierarchy ?? [])];
                                        steps[j] = withParam(s.kind, e.target.value);
                                        setColumn(i, { ...c, hierarchy: steps });
                                      }}
                                    />{' '}
                                    <Button
                                      small
                                      variant="ghost"
                                      onClick={() => setColumn(i, { ...c, hierarchy: (c.hierarchy ?? []).filter((_, x) => x !== j) })}
                                    >
                                      {t('releases.define.removeStep')}
                                    </Button>
                                  </li>
                                ))}
                                <li>
                                  <Button
                                    small
                                    onClick={() =>
                                      setColumn(i, {
                                        ...c,
                                        hierarchy: [...(c.hierarchy ?? []), { kind: 'interval', width: 10, origin: 0 }],
                                      })
                                    }
                                  >
                                    {t('releases.define.addStep')}
                                  </Button>
                                </li>
                              </ol>
                            )}
                          </div>
                        )}
                        {c.role === 'identifier' && (c.pseudonym ? t('releases.define.pseudonym') : t('releases.define.removed'))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        )}
        <Card title={t('releases.define.yaml')}>
          <p className="sub">{t('releases.define.yamlLead')}</p>
          <Field label={t('releases.define.importFile')}>
            {(p) => (
              <input
                {...p}
                type="file"
                accept=".yaml,.yml,application/yaml,text/yaml"
                data-testid="release-yaml-file"
                onChange={(e) => {
                  const picked = e.target.files?.[0];
                  if (picked) void picked.text().then(fromYaml);
                }}
              />
            )}
          </Field>
          <textarea
            className="mono"
            aria-label={t('releases.define.yaml')}
            data-testid="release-yaml"
            rows={24}
            style={{ width: '100%' }}
            value={yaml}
            onChange={(e) => fromYaml(e.target.value)}
          />
          {yamlProblem && <p className="field-error">{yamlProblem}</p>}
        </Card>
        <p>
          <Button type="submit" variant="primary" busy={busy} data-testid="release-save">
            {releaseId ? t('releases.define.saveChanges') : t('releases.define.save')}
          </Button>
        </p>
      </form>
    </>
  );
}
