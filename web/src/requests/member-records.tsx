/**
 * A member's requests and third-party provision records (第三者提供記録, Arts. 29–30), on the member's page,
 * with the way in to enter a new request for this member.
 */
import { useEffect, useState } from 'react';
import type { ProvisionView } from '../../../src/contract/api.ts';
import { api } from '../api/client.ts';
import { Card, ErrorNotice, Loading } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ProvisionRecordForm } from '../provision/record-form.tsx';
import { href, Link } from '../router.tsx';
import { capabilities, useLabels, useSession } from '../session.tsx';
import { MemberConsentsCard } from './member-consents.tsx';
import { handOverMember } from './request-member-picker.tsx';
import type { RequestView } from './request-model.ts';
import { RequestTable } from './request-table.tsx';

/** A GET whose answer the card shows, with its error. */
function useAnswer<T>(path: string, query?: Record<string, string>, reload = 0): { data: T | null; error: unknown } {
  const [state, setState] = useState<{ data: T | null; error: unknown }>({ data: null, error: null });
  const key = `${path}?${new URLSearchParams(query).toString()}#${reload}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key holds path and query
  useEffect(() => {
    let live = true;
    api
      .get<T>(path, query)
      .then((data) => live && setState({ data, error: null }))
      .catch((error: unknown) => live && setState({ data: null, error }));
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}

/** The link 「請求を受け付ける」: the form opens with this member chosen. */
export function NewRequestLink({ member }: { member: { id: string; code: string | null; name: string | null } }) {
  const { t } = useI18n();
  return (
    <Link
      to={href('/requests/new', { member: member.id, code: member.code })}
      className="btn btn-secondary"
      data-testid="member-new-request"
      onClick={() => handOverMember({ id: member.id, code: member.code ?? '', ...(member.name ? { name: member.name } : {}) })}
    >
      {t('member.newRequest')}
    </Link>
  );
}

export function MemberRequestsCard({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const { data, error } = useAnswer<{ requests: RequestView[] }>('/requests', { member_id: memberId, state: 'all' });
  return (
    <Card title={t('member.requests')}>
      {error !== null && <ErrorNotice error={error} />}
      {!data && error === null && <Loading />}
      {data &&
        (data.requests.length === 0 ? (
          <p className="muted">{t('member.requests.none')}</p>
        ) : (
          <RequestTable requests={data.requests} showMember={false} />
        ))}
    </Card>
  );
}

export function MemberProvisionsCard({ memberId }: { memberId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const labels = useLabels();
  const basisLabel = (basis: string) => {
    const key = `provisions.basis.${basis}`;
    return i18n.has(key) ? t(key) : basis;
  };
  const { me } = useSession();
  const [reload, setReload] = useState(0);
  const { data, error } = useAnswer<{ records: ProvisionView[] }>(`/members/${encodeURIComponent(memberId)}/provisions`, undefined, reload);
  // Single records are entered by the roles that record them (modules/provision/permissions.ts).
  const records = me.duties.provision_records === 'handle' && (me.role.kind === 'privacy_officer' || me.role.kind === 'department_manager');
  return (
    <Card title={t('provisions.title')}>
      <p className="card-lead">{t('provisions.lead')}</p>
      {records && <ProvisionRecordForm memberId={memberId} onSaved={() => setReload((n) => n + 1)} />}
      {error !== null && <ErrorNotice error={error} />}
      {!data && error === null && <Loading />}
      {data &&
        (data.records.length === 0 ? (
          <p className="muted">{t('provisions.none')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table table-dense" data-testid="provisions-table">
              <thead>
                <tr>
                  <th scope="col">{t('provisions.occurredOn')}</th>
                  <th scope="col">{t('provisions.direction')}</th>
                  <th scope="col">{t('provisions.counterparty')}</th>
                  <th scope="col">{t('provisions.items')}</th>
                  <th scope="col">{t('provisions.legalBasis')}</th>
                  <th scope="col">{t('provisions.keepUntil')}</th>
                </tr>
              </thead>
              <tbody>
                {data.records.map((r) => (
                  <tr key={r.id} data-testid="provision-row">
                    <td className="nowrap">
                      {i18n.date(r.occurred_on)}
                      {r.continuous && (
                        <span className="sub">
                          {t('provision.continuousEntry', { from: i18n.date(r.continuous.first_on), to: i18n.date(r.continuous.last_on) })}
                        </span>
                      )}
                    </td>
                    <td className="nowrap">{t(`provisions.direction.${r.direction}`)}</td>
                    <td>
                      {r.counterparty_name}
                      {r.counterparty_address && <span className="sub">{r.counterparty_address}</span>}
                      {r.acquisition && <span className="sub">{r.acquisition}</span>}
                    </td>
                    <td>{i18n.list(r.items.map((i) => labels.item(i)))}</td>
                    {/* A receipt (Art. 30) has no basis of provision: the provider's acquisition is shown instead. */}
                    <td>{r.direction === 'received' ? '—' : basisLabel(r.legal_basis)}</td>
                    <td className="nowrap">{i18n.date(r.keep_until)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </Card>
  );
}

/**
 * The member page's panels on the person's say, requests and provisions, only for roles whose work they are
 * (duties): a member opened for delivery shows the delivery items and nothing of these.
 */
export function MemberPrivacyPanels({ memberId }: { memberId: string }) {
  const { me } = useSession();
  const can = capabilities(me);
  return (
    <>
      {can.requests && <MemberConsentsCard memberId={memberId} />}
      {can.requests && <MemberRequestsCard memberId={memberId} />}
      {can.provisions && <MemberProvisionsCard memberId={memberId} />}
    </>
  );
}
