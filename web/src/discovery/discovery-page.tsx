/**
 * /systems/:code/discovery: the discovery panel of one connected system on a page of its own (reached from the
 * systems register, or by URL).
 */
import { PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { DiscoveryPanel } from './discovery-panel.tsx';

export function DiscoveryPage({ code }: { code: string }) {
  const { t } = useI18n();
  return (
    <>
      <PageHeader
        title={t('discovery.pageTitle', { code })}
        description={t('discovery.pageLead')}
        crumbs={<Link to="/systems">{t('discovery.crumbSystems')}</Link>}
      />
      <DiscoveryPanel code={code} />
    </>
  );
}
