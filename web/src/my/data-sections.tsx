/**
 * What the co-op holds and does with the person's data, as the member page shows it: the items, the
 * purposes with the person's status on each (grouped by the purpose's consent mode in the register, each
 * group collapsed so that the page stays short on a phone), joint uses, third-party provision records and
 * where to ask. All of it comes from one `GET /portal/my` (the disclosure package without the access log).
 * Texts name whose data it is (「あなたの」, or the ward's name on a guardian's view: whose.ts).
 */
import { memberFieldCodes } from '../../../src/contract/member-fields.ts';
import { Badge, Card, Empty } from '../components/ui.tsx';
import { type I18n, useI18n } from '../i18n/i18n.tsx';
import { displayValue } from '../members/member-fields.ts';
import { circledNumber } from '../policy/types.ts';
import { Link } from '../router.tsx';
import { purposeStatusOf } from './labels.ts';
import type { MyData } from './types.ts';
import { useWhose } from './whose.ts';

const ledgerFields = new Set<string>(memberFieldCodes);

/** Item labels in the current language, from the labels the package carries. */
export function itemLabels(data: MyData, { pick, t, has }: I18n) {
  const byCode = new Map(data.items.map((i) => [i.code, i.label]));
  return (code: string) => {
    const label = byCode.get(code);
    if (label) return pick(label.ja, label.en);
    const key = `field.${code}`;
    return has(key) ? t(key) : code;
  };
}

export function ItemsSection({ data }: { data: MyData }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const whose = useWhose();
  return (
    <Card
      title={t('my.items.title', { ...whose })}
      actions={
        <Link to="/my/contact" className="btn btn-secondary">
          {t('my.contact.open')}
        </Link>
      }
    >
      <p className="card-lead">{t('my.items.lead', { ...whose })}</p>
      <dl className="my-items" data-testid="my-items">
        {data.items.map((item) => (
          <div key={item.code} className="my-item" data-item={item.code}>
            <dt>
              {pick(item.label.ja, item.label.en)}
              {item.sensitive && (
                <span className="sensitive-mark" title={t('my.items.sensitive.help')}>
                  {t('my.items.sensitive')}
                </span>
              )}
              {item.retained_by_law && <Badge tone="warn">{t('my.items.retained')}</Badge>}
            </dt>
            <dd>{itemValue(i18n, item)}</dd>
          </div>
        ))}
      </dl>
      <p className="table-note">
        {t('my.items.correctNote')} <Link to="/my/requests/new?kind=correction">{t('my.items.correctLink')}</Link>
      </p>
    </Card>
  );
}

function itemValue(i18n: I18n, item: MyData['items'][number]) {
  // Items outside the member ledger (purchase history, inquiries) live in the co-op's other systems.
  if (!ledgerFields.has(item.code)) return <span className="muted">{i18n.t('my.items.elsewhere')}</span>;
  const text = displayValue(i18n, item.code, item.value);
  return text ? text : <span className="muted">{i18n.t('my.items.none')}</span>;
}

/** The groups of purposes, in the order the page shows them: those the person can choose about first. */
const purposeGroups = ['opt_out', 'opt_in', 'none'] as const;
const groupTitle = {
  opt_out: 'my.purposes.group.opt_out',
  opt_in: 'my.purposes.group.opt_in',
  none: 'my.purposes.group.none',
} as const;

export function PurposesSection({ data }: { data: MyData }) {
  const i18n = useI18n();
  const { t } = i18n;
  const whose = useWhose();
  return (
    <Card title={t('my.purposes.title', { ...whose })}>
      <p className="card-lead">{t('my.purposes.lead', { ...whose })}</p>
      {purposeGroups.map((mode) => {
        const purposes = data.purposes.filter((p) => p.consent_mode === mode);
        if (purposes.length === 0) return null;
        const notInUse = purposes.filter((p) => p.status !== 'in_use').length;
        return (
          <details key={mode} className="my-purpose-group" data-testid={`purpose-group-${mode}`}>
            <summary>
              <span className="my-purpose-group-title">{t(groupTitle[mode])}</span>
              <span className="my-purpose-group-count">
                {t('my.purposes.group.count', { n: purposes.length })}
                {notInUse > 0 && (
                  <>
                    {' · '}
                    <Badge tone="warn">{t('my.purposes.group.notInUse', { n: notInUse })}</Badge>
                  </>
                )}
              </span>
            </summary>
            <p className="my-note">{t(`${groupTitle[mode]}.help`)}</p>
            <ol className="my-purposes" data-testid="my-purposes">
              {purposes.map((p) => (
                <PurposeRow key={p.code} purpose={p} data={data} />
              ))}
            </ol>
          </details>
        );
      })}
    </Card>
  );
}

function PurposeRow({ purpose: p, data }: { purpose: MyData['purposes'][number]; data: MyData }) {
  const i18n = useI18n();
  const { t, pick, list } = i18n;
  const whose = useWhose();
  const label = itemLabels(data, i18n);
  const status = purposeStatusOf(p.status, p.consent_mode);
  return (
    <li className="my-purpose" data-purpose={p.code}>
      <span className="my-purpose-number" aria-hidden="true">
        {circledNumber(p.number)}
      </span>
      <div className="my-purpose-body">
        <p className="my-purpose-name">
          <span className="visually-hidden">{circledNumber(p.number)} </span>
          {pick(p.name, p.name_en)}
        </p>
        <p className="my-purpose-items">
          <span className="my-purpose-items-label">{t('my.purposes.items')}</span> {list(p.items.map(label))}
        </p>
        {p.consent_mode !== 'none' && (
          <p className="my-purpose-items">{t(p.consent_mode === 'opt_out' ? 'my.purposes.optOut' : 'my.purposes.optIn', { ...whose })}</p>
        )}
      </div>
      <span className="my-purpose-status" data-testid="purpose-status">
        <Badge tone={status.tone}>{t(status.label)}</Badge>
      </span>
    </li>
  );
}

export function JointUsesSection({ data }: { data: MyData }) {
  const i18n = useI18n();
  const whose = useWhose();
  const { t, list, date } = i18n;
  const label = itemLabels(data, i18n);
  const number = new Map(data.purposes.map((p) => [p.code, circledNumber(p.number)]));
  return (
    <Card title={t('my.joint.title')}>
      <p className="card-lead">{t('my.joint.lead', { ...whose })}</p>
      {data.joint_uses.length === 0 ? (
        <Empty title={t('my.joint.none')} />
      ) : (
        data.joint_uses.map((j) => (
          <section key={j.code} className="my-joint" data-testid="joint-use">
            <h3 className="my-subtitle">{j.name}</h3>
            <dl className="my-facts">
              <dt>{t('my.joint.users')}</dt>
              <dd>
                <ul className="my-plain-list">
                  {j.users.map((u) => (
                    <li key={u}>{u}</li>
                  ))}
                </ul>
              </dd>
              <dt>{t('my.joint.items')}</dt>
              <dd>{list(j.items.map(label))}</dd>
              <dt>{t('my.joint.purposes')}</dt>
              <dd>{j.purposes.map((p) => number.get(p) ?? p).join(' ')}</dd>
              <dt>{t('my.joint.responsible')}</dt>
              <dd>{j.responsible ?? '—'}</dd>
              {j.starts_on && (
                <>
                  <dt>{t('my.joint.since')}</dt>
                  <dd>{date(j.starts_on)}</dd>
                </>
              )}
            </dl>
          </section>
        ))
      )}
    </Card>
  );
}

export function ProvisionSection({ data }: { data: MyData }) {
  const i18n = useI18n();
  const whose = useWhose();
  const { t, list, date, has } = i18n;
  const label = itemLabels(data, i18n);
  return (
    <Card title={t('my.provision.title')}>
      <p className="card-lead">{t('my.provision.lead', { ...whose })}</p>
      {data.provision_records.length === 0 ? (
        <Empty title={t('my.provision.none')} />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="provision-records">
            <thead>
              <tr>
                <th>{t('my.provision.date')}</th>
                <th>{t('my.provision.direction')}</th>
                <th>{t('my.provision.counterparty')}</th>
                <th>{t('my.provision.items')}</th>
                <th>{t('my.provision.basis')}</th>
              </tr>
            </thead>
            <tbody>
              {data.provision_records.map((r) => {
                const basisKey = `policy.legalBasis.${r.legal_basis}`;
                return (
                  <tr key={`${r.occurred_on}-${r.counterparty}-${r.items.join()}`}>
                    <td className="nowrap">
                      {date(r.occurred_on)}
                      {r.continuous && (
                        <span className="sub">
                          {t('provision.continuousEntry', { from: date(r.continuous.first_on), to: date(r.continuous.last_on) })}
                        </span>
                      )}
                    </td>
                    <td className="nowrap">{t(r.direction === 'provided' ? 'my.provision.provided' : 'my.provision.received')}</td>
                    <td>
                      {r.counterparty}
                      {(r.counterparty_address || r.counterparty_representative) && (
                        <span className="sub">{[r.counterparty_address, r.counterparty_representative].filter(Boolean).join(' ')}</span>
                      )}
                      {r.acquisition && <span className="sub">{t('my.provision.acquisition', { text: r.acquisition })}</span>}
                    </td>
                    <td>{list(r.items.map(label))}</td>
                    <td>{r.direction === 'received' ? '—' : has(basisKey) ? t(basisKey) : r.legal_basis}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

export function ContactSection({ data }: { data: MyData }) {
  const { t } = useI18n();
  const c = data.contact;
  if (!c) return null;
  return (
    <Card title={t('my.help.title')}>
      <p className="card-lead">{t('my.help.lead')}</p>
      <dl className="my-facts">
        <dt>{t('my.help.desk')}</dt>
        <dd>{c.name}</dd>
        {c.phone && (
          <>
            <dt>{t('my.help.phone')}</dt>
            <dd>
              <a href={`tel:${c.phone.replace(/[^\d+]/g, '')}`}>{c.phone}</a>
            </dd>
          </>
        )}
        {c.email && (
          <>
            <dt>{t('my.help.email')}</dt>
            <dd>
              <a href={`mailto:${c.email}`}>{c.email}</a>
            </dd>
          </>
        )}
        {c.address && (
          <>
            <dt>{t('my.help.address')}</dt>
            <dd>{c.address}</dd>
          </>
        )}
        {c.hours && (
          <>
            <dt>{t('my.help.hours')}</dt>
            <dd>{c.hours}</dd>
          </>
        )}
      </dl>
    </Card>
  );
}
