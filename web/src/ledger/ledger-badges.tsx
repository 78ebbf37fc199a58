/** Small marks of an asset: its review state (overdue in red), its highest residual risk, 要配慮, gaps, retired. */
import { type ResidualLevel, residualLabels } from '../../../src/contract/ledger-vocabulary.ts';
import { Badge } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { Asset } from './ledger-model.ts';

export function ReviewBadge({ asset }: { asset: Asset }) {
  const { t } = useI18n();
  if (asset.status === 'retired') return null;
  const r = asset.review;
  if (r.state === 'overdue')
    return (
      <span data-testid="review-overdue">
        <Badge tone="bad">{t('ledger.review.overdueDays', { n: r.days_overdue })}</Badge>
      </span>
    );
  if (r.state === 'due_soon') return <Badge tone="warn">{t('ledger.review.dueSoon', { n: r.days_left })}</Badge>;
  return <Badge tone="ok">{t('ledger.review.ok')}</Badge>;
}

const levelTone = { low: 'ok', medium: 'warn', high: 'bad' } as const;

export function ResidualBadge({ level }: { level: ResidualLevel | null }) {
  const { t, pick } = useI18n();
  if (!level) return <span className="muted small">{t('ledger.risk.none')}</span>;
  return <Badge tone={levelTone[level]}>{pick(residualLabels[level].ja, residualLabels[level].en)}</Badge>;
}

export function AssetBadges({ asset }: { asset: Asset }) {
  const { t } = useI18n();
  return (
    <span className="badges">
      {asset.status === 'retired' && <Badge tone="neutral">{t('ledger.status.retired')}</Badge>}
      {asset.sensitive && <Badge tone="info">{t('ledger.sensitive')}</Badge>}
      {asset.gaps.length > 0 && (
        <span title={t('ledger.gapsHelp')}>
          <Badge tone="warn">{t('ledger.gaps', { n: asset.gaps.length })}</Badge>
        </span>
      )}
    </span>
  );
}
