/**
 * Member search: first the purpose of use, then one search term (member code, kana prefix, name prefix or
 * phone) and/or filters by address prefix and birth year (offered only when the purpose uses those items). The
 * result shows only the fields the server returned for that purpose, how many matched (「1,000 件以上」 beyond
 * the server's cap) and pages of 20, 50 or 100. Every search, every page, is audited.
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

const PAGE_SIZES = [20, 50, 100] as const;
const DEFAULT_SIZE = 50;
/** The furthest page the server serves (its count cap): beyond, the staff narrow the search. */
const MAX_OFFSET = 1000;

interface SearchAnswer {
  members: Member[];
  total: number;
  total_exact: boolean;
  offset: number;
  limit: number;
}
// Going back from a member to the list shows the same result without searching (and auditing) again.
// Kept in memory only, per signed-in user, and dropped at sign-out.
const lastResults = new Map<string, SearchAnswer>();

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
  const addr = query.get('address') ?? '';
  const birth = query.get('birth_year') ?? '';
  const size = PAGE_SIZES.find((n) => String(n) === query.get('size')) ?? DEFAULT_SIZE;
  const offset = Math.min(Math.max(Number(query.get('offset')) || 0, 0), MAX_OFFSET);
  const key = `${me.user.id}|${org}|${purpose}|${by}|${q}|${addr}|${birth}|${size}|${offset}`;
  const purposeItems = new Set(purposes.find((p) => p.code === purpose)?.items ?? []);
  const canAddress = purposeItems.has('address');
  const canBirth = purposeItems.has('birth_date');

  const [mode, setMode] = useState<SearchBy>(by);
  const [term, setTerm] = useState(q);
  const [address, setAddress] = useState(addr);
  const [birthYear, setBirthYear] = useState(birth);
  const [pageSize, setPageSize] = useState<number>(size);
  const [termError, setTermError] = useState<string | undefined>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ key: string; answer: SearchAnswer } | null>(() => {
    const cached = lastResults.get(key);
    return cached ? { key, answer: cached } : null;
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [run, setRun] = useState(0);

  useEffect(() => {
    setMode(by);
    setTerm(q);
    setAddress(addr);
    setBirthYear(birth);
    setPageSize(size);
  }, [by, q, addr, birth, size]);

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
    if (!purpose || (!q && !addr && !birth)) {
      setResult(null);
      setError(null);
      return;
    }
    const cached = lastResults.get(key);
    if (cached) {
      setResult({ key, answer: cached });
      return;
    }
    let live = true;
    setBusy(true);
    setError(null);
    api
      .get<SearchAnswer>('/members', {
        purpose,
        ...(q ? { [by]: q } : {}),
        ...(addr ? { address: addr } : {}),
        ...(birth ? { birth_year: birth } : {}),
        limit: size,
        ...(offset ? { offset } : {}),
        ...(org ? { org } : {}),
      })
      .then((r) => {
        if (!live) return;
        lastResults.set(key, r);
        setResult({ key, answer: r });
      })
      .catch((err: unknown) => {
        if (!live) return;
        setResult(null);
        if (err instanceof ApiError && err.issues.length > 0) {
          const byField: Record<string, string> = {};
          for (const issue of err.issues) byField[issue.field] ??= i18n.pick(issue.message_ja, issue.message_en);
          setFieldErrors(byField);
          const other = err.issues.find((i) => i.field !== 'address' && i.field !== 'birth_year');
          if (other) setTermError(i18n.pick(other.message_ja, other.message_en));
        }
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
    const cleanAddress = canAddress ? address.trim() : '';
    const cleanBirth = canBirth ? birthYear.trim() : '';
    if (!clean && !cleanAddress && !cleanBirth) {
      setTermError(t(canAddress || canBirth ? 'search.error.termOrFilter' : 'search.error.termRequired'));
      return;
    }
    setTermError(undefined);
    setFieldErrors({});
    const to = {
      org,
      purpose,
      by: mode,
      q: clean,
      address: cleanAddress,
      birth_year: cleanBirth,
      size: pageSize === DEFAULT_SIZE ? '' : pageSize,
    };
    const next = `${me.user.id}|${org}|${purpose}|${mode}|${clean}|${cleanAddress}|${cleanBirth}|${pageSize}|0`;
    lastResults.delete(next);
    if (next === key) setRun((n) => n + 1);
    else navigate(href('/members', to));
  };

  /** Another page of the same search (each page is a search of its own, audited). */
  const goTo = (nextOffset: number) => {
    setFieldErrors({});
    navigate(
      href('/members', {
        org,
        purpose,
        by,
        q,
        address: addr,
        birth_year: birth,
        size: size === DEFAULT_SIZE ? '' : size,
        offset: nextOffset || '',
      }),
    );
  };

  const choosePurpose = (code: string) => {
    lastResults.clear();
    navigate(href('/members', { org, purpose: code }), { replace: true });
  };

  const chooseOrg = (code: string) => {
    lastResults.clear();
    navigate(href('/members', { org: code }), { replace: true });
  };

  const answer = result?.answer;
  const members = answer?.members ?? [];
  const total = answer?.total ?? 0;
  const exact = answer?.total_exact ?? true;
  const hasNext = exact ? offset + members.length < total : members.length === size && offset + size < MAX_OFFSET;
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
          <fieldset className="search-filters" disabled={!purpose}>
            <legend className="field-label">{t('search.filters')}</legend>
            {canAddress && (
              <Field label={t('search.filter.address')} hint={t('search.filter.addressHint')} error={fieldErrors.address}>
                {(p) => <input {...p} name="address" type="text" value={address} onChange={(e) => setAddress(e.target.value)} />}
              </Field>
            )}
            {canBirth && (
              <Field label={t('search.filter.birthYear')} hint={t('search.filter.birthYearHint')} error={fieldErrors.birth_year}>
                {(p) => (
                  <input
                    {...p}
                    name="birth_year"
                    type="text"
                    inputMode="numeric"
                    className="input-narrow"
                    value={birthYear}
                    onChange={(e) => setBirthYear(e.target.value)}
                  />
                )}
              </Field>
            )}
            {purpose && !canAddress && !canBirth && <p className="field-hint">{t('search.filter.none')}</p>}
            <Field label={t('search.pageSize')}>
              {(p) => (
                <select {...p} name="size" value={pageSize} onChange={(e) => setPageSize(Number(e.target.value))}>
                  {PAGE_SIZES.map((n) => (
                    <option key={n} value={n}>
                      {t('search.pageSizeOption', { n })}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </fieldset>
        </form>
      </Card>
      {error !== null && <ErrorNotice error={error} />}
      {busy && <Loading label={t('search.searching')} />}
      {!busy && result && purpose && (
        <Card
          title={t('search.results')}
          actions={
            <span className="result-count" data-testid="result-count">
              {exact
                ? t('search.count', { n: i18n.number(total) })
                : total >= MAX_OFFSET
                  ? t('search.countCapped', { n: i18n.number(MAX_OFFSET) })
                  : t('search.countAtLeast', { n: i18n.number(total) })}
            </span>
          }
        >
          {members.length === 0 ? (
            <Empty title={t('search.none')}>
              {t('search.noneHelp')}
              {offset > 0 && (
                <>
                  {' '}
                  <Link to={href('/members', { org, purpose, by, q, address: addr, birth_year: birth })}>{t('search.firstPage')}</Link>
                </>
              )}
            </Empty>
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
              {!exact && <p className="table-note">{t('search.narrow')}</p>}
              <nav className="pager" aria-label={t('search.pager')}>
                <Button small onClick={() => goTo(Math.max(offset - size, 0))} disabled={offset === 0}>
                  ← {t('search.previous')}
                </Button>
                <span className="pager-status" data-testid="search-range">
                  {t('search.range', { from: i18n.number(offset + 1), to: i18n.number(offset + members.length) })}
                </span>
                <Button small onClick={() => goTo(offset + size)} disabled={!hasNext}>
                  {t('search.next')} →
                </Button>
              </nav>
            </>
          )}
        </Card>
      )}
    </>
  );
}
