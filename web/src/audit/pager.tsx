import { Button } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function Pager({
  pageNumber,
  count,
  hasNewer,
  hasOlder,
  onNewer,
  onOlder,
}: {
  pageNumber: number;
  count: number;
  hasNewer: boolean;
  hasOlder: boolean;
  onNewer: () => void;
  onOlder: () => void;
}) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t('pager.label')}>
      <Button small onClick={onNewer} disabled={!hasNewer}>
        ← {t('pager.newer')}
      </Button>
      <span className="pager-status" data-testid="pager-status">
        {t('pager.status', { page: pageNumber, n: count })}
      </span>
      <Button small onClick={onOlder} disabled={!hasOlder}>
        {t('pager.older')} →
      </Button>
    </nav>
  );
}
