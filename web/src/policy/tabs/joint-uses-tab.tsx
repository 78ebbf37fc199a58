/**
 * 共同利用: who else uses the data (with their mamori organization code when they sign in to mamori), which
 * items, for which purposes, the responsible party (name, address, representative: Art. 27(5)(iii)) and the
 * dates. A change of users, items, purposes or responsible party needs prior notice: the review says so.
 */
import { Button } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { CheckInput, CheckList, DateInput, Numbered, opt, TextInput, useEditor } from '../form.tsx';
import { itemOptions, pruned, purposeOptions, type TabProps } from '../labels.ts';
import { nextCode, RowList } from '../lists.tsx';
import type { JointUse } from '../types.ts';

export function JointUsesTab({ doc, change }: TabProps) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const items = itemOptions(doc, i18n);
  const purposes = purposeOptions(doc, i18n);
  return (
    <>
      <p className="tab-lead">{t('policy.jointUses.lead')}</p>
      {(doc.joint_uses.length === 0 || doc.no_joint_use) && (
        <CheckInput
          label={t('policy.jointUses.none')}
          path="no_joint_use"
          checked={doc.no_joint_use === true}
          onChange={(v) => change({ no_joint_use: v ? true : undefined })}
        />
      )}
      <RowList
        path="joint_uses"
        rows={doc.joint_uses}
        onChange={(joint_uses) => change({ joint_uses })}
        newRow={() => ({
          code: nextCode(
            'joint-use',
            doc.joint_uses.map((j) => j.code),
          ),
          name: '',
          users: [],
          items: [],
          items_all: false,
          purposes: [],
          purposes_all: false,
          purpose_items: [],
        })}
        addLabel={t('policy.jointUses.add')}
        rowTitle={(j, i) => pick(j.name, j.name_en) || t('policy.jointUses.untitled', { n: i + 1 })}
        empty={t('policy.jointUses.empty')}
      >
        {(j, set, at) => (
          <>
            <div className="form-grid">
              <TextInput label={t('policy.f.name')} path={`${at}.name`} required value={j.name} onChange={(v) => set({ ...j, name: v })} />
              <TextInput
                label={t('policy.f.nameEn')}
                path={`${at}.name_en`}
                value={j.name_en}
                onChange={(v) => set({ ...j, name_en: opt(v) })}
              />
              <TextInput
                label={t('policy.f.code')}
                path={`${at}.code`}
                hint={t('policy.f.codeHint')}
                required
                value={j.code}
                onChange={(v) => set({ ...j, code: v })}
              />
              <div />
              <DateInput
                label={t('policy.jointUses.startsOn')}
                path={`${at}.starts_on`}
                value={j.starts_on}
                onChange={(v) => set({ ...j, starts_on: v })}
              />
              <DateInput
                label={t('policy.jointUses.endsOn')}
                path={`${at}.ends_on`}
                value={j.ends_on}
                onChange={(v) => set({ ...j, ends_on: v })}
              />
            </div>
            <JointUsers at={`${at}.users`} users={j.users} onChange={(users) => set({ ...j, users })} />
            <CheckInput
              label={t('policy.jointUses.itemsAll')}
              path={`${at}.items_all`}
              checked={j.items_all}
              onChange={(v) => set({ ...j, items_all: v, ...(v ? { items: [] } : {}) })}
            />
            {!j.items_all && (
              <CheckList
                legend={t('policy.jointUses.items')}
                path={`${at}.items`}
                options={items}
                selected={j.items}
                onChange={(v) => set({ ...j, items: v })}
                empty={t('policy.form.noItems')}
                testId="joint-use-items"
              />
            )}
            <CheckInput
              label={t('policy.jointUses.purposesAll')}
              path={`${at}.purposes_all`}
              checked={j.purposes_all}
              onChange={(v) => set({ ...j, purposes_all: v, ...(v ? { purposes: [] } : {}) })}
            />
            {!j.purposes_all && (
              <CheckList
                legend={t('policy.jointUses.purposes')}
                path={`${at}.purposes`}
                options={purposes}
                selected={j.purposes}
                onChange={(v) => set({ ...j, purposes: v })}
                empty={t('policy.form.noPurposes')}
                testId="joint-use-purposes"
              />
            )}
            <PurposeItems
              at={`${at}.purpose_items`}
              value={j.purpose_items}
              purposes={j.purposes_all ? purposes : purposes.filter((p) => j.purposes.includes(p.value))}
              items={j.items_all ? items : items.filter((i) => j.items.includes(i.value))}
              onChange={(purpose_items) => set({ ...j, purpose_items })}
            />
            <Responsible at={`${at}.responsible`} value={j.responsible} onChange={(responsible) => set({ ...j, responsible })} />
            <TextInput
              label={t('policy.f.note')}
              path={`${at}.note`}
              multiline
              rows={2}
              value={j.note}
              onChange={(v) => set({ ...j, note: opt(v) })}
            />
          </>
        )}
      </RowList>
    </>
  );
}

type PurposeItem = JointUse['purpose_items'][number];

/** 利用目的ごとの項目: for a purpose named here the joint users may use only the items ticked. */
function PurposeItems({
  at,
  value,
  purposes,
  items,
  onChange,
}: {
  at: string;
  value: PurposeItem[];
  purposes: { value: string; label: string }[];
  items: { value: string; label: string }[];
  onChange: (v: PurposeItem[]) => void;
}) {
  const { t } = useI18n();
  const { readOnly, messages } = useEditor();
  const free = purposes.filter((p) => !value.some((v) => v.purpose === p.value));
  return (
    <fieldset className="sub-list" data-path={at} tabIndex={-1} data-testid="joint-use-purpose-items">
      <legend className="field-label">{t('policy.jointUses.purposeItems')}</legend>
      <p className="field-hint">{t('policy.jointUses.purposeItemsHint')}</p>
      {value.map((pi, i) => {
        const label = purposes.find((p) => p.value === pi.purpose)?.label ?? pi.purpose;
        const purposeMessage = messages.get(`${at}[${i}].purpose`);
        return (
          <div key={pi.purpose} className="sub-list-row sub-list-row-stack" data-path={`${at}[${i}]`} tabIndex={-1}>
            <CheckList
              legend={label}
              path={`${at}[${i}].items`}
              options={items}
              selected={pi.items}
              onChange={(v) => onChange(value.map((x, k) => (k === i ? { ...x, items: v } : x)))}
              empty={t('policy.form.noItems')}
            />
            {purposeMessage && (
              <p className="field-error" data-path={`${at}[${i}].purpose`} tabIndex={-1}>
                {purposeMessage}
              </p>
            )}
            {!readOnly && (
              <Button
                small
                variant="ghost"
                className="sub-list-remove"
                aria-label={t('policy.form.removeNamed', { name: label })}
                onClick={() => onChange(value.filter((_, k) => k !== i))}
              >
                {t('policy.form.remove')}
              </Button>
            )}
          </div>
        );
      })}
      {!readOnly && free.length > 0 && (
        <label className="inline-select">
          <span>{t('policy.jointUses.addPurposeItems')}</span>
          <select
            value=""
            onChange={(e) => e.target.value && onChange([...value, { purpose: e.target.value, items: [] }])}
            data-testid="purpose-items-add"
          >
            <option value="">—</option>
            {free.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
      )}
    </fieldset>
  );
}

type User = JointUse['users'][number];

/** 共同利用者の範囲: one line per joint user (or group of users, as published). */
function JointUsers({ at, users, onChange }: { at: string; users: User[]; onChange: (u: User[]) => void }) {
  const { t } = useI18n();
  const { readOnly } = useEditor();
  const set = (i: number, u: User) => onChange(users.map((x, k) => (k === i ? u : x)));
  return (
    <fieldset className="sub-list" data-path={at} tabIndex={-1} data-testid="joint-users">
      <legend className="field-label">{t('policy.jointUses.users')}</legend>
      <p className="field-hint">{users.length === 0 ? t('policy.jointUses.noUsers') : t('policy.jointUses.userOrgHint')}</p>
      {users.map((u, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: users have no code of their own
        <div key={i} className="sub-list-row sub-list-row-wide" data-path={`${at}[${i}]`}>
          <TextInput
            label={<Numbered prefix={t('policy.jointUses.userN', { n: i + 1 })} label={t('policy.f.name')} />}
            path={`${at}[${i}].name`}
            required
            value={u.name}
            onChange={(v) => set(i, { ...u, name: v })}
          />
          <TextInput
            label={<Numbered prefix={t('policy.jointUses.userN', { n: i + 1 })} label={t('policy.jointUses.orgCode')} />}
            path={`${at}[${i}].org`}
            value={u.org}
            onChange={(v) => set(i, { ...u, org: opt(v) })}
          />
          <TextInput
            label={<Numbered prefix={t('policy.jointUses.userN', { n: i + 1 })} label={t('policy.f.note')} />}
            path={`${at}[${i}].note`}
            value={u.note}
            onChange={(v) => set(i, { ...u, note: opt(v) })}
          />
          {!readOnly && (
            <Button small variant="ghost" className="sub-list-remove" onClick={() => onChange(users.filter((_, k) => k !== i))}>
              {t('policy.form.remove')}
            </Button>
          )}
        </div>
      ))}
      {!readOnly && (
        <Button small onClick={() => onChange([...users, { name: '' }])}>
          ＋ {t('policy.jointUses.addUser')}
        </Button>
      )}
    </fieldset>
  );
}

type Party = NonNullable<JointUse['responsible']>;

/** 管理責任者: left out of the document while nothing of it is filled in (the lint then asks for it). */
function Responsible({ at, value, onChange }: { at: string; value: Party | undefined; onChange: (p: Party | undefined) => void }) {
  const { t } = useI18n();
  const p: Partial<Party> = value ?? {};
  const set = (patch: Partial<Party>) => {
    const next = pruned({ ...p, ...patch });
    onChange(next ? { ...next, name: next.name ?? '' } : undefined);
  };
  return (
    <fieldset className="sub-group" data-path={at} tabIndex={-1}>
      <legend className="field-label">{t('policy.jointUses.responsible')}</legend>
      <div className="form-grid">
        <TextInput label={t('policy.party.name')} path={`${at}.name`} value={p.name} onChange={(v) => set({ name: opt(v) })} />
        <TextInput
          label={t('policy.party.representative')}
          path={`${at}.representative`}
          value={p.representative}
          onChange={(v) => set({ representative: opt(v) })}
        />
        <TextInput
          label={t('policy.party.postalCode')}
          path={`${at}.postal_code`}
          value={p.postal_code}
          onChange={(v) => set({ postal_code: opt(v) })}
        />
        <TextInput label={t('policy.party.address')} path={`${at}.address`} value={p.address} onChange={(v) => set({ address: opt(v) })} />
      </div>
    </fieldset>
  );
}
