/**
 * 委託先・共同利用: data that leaves the co-op to contractors and joint users (issue 14 §2). Contractors with
 * their contract and inspections, the hand-over log and new hand-overs; transfers to joint users with a preview.
 * The privacy officer acts, the auditor reads (modules/handovers/permissions.ts; the API refuses the same).
 */
import { PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { capabilities, useSession } from '../session.tsx';
import { ContractorsCard } from './contractors-card.tsx';
import { JointUseCard } from './joint-use-card.tsx';

export function HandoversPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const canHandle = capabilities(me).handleHandovers;
  return (
    <>
      <PageHeader title={t('handovers.title')} description={t('handovers.lead')} />
      <ContractorsCard canHandle={canHandle} />
      <JointUseCard canHandle={canHandle} />
    </>
  );
}
