/**
 * 委託先: contractors handling personal data for the organization, what their contract provides (the lint warns
 * about a missing clause) and when they were last inspected (the lint warns when an inspection is overdue).
 */
import { useI18n } from '../../i18n/i18n.tsx';
import { CheckInput, CheckList, DateInput, NumberInput, opt, SelectInput, TextInput } from '../form.tsx';
import { itemOptions, type TabProps } from '../labels.ts';
import { nextCode, RowList } from '../lists.tsx';
import type { Contractor } from '../types.ts';

const clauses = ['confidentiality', 'no_reprovision', 'incident_liability', 'return_or_destruction'] as const;
const subcontracting = ['prohibited', 'with_consent', 'allowed'] as const;

export function ContractorsTab({ doc, change }: TabProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const items = itemOptions(doc, i18n);
  const subOptions = subcontracting.map((s) => ({ value: s, label: t(`policy.contractors.sub.${s}`) }));
  return (
    <>
      <p className="tab-lead">{t('policy.contractors.lead')}</p>
      {(doc.contractors.length === 0 || doc.no_outsourcing) && (
        <CheckInput
          label={t('policy.contractors.none')}
          path="no_outsourcing"
          checked={doc.no_outsourcing === true}
          onChange={(v) => change({ no_outsourcing: v ? true : undefined })}
        />
      )}
      <RowList
        path="contractors"
        rows={doc.contractors}
        onChange={(contractors) => change({ contractors })}
        newRow={(): Contractor => ({
          code: nextCode(
            'contractor',
            doc.contractors.map((c) => c.code),
          ),
          name: '',
          service: '',
          items: [],
          contract: { confidentiality: false, no_reprovision: false, incident_liability: false, return_or_destruction: false },
          inspection: { interval_months: 12 },
        })}
        addLabel={t('policy.contractors.add')}
        rowTitle={(c, i) => c.name || t('policy.contractors.untitled', { n: i + 1 })}
        empty={t('policy.contractors.empty')}
      >
        {(c, set, at) => {
          const setContract = (patch: Partial<Contractor['contract']>) => set({ ...c, contract: { ...c.contract, ...patch } });
          const setInspection = (patch: Partial<Contractor['inspection']>) => set({ ...c, inspection: { ...c.inspection, ...patch } });
          return (
            <>
              <div className="form-grid">
                <TextInput
                  label={t('policy.f.name')}
                  path={`${at}.name`}
                  required
                  value={c.name}
                  onChange={(v) => set({ ...c, name: v })}
                />
                <TextInput
                  label={t('policy.contractors.service')}
                  path={`${at}.service`}
                  hint={t('policy.contractors.serviceHint')}
                  required
                  value={c.service}
                  onChange={(v) => set({ ...c, service: v })}
                />
                <TextInput
                  label={t('policy.f.code')}
                  path={`${at}.code`}
                  hint={t('policy.f.codeHint')}
                  required
                  value={c.code}
                  onChange={(v) => set({ ...c, code: v })}
                />
                <TextInput
                  label={t('policy.f.country')}
                  path={`${at}.country`}
                  value={c.country}
                  onChange={(v) => set({ ...c, country: opt(v) })}
                />
              </div>
              <CheckList
                legend={t('policy.contractors.items')}
                path={`${at}.items`}
                options={items}
                selected={c.items}
                onChange={(v) => set({ ...c, items: v })}
                empty={t('policy.form.noItems')}
              />
              <fieldset className="sub-group" data-path={`${at}.contract`} tabIndex={-1}>
                <legend className="field-label">{t('policy.contractors.contract')}</legend>
                <div className="form-grid">
                  <DateInput
                    label={t('policy.contractors.signedOn')}
                    path={`${at}.contract.signed_on`}
                    value={c.contract.signed_on}
                    onChange={(v) => setContract({ signed_on: v })}
                  />
                  <DateInput
                    label={t('policy.contractors.expiresOn')}
                    path={`${at}.contract.expires_on`}
                    value={c.contract.expires_on}
                    onChange={(v) => setContract({ expires_on: v })}
                  />
                </div>
                <div className="check-row">
                  {clauses.map((k) => (
                    <CheckInput
                      key={k}
                      label={t(`policy.contractors.clause.${k}`)}
                      path={`${at}.contract.${k}`}
                      checked={c.contract[k]}
                      onChange={(v) => setContract({ [k]: v })}
                    />
                  ))}
                </div>
                <SelectInput
                  label={t('policy.contractors.subcontracting')}
                  path={`${at}.contract.subcontracting`}
                  value={c.contract.subcontracting}
                  options={subOptions}
                  emptyLabel={t('policy.form.notStated')}
                  onChange={(v) => setContract({ subcontracting: v })}
                />
              </fieldset>
              <fieldset className="sub-group" data-path={`${at}.inspection`} tabIndex={-1}>
                <legend className="field-label">{t('policy.contractors.inspection')}</legend>
                <div className="form-grid">
                  <NumberInput
                    label={t('policy.contractors.interval')}
                    path={`${at}.inspection.interval_months`}
                    min={1}
                    max={60}
                    value={c.inspection.interval_months}
                    onChange={(v) => setInspection({ interval_months: v ?? 12 })}
                  />
                  <DateInput
                    label={t('policy.contractors.lastOn')}
                    path={`${at}.inspection.last_on`}
                    value={c.inspection.last_on}
                    onChange={(v) => setInspection({ last_on: v })}
                  />
                </div>
              </fieldset>
              <TextInput
                label={t('policy.f.note')}
                path={`${at}.note`}
                multiline
                rows={2}
                value={c.note}
                onChange={(v) => set({ ...c, note: opt(v) })}
              />
            </>
          );
        }}
      </RowList>
    </>
  );
}
