/**
 * Member search: first the purpose of use, then one search term (member code, kana prefix, name prefix or
 * phone). The result shows only the fields the server returned for that purpose. Every search is audited.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Member, Purpose } from '../api/types.ts';
import { PurposeSelect } from '../components/purpose-select.tsx';
import { Badge, Button, Card, Empty, ErrorNotice, Field, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { type MessageKey, useI18n } from '../i18n/i18n.tsx';
import { href, Link, navigate, useLocation } from '../router.tsx';
import { useLabels, useSession } from '../session.tsx';
import { displayValue, sortItems } from './member-fields.ts';

const searchModes = [
  { by: 'code', item: 'member_code', label: 'search.by.code', hint: 'search.hint.code' },
  { by: 'kana', item: 'name_kana', label: 'search.by.kana', hint: 'search.hint.kana' },
  { by: 'name', item: 'name', label: 'search.by.name', hint: 'search.hint.name' },
  { by: 'phone', item: 'phone', label: 'search.by.phone', hint: 'search.hint.phone' },
] as const satisfies readonly { by: string; item: string; label: MessageKey; hint: MessageKey }[];
type SearchBy = (typeof searchModes)[number]['by'];

const LIMIT = 50;
// Going back from a member to the list shows the same result without searching (and auditing) again.
// Kept in memory only, per signed-in user, and dropped at sign-out.
const lastResults = new Map<string, Member[]>();

export function forgetSearchResults(): void {
  lastResults.clear();
}

export function MemberSearchPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { me } = useSession();
  const labels = useLabels();
  const { query } = useLocation();
  // Whose members: the user's own organization, or one whose members it uses through a joint use (共同利用).
  const joint = me.joint_use.find((j) => j.org_code === query.get('org'));
  const org = joint?.org_code ?? '';
  const purposes: Purpose[] = joint ? joint.purposes.map((p) => ({ ...p, status: 'active' })) : me.purposes;
  const purpose = purposes.some((p) => p.code === query.get('purpose')) ? (query.get('purpose') ?? '') : '';
  const by: SearchBy = (searchModes.find((m) => m.by === query.get('by'))?.by ?? 'kana') as SearchBy;
  const q = query.get('q') ?? '';
  const key = `${me.user.id}|${org}|${purpose}|${by}|${q}`;
  const purposeItems = new Set(purposes.find((p) => p.code === purpose)?.items ?? []);

  const [mode, setMode] = useState<SearchBy>(by);
  const [term, setTerm] = useState(q);
  const [termError, setTermError] = useState<string | undefined>();
  const [result, setResult] = useState<{ key: string; members: Member[] } | null>(() => {
    const cached = lastResults.get(key);
    return cached ? { key, members: cached } : null;
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [run, setRun] = useState(0);

  useEffect(() => {
    setMode(by);
    setTerm(q);
  }, [by, q]);

  // A purpose that may not use the chosen search item (e.g. ⑦ has no kana): switch to one it may use.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the purpose changes
  useEffect(() => {
    const current = searchModes.find((m) => m.by === mode);
    if (!purpose || (current && purposeItems.has(current.item))) return;
    const first = searchModes.find((m) => purposeItems.has(m.item));
    if (first) setMode(first.by);
  }, [purpose]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `run` re-runs the same search on request
  useEffect(() => {
    if (!purpose || !q) {
      setResult(null);
      setError(null);
      return;
    }
    const cached = lastResults.get(key);
    if (cached) {
      setResult({ key, members: cached });
      return;
    }
    let live = true;
    setBusy(true);
    setError(null);
    api
      .get<{ members: Member[] }>('/members', { purpose, [by]: q, limit: LIMIT, ...(org ? { org } : {}) })
      .then((r) => {
        if (!live) return;
        lastResults.set(key, r.members);
        setResult({ key, members: r.members });
      })
      .catch((err: unknown) => {
        if (!live) return;
        setResult(null);
        if (err instanceof ApiError && err.issues.length > 0) setTermError(i18n.pick(err.issues[0]!.message_ja, err.issues[0]!.message_en));
        setError(err);
      })
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [key, run]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const clean = term.trim();
    if (!clean) {
      setTermError(t('search.error.termRequired'));
      return;
    }
    setTermError(undefined);
    const next = `${me.user.id}|${org}|${purpose}|${mode}|${clean}`;
    lastResults.delete(next);
    if (next === key) setRun((n) => n + 1);
    else navigate(href('/members', { org, purpose, by: mode, q: clean }));
  };

  const choosePurpose = (code: string) => {
    lastResults.clear();
    navigate(href('/members', { org, purpose: code }), { replace: true });
  };

  const chooseOrg = (code: string) => {
    lastResults.clear();
    navigate(href('/members', { org: code }), { replace: true });
  };

  const members = result?.members ?? [];
  const columns = sortItems([...new Set(members.flatMap((m) => Object.keys(m)))].filter((k) => k !== 'id' && k !== 'version'));
  const modeInfo = searchModes.find((m) => m.by === mode)!;

  if (me.purposes.length === 0 && me.joint_use.length === 0) {
    return (
      <>
        <PageHeader title={t('search.title')} />
        <Notice tone="info" title={t('home.purposes.none')}>
          {t('home.purposes.noneHelp')}
        </Notice>
      </>
    );
  }

  return (
    <>
      <PageHeader title={t('search.title')} description={t('search.lead')} />
      <Card title={t('search.step1')} className="step-card">
        {me.joint_use.length > 0 && (
          <Field label={t('search.org')} hint={t('search.orgHint')}>
            {(p) => (
              <select {...p} name="org" value={org} onChange={(e) => chooseOrg(e.target.value)}>
                <option value="">{me.organization.name}</option>
                {me.joint_use.map((j) => (
                  <option key={j.org_code} value={j.org_code}>
                    {t('search.orgJoint', { name: j.org_name })}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <PurposeSelect purposes={purposes} value={purpose} onChange={choosePurpose} hint={t('search.purposeHint')} />
        {purpose && (
          <p className="purpose-items" data-testid="purpose-items">
            <span className="purpose-items-label">{t('search.purposeItems')}</span>
            {i18n.list(sortItems([...purposeItems]).map((i) => labels.item(i)))}
          </p>
        )}
      </Card>
      <Card title={t('search.step2')} className={`step-card${purpose ? '' : ' step-disabled'}`}>
        {!purpose && <p className="card-lead">{t('search.choosePurposeFirst')}</p>}
        <form onSubmit={submit} className="search-form" noValidate>
          <fieldset className="segmented" disabled={!purpose}>
            <legend className="field-label">{t('search.by')}</legend>
            {searchModes.map((m) => {
              const allowed = !purpose || purposeItems.has(m.item);
              return (
                <label key={m.by} className={`segmented-option${mode === m.by ? ' checked' : ''}${allowed ? '' : ' unavailable'}`}>
                  <input
                    type="radio"
                    name="by"
                    value={m.by}
                    checked={mode === m.by}
                    disabled={!allowed}
                    onChange={() => {
                      setMode(m.by);
                      setTermError(undefined);
                    }}
                  />
                  {t(m.label)}
                </label>
              );
            })}
          </fieldset>
          <div className="search-row">
            <Field label={t(modeInfo.label)} hint={t(modeInfo.hint)} error={termError} className="search-term">
              {(p) => (
                <input
                  {...p}
                  name="q"
                  type="search"
                  value={term}
                  disabled={!purpose}
                  inputMode={mode === 'code' || mode === 'phone' ? 'numeric' : undefined}
                  onChange={(e) => setTerm(e.target.value)}
                />
              )}
            </Field>
            <Button type="submit" variant="primary" disabled={!purpose} busy={busy} className="search-button">
              {t('search.submit')}
            </Button>
          </div>
          {purpose && !purposeItems.has(modeInfo.item) && <Notice tone="warning">{t('search.modeNotInPurpose')}</Notice>}
        </form>
      </Card>
      {error !== null && <ErrorNotice error={error} />}
      {busy && <Loading label={t('search.searching')} />}
      {!busy && result && purpose && (
        <Card
          title={t('search.results')}
          actions={
            <span className="result-count" data-testid="result-count">
              {t('search.count', { n: members.length })}
            </span>
          }
        >
          {members.length === 0 ? (
            <Empty title={t('search.none')}>{t('search.noneHelp')}</Empty>
          ) : (
            <>
              <p className="card-lead">{t('search.resultsLead', { purpose: labels.purposeTitle(purpose) })}</p>
              <div className="table-wrap">
                <table className="table table-hover" data-testid="search-results">
                  <thead>
                    <tr>
                      {columns.map((c) => (
                        <th key={c} scope="col">
                          {labels.item(c)}
                        </th>
                      ))}
                      <th scope="col" className="col-narrow">
                        <span className="visually-hidden">{t('common.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {members.map((m) => {
                      const to = href(`/members/${m.id}`, { purpose });
                      return (
                        <tr key={m.id} data-testid="member-row">
                          {columns.map((c) => (
                            <td key={c} className={c === 'member_code' ? 'mono' : undefined}>
                              {c === 'status' ? (
                                <Badge tone={m[c] === 'withdrawn' ? 'warn' : m[c] === 'suspended' ? 'neutral' : 'ok'}>
                                  {displayValue(i18n, c, m[c])}
                                </Badge>
                              ) : c === 'member_code' || (c === 'name' && !columns.includes('member_code')) ? (
                                <Link to={to}>{displayValue(i18n, c, m[c])}</Link>
                              ) : (
                                displayValue(i18n, c, m[c])
                              )}
                            </td>
                          ))}
                          <td>
                            <Link to={to} className="btn btn-secondary btn-small">
                              {t('search.open')}
                            </Link>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              {members.length >= LIMIT && <p className="table-note">{t('search.limited', { n: LIMIT })}</p>}
            </>
          )}
        </Card>
      )}
    </>
  );
}
