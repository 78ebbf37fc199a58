/** Registering a new information asset in the ledger; the saved asset opens on its own page. */
import { Card, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate } from '../router.tsx';
import { useSession } from '../session.tsx';
import { AssetForm } from './asset-form.tsx';
import { emptyDraft } from './ledger-model.ts';

export function NewAssetPage() {
  const { t } = useI18n();
  const { me } = useSession();
  return (
    <>
      <PageHeader title={t('ledger.newTitle')} description={t('ledger.newLead')} crumbs={<Link to="/ledger">{t('ledger.title')}</Link>} />
      <Card>
        <AssetForm
          mode="create"
          initial={emptyDraft(me.department?.code ?? '')}
          onSaved={(a) => navigate(`/ledger/${a.id}?saved=created`)}
          onCancel={() => navigate('/ledger')}
        />
      </Card>
    </>
  );
}
