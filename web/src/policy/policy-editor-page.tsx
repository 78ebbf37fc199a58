/**
 * 登録簿の編集: the organization's draft policy, one tab per register, with the review beside it. Saving sends
 * the revision the editor started from: when someone else saved meanwhile the server refuses, and the officer
 * reloads (nothing is overwritten silently). Readers (administrators, auditors, department managers) see the
 * same screen read-only.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { href, Link, navigate, setNavigationGuard, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { DraftSources } from './draft-sources.tsx';
import { focusPath, normalisePath, tabOf } from './paths.ts';
import { PolicyTabs } from './policy-tabs.tsx';
import { PublishDialog } from './publish-dialog.tsx';
import { ReviewPanel } from './review-panel.tsx';
import { type Doc, type DraftAnswer, type TabId, tabIds } from './types.ts';
import { useUserNames } from './use-user-names.ts';

export function PolicyEditorPage() {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { me } = useSession();
  const editable = me.role.kind === 'privacy_officer';
  const { query } = useLocation();
  const initialTab = query.get('tab');
  const [answer, setAnswer] = useState<DraftAnswer | null>(null);
  const [doc, setDoc] = useState<Doc | null>(null);
  const [dirty, setDirty] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState<TabId>((tabIds as readonly string[]).includes(initialTab ?? '') ? (initialTab as TabId) : 'organization');
  const [focus, setFocus] = useState<{ path: string; at: number } | null>(null);
  const [publishing, setPublishing] = useState(false);
  const main = useRef<HTMLDivElement>(null);
  const userName = useUserNames();

  const accept = useCallback((a: DraftAnswer) => {
    setAnswer(a);
    setDoc(a.draft.document);
    setDirty(false);
  }, []);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      accept(await api.get<DraftAnswer>('/policy/draft'));
      setSaveError(null);
    } catch (err) {
      setLoadError(err);
    }
  }, [accept]);

  useEffect(() => {
    void load();
  }, [load]);

  // Leaving with unsaved changes (another screen, a reload, closing the tab) asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    setNavigationGuard(() => t('policy.editor.leave'));
    return () => {
      window.removeEventListener('beforeunload', warn);
      setNavigationGuard(undefined);
    };
  }, [dirty, t]);

  // After a gap or issue is chosen, its tab renders first, then its input is focused.
  useEffect(() => {
    if (focus && main.current) focusPath(main.current, focus.path);
  }, [focus]);

  const goTo = (path: string) => {
    setTab(tabOf(path));
    setFocus({ path, at: Date.now() });
  };

  const change = (patch: Partial<Doc>) => {
    setDoc((d) => (d ? { ...d, ...patch } : d));
    setDirty(true);
    setDone(null);
  };

  const save = async () => {
    if (!answer || !doc) return;
    setBusy(true);
    setSaveError(null);
    setDone(null);
    try {
      const next = await api.put<DraftAnswer>('/policy/draft', { revision: answer.draft.revision, document: doc });
      accept(next);
      setDone(t('policy.editor.saved', { revision: next.draft.revision }));
    } catch (err) {
      setSaveError(err);
    } finally {
      setBusy(false);
    }
  };

  const conflict = saveError instanceof ApiError && saveError.code === 'policy_edit_conflict';
  const issues = saveError instanceof ApiError && !conflict ? saveError.issues : [];
  const errorGaps = useMemo(() => (answer ? answer.review.gaps.filter((g) => g.severity === 'error') : []), [answer]);
  const messages = useMemo(() => {
    const m = new Map<string, string>();
    // A gap's place is the saved draft's: once edited, rows may have moved, so only issues of the last save show inline.
    if (!dirty) for (const g of errorGaps) m.set(normalisePath(g.path), pick(g.message_ja, g.message_en));
    for (const i of issues) m.set(normalisePath(i.field), pick(i.message_ja, i.message_en));
    return m;
  }, [dirty, errorGaps, issues, pick]);
  const errorsByTab = useMemo(() => {
    const counts: Partial<Record<TabId, number>> = {};
    for (const g of errorGaps) counts[tabOf(g.path)] = (counts[tabOf(g.path)] ?? 0) + 1;
    return counts;
  }, [errorGaps]);

  if (loadError) return <ErrorNotice error={loadError} />;
  if (!answer || !doc) return <Loading />;
  const { draft, review } = answer;

  return (
    <>
      <PageHeader
        title={t('policy.editor.title')}
        description={t(editable ? 'policy.editor.lead' : 'policy.editor.leadReadOnly', { days: answer.prior_notice_days })}
        actions={
          <>
            <a className="btn btn-secondary" href="/api/v1/policy/draft/file" download data-testid="download-draft">
              {t('policy.editor.download')}
            </a>
            <Link className="btn btn-secondary" to="/policy/versions">
              {t('policy.nav.versions')}
            </Link>
          </>
        }
      />
      {!editable && <Notice tone="info">{t('policy.editor.readOnly')}</Notice>}
      <div className="policy-layout">
        <div className="policy-main" ref={main}>
          <div className={`save-bar${dirty ? ' save-bar-dirty' : ''}`}>
            <p className="save-bar-status" data-testid="draft-status">
              {dirty ? (
                <strong>{t('policy.editor.unsaved')}</strong>
              ) : (
                t('policy.editor.status', {
                  revision: draft.revision,
                  at: i18n.dateTime(draft.updated_at),
                  by: userName(draft.updated_by, draft.updated_by_name),
                })
              )}
            </p>
            {editable && (
              <div className="save-bar-actions">
                {dirty && (
                  <Button onClick={() => accept(answer)} disabled={busy}>
                    {t('policy.editor.discard')}
                  </Button>
                )}
                <Button variant="primary" busy={busy} disabled={!dirty} onClick={() => void save()} data-testid="save-draft">
                  {t('policy.editor.save')}
                </Button>
              </div>
            )}
          </div>
          {done && <Notice tone="success" title={done} testId="saved" />}
          {conflict && (
            <Notice
              tone="error"
              title={t('policy.editor.conflict')}
              testId="conflict"
              actions={
                <Button variant="primary" small onClick={() => void load()}>
                  {t('policy.editor.reload')}
                </Button>
              }
            >
              {t('policy.editor.conflictHelp')}
            </Notice>
          )}
          {saveError !== null && !conflict && (
            <div data-testid="save-error">
              <ErrorNotice error={saveError} />
              {issues.length > 0 && (
                <ul className="issue-list">
                  {issues.map((i, k) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: issues are listed as the server sent them
                    <li key={k}>
                      <button type="button" className="link-button" onClick={() => goTo(i.field)}>
                        {pick(i.message_ja, i.message_en)}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <PolicyTabs
            doc={doc}
            change={change}
            tab={tab}
            onTab={(k) => {
              setTab(k);
              // Remember the tab in the address (for reloads) without a navigation, which would scroll to the top.
              window.history.replaceState(null, '', href('/policy', { tab: k }));
            }}
            readOnly={!editable}
            messages={messages}
            errorsByTab={errorsByTab}
          />
          {editable && (
            <DraftSources
              revision={draft.revision}
              dirty={dirty}
              onReplaced={(a, how) => {
                accept(a);
                setSaveError(null);
                setDone(t('policy.editor.replaced', { source: how, revision: a.draft.revision }));
              }}
            />
          )}
        </div>
        <ReviewPanel review={review} dirty={dirty} editable={editable} onGap={goTo} onPublish={() => setPublishing(true)} />
      </div>
      {publishing && (
        <PublishDialog
          revision={draft.revision}
          review={review}
          onClose={() => setPublishing(false)}
          onPublished={(v) => navigate(href('/policy/versions', { published: v.number }))}
        />
      )}
    </>
  );
}
