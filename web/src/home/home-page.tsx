/**
 * Home: who you are, what needs your attention (counts that link to their lists), which purposes of use your
 * role may use (and with which items), where to go next.
 */
import { Card, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { sortItems } from '../members/member-fields.ts';
import { href, Link } from '../router.tsx';
import { capabilities, useLabels, useSession } from '../session.tsx';
import { AttentionPanel } from './attention-panel.tsx';

export function HomePage() {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { me } = useSession();
  const labels = useLabels();
  const can = capabilities(me);

  return (
    <>
      <PageHeader
        title={t('home.title', { name: me.user.display_name })}
        description={t('home.lead', {
          role: pick(me.role.name, me.role.name_en),
          org: pick(me.organization.name, me.organization.name_en),
        })}
      />
      <AttentionPanel />
      <div className="quick-links">
        {can.searchMembers && (
          <Link to="/members" className="quick-link">
            <span className="quick-link-title">{t('nav.members')}</span>
            <span className="quick-link-text">{t('home.quick.members')}</span>
          </Link>
        )}
        {can.requests && (
          <Link to="/requests" className="quick-link">
            <span className="quick-link-title">{t('nav.requests')}</span>
            <span className="quick-link-text">{t('home.quick.requests')}</span>
          </Link>
        )}
        {can.audit && (
          <Link to="/audit" className="quick-link">
            <span className="quick-link-title">{t('nav.audit')}</span>
            <span className="quick-link-text">{t('home.quick.audit')}</span>
          </Link>
        )}
        {can.ledger && (
          <Link to="/ledger" className="quick-link">
            <span className="quick-link-title">{t('nav.ledger')}</span>
            <span className="quick-link-text">{t('home.quick.ledger')}</span>
          </Link>
        )}
        {can.alerts && (
          <Link to="/alerts" className="quick-link">
            <span className="quick-link-title">{t('nav.alerts')}</span>
            <span className="quick-link-text">{t('home.quick.alerts')}</span>
          </Link>
        )}
      </div>
      <Card title={t('home.purposes.title')}>
        {me.purposes.length === 0 ? (
          <Notice tone="info" title={t('home.purposes.none')}>
            {t('home.purposes.noneHelp')}
          </Notice>
        ) : (
          <>
            <p className="card-lead">{t('home.purposes.lead')}</p>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col" className="col-narrow">
                    {t('purpose.number')}
                  </th>
                  <th scope="col">{t('purpose.name')}</th>
                  <th scope="col">{t('purpose.items')}</th>
                  <th scope="col" className="col-narrow">
                    <span className="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {me.purposes.map((p) => (
                  <tr key={p.code}>
                    <td className="purpose-number">{p.label}</td>
                    <td>{pick(p.name, p.name_en)}</td>
                    <td className="item-list">{i18n.list(sortItems(p.items).map((i) => labels.item(i)))}</td>
                    <td>
                      <Link to={href('/members', { purpose: p.code })} className="btn btn-secondary btn-small">
                        {t('home.purposes.search')}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Card>
    </>
  );
}
