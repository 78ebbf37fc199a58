/**
 * 第三者提供: recipients (named, or a category such as 損害保険会社), the legal basis (Art. 27(1) or consent),
 * the items, how the data is sent, and for a foreign recipient its country, that country's regime and the recipient's
 * measures (Art. 28).
 */
import { useI18n } from '../../i18n/i18n.tsx';
import { CheckInput, CheckList, opt, SelectInput, TextInput } from '../form.tsx';
import { itemOptions, legalBasisOptions, type TabProps } from '../labels.ts';
import { nextCode, RowList, StringList } from '../lists.tsx';
import type { ThirdParty } from '../types.ts';

const transmissions = ['paper', 'electronic'] as const;

export function ThirdPartiesTab({ doc, change }: TabProps) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const items = itemOptions(doc, i18n);
  const kinds = [
    { value: 'category' as const, label: t('policy.thirdParties.kind.category') },
    { value: 'recipient' as const, label: t('policy.thirdParties.kind.recipient') },
  ];
  const toggle = (tp: ThirdParty, m: (typeof transmissions)[number], on: boolean) =>
    transmissions.filter((x) => (x === m ? on : tp.transmission.includes(x)));
  return (
    <>
      <p className="tab-lead">{t('policy.thirdParties.lead')}</p>
      <StringList
        label={t('policy.thirdParties.exceptions')}
        itemLabel={t('policy.thirdParties.exception')}
        path="third_party_exceptions"
        multiline
        values={doc.third_party_exceptions}
        onChange={(third_party_exceptions) => change({ third_party_exceptions })}
        addLabel={t('policy.thirdParties.addException')}
      />
      <RowList
        path="third_parties"
        rows={doc.third_parties}
        onChange={(third_parties) => change({ third_parties })}
        newRow={() => ({
          code: nextCode(
            'recipient',
            doc.third_parties.map((x) => x.code),
          ),
          name: '',
          kind: 'category' as const,
          items: [],
          transmission: [],
        })}
        addLabel={t('policy.thirdParties.add')}
        rowTitle={(tp, i) => pick(tp.name, tp.name_en) || t('policy.thirdParties.untitled', { n: i + 1 })}
        empty={t('policy.thirdParties.empty')}
      >
        {(tp, set, at) => (
          <>
            <div className="form-grid">
              <TextInput
                label={t('policy.f.name')}
                path={`${at}.name`}
                required
                value={tp.name}
                onChange={(v) => set({ ...tp, name: v })}
              />
              <TextInput
                label={t('policy.f.nameEn')}
                path={`${at}.name_en`}
                value={tp.name_en}
                onChange={(v) => set({ ...tp, name_en: opt(v) })}
              />
              <TextInput
                label={t('policy.f.code')}
                path={`${at}.code`}
                hint={t('policy.f.codeHint')}
                required
                value={tp.code}
                onChange={(v) => set({ ...tp, code: v })}
              />
              <SelectInput
                label={t('policy.thirdParties.kind')}
                path={`${at}.kind`}
                value={tp.kind}
                options={kinds}
                onChange={(v) => set({ ...tp, kind: v ?? 'category' })}
              />
              <SelectInput
                label={t('policy.thirdParties.legalBasis')}
                path={`${at}.legal_basis`}
                value={tp.legal_basis}
                options={legalBasisOptions(i18n)}
                emptyLabel={t('policy.form.choose')}
                onChange={(v) => set({ ...tp, legal_basis: v })}
              />
              <TextInput
                label={t('policy.thirdParties.purpose')}
                path={`${at}.purpose`}
                value={tp.purpose}
                onChange={(v) => set({ ...tp, purpose: opt(v) })}
              />
              <TextInput
                label={t('policy.f.address')}
                path={`${at}.address`}
                value={tp.address}
                onChange={(v) => set({ ...tp, address: opt(v) })}
              />
              <TextInput
                label={t('policy.f.representative')}
                path={`${at}.representative`}
                value={tp.representative}
                onChange={(v) => set({ ...tp, representative: opt(v) })}
              />
            </div>
            <CheckInput
              label={t('policy.f.contractRecord')}
              path={`${at}.contract_record`}
              checked={tp.contract_record === true}
              onChange={(on) => set({ ...tp, contract_record: on ? true : undefined })}
            />
            <CheckList
              legend={t('policy.thirdParties.items')}
              path={`${at}.items`}
              options={items}
              selected={tp.items}
              onChange={(v) => set({ ...tp, items: v })}
              empty={t('policy.form.noItems')}
            />
            <fieldset className="sub-group" data-path={`${at}.transmission`} tabIndex={-1}>
              <legend className="field-label">{t('policy.thirdParties.transmission')}</legend>
              <div className="check-row">
                {transmissions.map((m) => (
                  <CheckInput
                    key={m}
                    label={t(`policy.thirdParties.transmission.${m}`)}
                    path={`${at}.transmission.${m}`}
                    checked={tp.transmission.includes(m)}
                    onChange={(on) => set({ ...tp, transmission: toggle(tp, m, on) })}
                  />
                ))}
              </div>
            </fieldset>
            <div className="form-grid">
              <TextInput
                label={t('policy.f.country')}
                path={`${at}.country`}
                hint={t('policy.thirdParties.countryHint')}
                value={tp.country}
                onChange={(v) => set({ ...tp, country: opt(v) })}
              />
              <TextInput
                label={t('policy.f.countryRegime')}
                path={`${at}.country_regime`}
                multiline
                rows={2}
                value={tp.country_regime}
                onChange={(v) => set({ ...tp, country_regime: opt(v) })}
              />
              <TextInput
                label={t('policy.f.recipientMeasures')}
                path={`${at}.recipient_measures`}
                multiline
                rows={2}
                value={tp.recipient_measures}
                onChange={(v) => set({ ...tp, recipient_measures: opt(v) })}
              />
            </div>
            <TextInput
              label={t('policy.f.note')}
              path={`${at}.note`}
              multiline
              rows={2}
              value={tp.note}
              onChange={(v) => set({ ...tp, note: opt(v) })}
            />
          </>
        )}
      </RowList>
    </>
  );
}
