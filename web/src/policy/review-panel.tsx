/**
 * The review beside the editor, always in view: what still blocks publishing (errors, each a link to its
 * tab and row), the warnings, what changed since the last published version with what each change requires
 * (prior notice, notice after, consent), and the earliest date the draft may take effect.
 */
import { Badge, Button } from '../components/ui.tsx';
import { type I18n, useI18n } from '../i18n/i18n.tsx';
import { tabLabel } from './labels.ts';
import { rowOf, tabOf } from './paths.ts';
import type { DraftReview, LintGap, PolicyChange } from './types.ts';

const noticeTone = { prior: 'bad', after: 'info', consent: 'warn', none: 'neutral' } as const;

/** The badge of what a change requires before (or after) it takes effect; nothing for wording changes. */
export function NoticeBadge({ notice }: { notice: PolicyChange['notice'] }) {
  const { t } = useI18n();
  if (notice === 'none') return null;
  return (
    <span data-testid={`notice-${notice}`}>
      <Badge tone={noticeTone[notice]}>{t(`policy.notice.${notice}`)}</Badge>
    </span>
  );
}

export function ChangeList({ changes }: { changes: readonly PolicyChange[] }) {
  const { pick } = useI18n();
  return (
    <ul className="change-list">
      {changes.map((c, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: changes are listed as computed, in order
        <li key={i} data-testid="change" data-notice={c.notice} data-section={c.section}>
          <span>{pick(c.summary_ja, c.summary_en)}</span> <NoticeBadge notice={c.notice} />
        </li>
      ))}
    </ul>
  );
}

/** Where a gap is, for the link: 共同利用 · 2行目. */
function placeOf(i18n: I18n, gap: LintGap): string {
  const tab = i18n.t(tabLabel[tabOf(gap.path)]);
  const row = rowOf(gap.path);
  return row === undefined ? tab : `${tab} · ${i18n.t('policy.review.row', { n: row + 1 })}`;
}

export function ReviewPanel({
  review,
  dirty,
  editable,
  onGap,
  onPublish,
}: {
  review: DraftReview;
  dirty: boolean;
  editable: boolean;
  onGap: (path: string) => void;
  onPublish: () => void;
}) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const errors = review.gaps.filter((g) => g.severity === 'error');
  const warnings = review.gaps.filter((g) => g.severity === 'warning');
  const gapList = (gaps: LintGap[], severity: LintGap['severity']) => (
    <ul className={`gap-list gap-list-${severity}`}>
      {gaps.map((g, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a gap's place and code may repeat (e.g. two duplicates)
        <li key={i} data-testid="gap" data-severity={g.severity} data-code={g.code}>
          <button type="button" className="gap-link" onClick={() => onGap(g.path)}>
            <span className="gap-message">{pick(g.message_ja, g.message_en)}</span>
            <span className="gap-place">→ {placeOf(i18n, g)}</span>
          </button>
        </li>
      ))}
    </ul>
  );

  return (
    <aside className="review-panel" aria-label={t('policy.review.label')} data-testid="review-panel">
      <h2 className="review-title">{t('policy.review.title')}</h2>
      {dirty && <p className="review-stale">{t('policy.review.stale')}</p>}

      <section className="review-section">
        <h3 className="review-heading">
          {t('policy.review.errors')}{' '}
          <span className={`review-count${errors.length ? ' review-count-bad' : ' review-count-ok'}`} data-testid="error-count">
            {errors.length}
          </span>
        </h3>
        {errors.length === 0 ? (
          <p className="review-ok" data-testid="review-ok">
            ✓ {t('policy.review.noErrors')}
          </p>
        ) : (
          gapList(errors, 'error')
        )}
      </section>

      {warnings.length > 0 && (
        <section className="review-section">
          <h3 className="review-heading">
            {t('policy.review.warnings')} <span className="review-count review-count-warn">{warnings.length}</span>
          </h3>
          {gapList(warnings, 'warning')}
        </section>
      )}

      <section className="review-section">
        <h3 className="review-heading">
          {review.base
            ? t('policy.review.changesSince', { n: review.base.number, date: review.base.effective_on })
            : t('policy.review.changesFirst')}
        </h3>
        {review.changes.length === 0 ? (
          <p className="muted small">{t('policy.review.noChanges')}</p>
        ) : (
          <ChangeList changes={review.changes} />
        )}
      </section>

      <section className="review-section">
        <h3 className="review-heading">{t('policy.review.earliest')}</h3>
        <p className="review-date" data-testid="earliest-date">
          {review.earliest_effective_on}
        </p>
        {review.notice_required && (
          <p className="review-prior" data-testid="prior-notice">
            {t('policy.publish.priorNotice', { date: review.earliest_effective_on })}
          </p>
        )}
      </section>

      {editable && (
        <div className="review-actions">
          <Button
            variant="primary"
            className="btn-block"
            disabled={dirty || !review.publishable}
            onClick={onPublish}
            data-testid="open-publish"
          >
            {t('policy.publish.open')}
          </Button>
          {dirty && <p className="field-hint">{t('policy.publish.saveFirst')}</p>}
          {!dirty && !review.publishable && <p className="field-hint">{t('policy.publish.notPublishable')}</p>}
        </div>
      )}
    </aside>
  );
}
