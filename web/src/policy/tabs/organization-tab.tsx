/** 組織: who runs the policy. Art. 32 requires the name, address and representative to be available. */
import { useI18n } from '../../i18n/i18n.tsx';
import { Numbered, opt, SelectInput, TextInput } from '../form.tsx';
import { holderKindOptions, orgKindOptions, type TabProps } from '../labels.ts';
import { RowList } from '../lists.tsx';

export function OrganizationTab({ doc, change }: TabProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const org = doc.organization;
  const set = (patch: Partial<typeof org>) => change({ organization: { ...org, ...patch } });
  return (
    <>
      <div className="form-grid" data-path="organization" tabIndex={-1}>
        <TextInput
          locked
          label={t('policy.f.orgCode')}
          path="organization.code"
          hint={t('policy.org.codeHint')}
          value={org.code}
          onChange={() => {}}
        />
        <SelectInput
          label={t('policy.f.kind')}
          path="organization.kind"
          value={org.kind}
          options={orgKindOptions(i18n)}
          onChange={(v) => set({ kind: v ?? 'coop' })}
        />
        <TextInput label={t('policy.f.orgName')} path="organization.name" required value={org.name} onChange={(v) => set({ name: v })} />
        <TextInput
          label={t('policy.f.nameEn')}
          path="organization.name_en"
          value={org.name_en}
          onChange={(v) => set({ name_en: opt(v) })}
        />
        <TextInput
          label={t('policy.f.postalCode')}
          path="organization.postal_code"
          value={org.postal_code}
          onChange={(v) => set({ postal_code: opt(v) })}
        />
        <TextInput
          label={t('policy.f.address')}
          path="organization.address"
          value={org.address}
          onChange={(v) => set({ address: opt(v) })}
        />
        <TextInput
          label={t('policy.f.representative')}
          path="organization.representative"
          hint={t('policy.org.representativeHint')}
          value={org.representative}
          onChange={(v) => set({ representative: opt(v) })}
        />
        <TextInput
          label={t('policy.f.website')}
          path="organization.website"
          type="url"
          hint={t('policy.org.websiteHint')}
          value={org.website}
          onChange={(v) => set({ website: opt(v) })}
        />
      </div>
      <h3 className="sub-section-title">{t('policy.holders.title')}</h3>
      <p className="tab-lead">{t('policy.holders.lead')}</p>
      <RowList
        path="holders"
        rows={doc.holders}
        onChange={(holders) => change({ holders })}
        newRow={() => ({ name: '', kind: 'subsidiary' as const })}
        addLabel={t('policy.holders.add')}
        rowTitle={(h) => h.name || t('policy.holders.untitled')}
        empty={t('policy.holders.empty')}
      >
        {(h, setRow, at, i) => {
          // The holder's fields are named after it (「保有者 1 の住所」): the organization's own are on the same tab.
          const n = (label: string) => <Numbered prefix={t('policy.holders.n', { n: i + 1 })} label={label} />;
          return (
            <div className="form-grid">
              <TextInput
                label={n(t('policy.f.orgName'))}
                path={`${at}.name`}
                required
                value={h.name}
                onChange={(v) => setRow({ ...h, name: v })}
              />
              <TextInput
                label={n(t('policy.f.nameEn'))}
                path={`${at}.name_en`}
                value={h.name_en}
                onChange={(v) => setRow({ ...h, name_en: opt(v) })}
              />
              <SelectInput
                label={n(t('policy.f.kind'))}
                path={`${at}.kind`}
                value={h.kind}
                options={holderKindOptions(i18n)}
                onChange={(v) => setRow({ ...h, kind: v ?? 'subsidiary' })}
              />
              <TextInput
                label={n(t('policy.f.postalCode'))}
                path={`${at}.postal_code`}
                value={h.postal_code}
                onChange={(v) => setRow({ ...h, postal_code: opt(v) })}
              />
              <TextInput
                label={n(t('policy.f.address'))}
                path={`${at}.address`}
                value={h.address}
                onChange={(v) => setRow({ ...h, address: opt(v) })}
              />
              <TextInput
                label={n(t('policy.f.representative'))}
                path={`${at}.representative`}
                value={h.representative}
                onChange={(v) => setRow({ ...h, representative: opt(v) })}
              />
              <TextInput
                label={n(t('policy.f.website'))}
                path={`${at}.website`}
                type="url"
                value={h.website}
                onChange={(v) => setRow({ ...h, website: opt(v) })}
              />
              <TextInput
                label={n(t('policy.holders.org'))}
                path={`${at}.org`}
                hint={t('policy.holders.orgHint')}
                value={h.org}
                onChange={(v) => setRow({ ...h, org: opt(v) })}
              />
            </div>
          );
        }}
      </RowList>
    </>
  );
}
