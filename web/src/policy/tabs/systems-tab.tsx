/**
 * 連携システム: the dataset map of the co-op's other systems (ordering, 共済, …) — which table and column holds which
 * item, how a table's rows are found from the person (an identity column, or through another mapped table), and
 * what a deletion request does to each column. How mamori connects to a system is kept apart, in the systems
 * register (連携システム in the navigation); this tab is versioned with the policy and never published.
 */
import {
  eraseActionLabels,
  eraseActions,
  identityKindLabels,
  identityKinds,
  systemKindLabels,
  systemKinds,
} from '../../../../src/contract/connector-vocabulary.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { CheckInput, CheckList, opt, SelectInput, TextInput } from '../form.tsx';
import { itemOptions, purposeOptions, type TabProps } from '../labels.ts';
import { nextCode, RowList, StringList } from '../lists.tsx';
import type { Doc } from '../types.ts';

type System = Doc['systems'][number];
type Table = System['tables'][number];
type Column = Table['columns'][number];

export function SystemsTab({ doc, change }: TabProps) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const items = itemOptions(doc, i18n);
  const purposes = purposeOptions(doc, i18n);
  const kinds = systemKinds.map((k) => ({ value: k, label: pick(systemKindLabels[k].ja, systemKindLabels[k].en) }));
  const identities = identityKinds.map((k) => ({ value: k, label: pick(identityKindLabels[k].ja, identityKindLabels[k].en) }));
  const erases = eraseActions.map((k) => ({ value: k, label: pick(eraseActionLabels[k].ja, eraseActionLabels[k].en) }));
  return (
    <>
      <p className="tab-lead">{t('policy.systems.lead')}</p>
      <RowList
        path="systems"
        rows={doc.systems}
        onChange={(systems) => change({ systems })}
        newRow={(): System => ({
          code: nextCode(
            'system',
            doc.systems.map((s) => s.code),
          ),
          name: '',
          kind: 'postgres',
          country: 'JP',
          ledger_assets: [],
          tables: [],
        })}
        addLabel={t('policy.systems.add')}
        rowTitle={(s, i) => s.name || t('policy.systems.untitled', { n: i + 1 })}
        empty={t('policy.systems.empty')}
      >
        {(s, set, at) => (
          <>
            <div className="form-grid">
              <TextInput label={t('policy.f.name')} path={`${at}.name`} required value={s.name} onChange={(v) => set({ ...s, name: v })} />
              <TextInput
                label={t('policy.f.code')}
                path={`${at}.code`}
                hint={t('policy.systems.codeHint')}
                required
                value={s.code}
                onChange={(v) => set({ ...s, code: v })}
              />
              <SelectInput
                label={t('policy.systems.kind')}
                path={`${at}.kind`}
                value={s.kind}
                options={kinds}
                onChange={(v) => set({ ...s, kind: v ?? s.kind })}
              />
              <TextInput
                label={t('policy.systems.owner')}
                path={`${at}.owner`}
                value={s.owner}
                onChange={(v) => set({ ...s, owner: opt(v) })}
              />
              <TextInput
                label={t('policy.systems.country')}
                path={`${at}.country`}
                hint={t('policy.systems.countryHint')}
                value={s.country}
                onChange={(v) => set({ ...s, country: v.toUpperCase() || 'JP' })}
              />
            </div>
            <StringList
              label={t('policy.systems.ledgerAssets')}
              itemLabel={t('policy.systems.ledgerAsset')}
              path={`${at}.ledger_assets`}
              values={s.ledger_assets}
              onChange={(v) => set({ ...s, ledger_assets: v })}
              addLabel={t('policy.systems.addAsset')}
            />
            <TextInput
              label={t('policy.f.description')}
              path={`${at}.description`}
              multiline
              rows={2}
              value={s.description}
              onChange={(v) => set({ ...s, description: opt(v) })}
            />
            <h4 className="sub-heading">{t('policy.systems.tables')}</h4>
            <RowList
              path={`${at}.tables`}
              rows={s.tables}
              onChange={(tables) => set({ ...s, tables })}
              newRow={(): Table => ({ table: '', key: 'id', columns: [], purposes: [] })}
              addLabel={t('policy.systems.addTable')}
              rowTitle={(tb, i) => tb.table || t('policy.systems.untitledTable', { n: i + 1 })}
              empty={t('policy.systems.noTables')}
            >
              {(tb, setTable, tat) => (
                <TableEditor
                  table={tb}
                  set={setTable}
                  at={tat}
                  others={s.tables.filter((o) => o !== tb && o.table).map((o) => ({ value: o.table, label: o.table }))}
                  identities={identities}
                  items={items}
                  purposes={purposes}
                  erases={erases}
                />
              )}
            </RowList>
          </>
        )}
      </RowList>
    </>
  );
}

type Option = { value: string; label: string };

function TableEditor({
  table,
  set,
  at,
  others,
  identities,
  items,
  purposes,
  erases,
}: {
  table: Table;
  set: (t: Table) => void;
  at: string;
  others: Option[];
  identities: { value: (typeof identityKinds)[number]; label: string }[];
  items: Option[];
  purposes: Option[];
  erases: { value: (typeof eraseActions)[number]; label: string }[];
}) {
  const { t } = useI18n();
  const mode = table.via ? 'via' : 'link';
  const modes = [
    { value: 'link' as const, label: t('policy.systems.mode.link') },
    { value: 'via' as const, label: t('policy.systems.mode.via') },
  ];
  return (
    <>
      <div className="form-grid">
        <TextInput
          label={t('policy.systems.table')}
          path={`${at}.table`}
          required
          value={table.table}
          onChange={(v) => set({ ...table, table: v })}
        />
        <TextInput
          label={t('policy.systems.key')}
          path={`${at}.key`}
          hint={t('policy.systems.keyHint')}
          value={table.key}
          onChange={(v) => set({ ...table, key: v || 'id' })}
        />
        <SelectInput
          label={t('policy.systems.reached')}
          path={`${at}.${mode}`}
          value={mode}
          options={modes}
          onChange={(v) =>
            set(
              v === 'via'
                ? { ...table, link: undefined, via: table.via ?? { table: others[0]?.value ?? '', column: '', references: 'id' } }
                : { ...table, via: undefined, link: table.link ?? { column: '', identity: 'member_code' } },
            )
          }
        />
      </div>
      {mode === 'link' ? (
        <div className="form-grid">
          <TextInput
            label={t('policy.systems.linkColumn')}
            path={`${at}.link.column`}
            required
            value={table.link?.column ?? ''}
            onChange={(v) => set({ ...table, link: { identity: table.link?.identity ?? 'member_code', column: v } })}
          />
          <SelectInput
            label={t('policy.systems.identity')}
            path={`${at}.link.identity`}
            value={table.link?.identity ?? 'member_code'}
            options={identities}
            onChange={(v) => set({ ...table, link: { column: table.link?.column ?? '', identity: v ?? 'member_code' } })}
          />
        </div>
      ) : (
        <div className="form-grid">
          <SelectInput
            label={t('policy.systems.viaTable')}
            path={`${at}.via.table`}
            value={table.via?.table || undefined}
            options={others}
            emptyLabel={t('policy.form.notStated')}
            onChange={(v) => set({ ...table, via: { column: '', references: 'id', ...table.via, table: v ?? '' } })}
          />
          <TextInput
            label={t('policy.systems.viaColumn')}
            path={`${at}.via.column`}
            hint={t('policy.systems.viaColumnHint')}
            required
            value={table.via?.column ?? ''}
            onChange={(v) => set({ ...table, via: { table: '', references: 'id', ...table.via, column: v } })}
          />
          <TextInput
            label={t('policy.systems.viaReferences')}
            path={`${at}.via.references`}
            hint={t('policy.systems.viaReferencesHint')}
            value={table.via?.references ?? 'id'}
            onChange={(v) => set({ ...table, via: { table: '', column: '', ...table.via, references: v || 'id' } })}
          />
        </div>
      )}
      <CheckList
        legend={t('policy.systems.purposes')}
        path={`${at}.purposes`}
        options={purposes}
        selected={table.purposes}
        onChange={(v) => set({ ...table, purposes: v })}
        empty={t('policy.form.noPurposes')}
      />
      <RowList
        path={`${at}.columns`}
        rows={table.columns}
        onChange={(columns) => set({ ...table, columns })}
        newRow={(): Column => ({ column: '', item: items[0]?.value ?? '', erase: 'set_null', correct: true })}
        addLabel={t('policy.systems.addColumn')}
        rowTitle={(c, i) => c.column || t('policy.systems.untitledColumn', { n: i + 1 })}
        empty={t('policy.systems.noColumns')}
      >
        {(c, setColumn, cat) => (
          <div className="form-grid map-column-grid">
            <TextInput
              label={t('policy.systems.column')}
              path={`${cat}.column`}
              required
              value={c.column}
              onChange={(v) => setColumn({ ...c, column: v })}
            />
            <SelectInput
              label={t('policy.systems.item')}
              path={`${cat}.item`}
              value={c.item || undefined}
              options={items}
              emptyLabel={t('policy.form.notStated')}
              onChange={(v) => setColumn({ ...c, item: v ?? '' })}
            />
            <SelectInput
              label={t('policy.systems.erase')}
              path={`${cat}.erase`}
              value={c.erase}
              options={erases}
              onChange={(v) => setColumn({ ...c, erase: v ?? 'set_null', ...(v === 'keep' ? {} : { keep_rule: undefined }) })}
            />
            {c.erase === 'keep' && (
              <TextInput
                label={t('policy.systems.keepRule')}
                path={`${cat}.keep_rule`}
                hint={t('policy.systems.keepRuleHint')}
                required
                value={c.keep_rule}
                onChange={(v) => setColumn({ ...c, keep_rule: opt(v) })}
              />
            )}
            <CheckInput
              label={t('policy.systems.correct')}
              path={`${cat}.correct`}
              checked={c.correct}
              onChange={(v) => setColumn({ ...c, correct: v })}
            />
          </div>
        )}
      </RowList>
    </>
  );
}
