/**
 * One information asset: the ledger entry (items and purposes by name), the risk table of the seven stages,
 * the review clock with its history and the form to record a review, and — for those who may edit it — the
 * edit form and retiring.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  acquisitionLabels,
  assetFieldLabels,
  mediumLabels,
  residualLabels,
  reviewResultLabels,
  stageLabels,
} from '../../../src/contract/ledger-vocabulary.ts';
import { api } from '../api/client.ts';
import { Badge, Button, Card, ErrorNotice, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { AssetForm } from './asset-form.tsx';
import { AssetBadges, ResidualBadge, ReviewBadge } from './ledger-badges.tsx';
import { type Asset, draftOf, fieldLabel } from './ledger-model.ts';
import { RetireForm, ReviewForm } from './review-form.tsx';

export function AssetPage({ assetId }: { assetId: string }) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const { query } = useLocation();
  const [asset, setAsset] = useState<Asset | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<string | null>(query.get('saved') === 'created' ? t('ledger.created') : null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setAsset(await api.get<Asset>(`/ledger/assets/${encodeURIComponent(assetId)}`));
    } catch (err) {
      setError(err);
    }
  }, [assetId]);
  useEffect(() => {
    void load();
  }, [load]);

  if (error !== null) return <ErrorNotice error={error} actions={<Link to="/ledger">{t('ledger.back')}</Link>} />;
  if (!asset) return <Loading />;
  const fieldName = (k: keyof typeof assetFieldLabels) => pick(assetFieldLabels[k].ja, assetFieldLabels[k].en);
  const row = (label: string, value: string | null | undefined, testId?: string) => (
    <div className="item-row" key={label} data-testid={testId}>
      <dt>{label}</dt>
      <dd className={value ? 'pre-wrap' : 'muted'}>{value || t('ledger.notEntered')}</dd>
    </div>
  );
  const saved = (a: Asset, message: string) => {
    setAsset(a);
    setEditing(false);
    setNotice(message);
  };

  return (
    <>
      <PageHeader
        crumbs={<Link to="/ledger">{t('ledger.title')}</Link>}
        title={asset.name}
        description={`${asset.code} · ${pick(asset.department.name, asset.department.name_en)} · ${pick(mediumLabels[asset.medium].ja, mediumLabels[asset.medium].en)}`}
        actions={
          <>
            <AssetBadges asset={asset} />
            <span className="version-tag">{t('member.version', { version: asset.version })}</span>
            {asset.can_edit && !editing && (
              <Button
                variant="primary"
                small
                onClick={() => {
                  setNotice(null);
                  setEditing(true);
                }}
              >
                {t('ledger.edit')}
              </Button>
            )}
          </>
        }
      />
      {notice && <Notice tone="success" title={notice} testId="saved" />}
      {asset.status === 'active' && asset.review.state === 'overdue' && (
        <Notice tone="warning" title={t('ledger.overdueTitle')} testId="overdue-notice">
          {t('ledger.overdueText', { date: i18n.date(asset.review.next_review_on), n: asset.review.days_overdue })}
        </Notice>
      )}
      {asset.status === 'retired' && (
        <Notice tone="info" title={t('ledger.retiredTitle', { date: asset.retired_on ? i18n.date(asset.retired_on) : '' })}>
          {asset.retire_reason}
        </Notice>
      )}

      {editing ? (
        <Card title={t('ledger.editTitle')}>
          <AssetForm
            key={asset.version}
            mode="edit"
            asset={asset}
            initial={draftOf(asset)}
            onSaved={(a) => saved(a, t('ledger.saved', { version: a.version }))}
            onCancel={() => setEditing(false)}
            onReload={() => void load()}
          />
        </Card>
      ) : (
        <>
          {asset.gaps.length > 0 && (
            <Notice tone="info" title={t('ledger.gapsTitle', { n: asset.gaps.length })} testId="gaps">
              {i18n.list(asset.gaps.map((g) => fieldLabel(i18n, g)))}
            </Notice>
          )}
          <Card title={t('ledger.section.entry')}>
            <dl className="item-grid" data-testid="asset-entry">
              {row(fieldName('description'), asset.description)}
              {row(fieldName('data_subjects'), asset.data_subjects)}
              {row(fieldName('record_count'), asset.record_count === null ? '' : i18n.number(asset.record_count))}
              {row(
                fieldName('items'),
                i18n.list(
                  asset.items.map(
                    (i) => `${pick(i.name, i.name_en)}${i.status === 'active' ? '' : ` (${i.code}: ${t('ledger.codeRetired')})`}`,
                  ),
                ),
                'asset-items',
              )}
              {row(fieldName('other_items'), asset.other_items)}
              {row(fieldName('purposes'), asset.purposes.map((p) => `${p.label} ${pick(p.name, p.name_en)}`).join('\n'), 'asset-purposes')}
              {row(
                fieldName('sensitive'),
                asset.sensitive ? `${t('ledger.yes')}${asset.sensitive_note ? `：${asset.sensitive_note}` : ''}` : t('ledger.no'),
              )}
              {row(fieldName('storage_location'), asset.storage_location)}
              {row(fieldName('storage_method'), asset.storage_method)}
              {row(fieldName('access_scope'), asset.access_scope)}
              {row(fieldName('period_of_use'), asset.period_of_use)}
              {row(fieldName('retention'), asset.retention)}
              {row(fieldName('disposal_method'), asset.disposal_method)}
              {row(
                fieldName('acquisition_method'),
                asset.acquisition_method
                  ? pick(acquisitionLabels[asset.acquisition_method].ja, acquisitionLabels[asset.acquisition_method].en)
                  : '',
              )}
              {row(fieldName('acquisition_note'), asset.acquisition_note)}
              {row(fieldName('notice_method'), asset.notice_method)}
              {row(fieldName('consent'), asset.consent)}
              {row(fieldName('provision'), asset.provision)}
              {row(fieldName('joint_use'), asset.joint_use)}
              {row(fieldName('contractors'), asset.contractors.map((c) => (c.service ? `${c.name}（${c.service}）` : c.name)).join('\n'))}
            </dl>
          </Card>
          <Card title={t('ledger.section.risks')} actions={<ResidualBadge level={asset.highest_residual_risk} />}>
            <div className="table-wrap">
              <table className="table" data-testid="asset-risks">
                <thead>
                  <tr>
                    <th scope="col">{t('ledger.risk.stage')}</th>
                    <th scope="col">{t('ledger.risk.threats')}</th>
                    <th scope="col">{t('ledger.risk.countermeasures')}</th>
                    <th scope="col">{t('ledger.risk.residual')}</th>
                  </tr>
                </thead>
                <tbody>
                  {asset.risks.map((r) => (
                    <tr key={r.stage} data-stage={r.stage}>
                      <th scope="row" className="nowrap">
                        {pick(stageLabels[r.stage].ja, stageLabels[r.stage].en)}
                      </th>
                      {!r.assessed ? (
                        <td colSpan={3} className="muted">
                          {t('ledger.risk.notAssessed')}
                        </td>
                      ) : (
                        <>
                          <td className="pre-wrap">
                            {!r.applicable && <Badge tone="neutral">{t('ledger.risk.notApplicable')}</Badge>}
                            {!r.applicable && r.threats ? ' ' : ''}
                            {r.threats}
                          </td>
                          <td className="pre-wrap">{r.countermeasures}</td>
                          <td>{r.applicable && r.residual_risk ? <ResidualBadge level={r.residual_risk} /> : '—'}</td>
                        </>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="table-note">
              {pick(residualLabels.high.ja, residualLabels.high.en)}: {t('ledger.risk.highNote')}
            </p>
          </Card>
        </>
      )}

      <Card title={t('ledger.section.review')} actions={<ReviewBadge asset={asset} />}>
        <dl className="item-grid" data-testid="review-status">
          {row(fieldName('review_interval_months'), t('ledger.months', { n: asset.review.interval_months }))}
          {row(fieldName('last_reviewed_on'), asset.review.last_reviewed_on ? i18n.date(asset.review.last_reviewed_on) : '')}
          {row(fieldName('next_review_on'), i18n.date(asset.review.next_review_on), 'next-review')}
        </dl>
        {asset.can_edit && <ReviewForm asset={asset} onSaved={(a) => saved(a, t('ledger.reviewed'))} />}
        <h3 className="subheading">{t('ledger.history')}</h3>
        {(asset.reviews ?? []).length === 0 ? (
          <p className="muted">{t('ledger.noHistory')}</p>
        ) : (
          <table className="table table-dense" data-testid="review-history">
            <thead>
              <tr>
                <th scope="col">{t('ledger.reviewedOn')}</th>
                <th scope="col">{t('ledger.reviewer')}</th>
                <th scope="col">{t('ledger.result')}</th>
                <th scope="col">{t('ledger.notes')}</th>
              </tr>
            </thead>
            <tbody>
              {(asset.reviews ?? []).map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{i18n.date(r.reviewed_on)}</td>
                  <td>{r.reviewer_name}</td>
                  <td>
                    <Badge tone={r.result === 'action_required' ? 'warn' : 'ok'}>
                      {pick(reviewResultLabels[r.result].ja, reviewResultLabels[r.result].en)}
                    </Badge>
                  </td>
                  <td className="pre-wrap">{r.notes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      {asset.can_edit && !editing && (
        <RetireForm
          asset={asset}
          onSaved={(a) => {
            saved(a, t('ledger.retired'));
            navigate(`/ledger/${a.id}`, { replace: true });
          }}
        />
      )}
    </>
  );
}
