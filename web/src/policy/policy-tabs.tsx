/**
 * The registers of a policy as tabs, one per register: the draft's editor and a published version's
 * read-only view share them. A tab shows how many publishing errors it holds.
 */
import { type ComponentType, useId } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { EditorContext } from './form.tsx';
import { type TabProps, tabLabel } from './labels.ts';
import { AnonymizedTab } from './tabs/anonymized-tab.tsx';
import { BasicPolicyTab } from './tabs/basic-policy-tab.tsx';
import { ContactTab } from './tabs/contact-tab.tsx';
import { ContractorsTab } from './tabs/contractors-tab.tsx';
import { ItemsTab } from './tabs/items-tab.tsx';
import { JointUsesTab } from './tabs/joint-uses-tab.tsx';
import { OrganizationTab } from './tabs/organization-tab.tsx';
import { OtherTab } from './tabs/other-tab.tsx';
import { PurposesTab } from './tabs/purposes-tab.tsx';
import { RetentionTab } from './tabs/retention-tab.tsx';
import { SafetyTab } from './tabs/safety-tab.tsx';
import { ScopeTab } from './tabs/scope-tab.tsx';
import { SystemsTab } from './tabs/systems-tab.tsx';
import { ThirdPartiesTab } from './tabs/third-parties-tab.tsx';
import { type Doc, type TabId, tabIds } from './types.ts';

const panels: Record<TabId, ComponentType<TabProps>> = {
  organization: OrganizationTab,
  basic_policy: BasicPolicyTab,
  scope: ScopeTab,
  items: ItemsTab,
  purposes: PurposesTab,
  joint_uses: JointUsesTab,
  third_parties: ThirdPartiesTab,
  contractors: ContractorsTab,
  contact: ContactTab,
  safety_measures: SafetyTab,
  anonymized: AnonymizedTab,
  retention: RetentionTab,
  systems: SystemsTab,
  other: OtherTab,
};

/** How many rows or entries a tab holds, shown beside its name. */
function countOf(doc: Doc, tab: TabId): number | undefined {
  const lists: Partial<Record<TabId, readonly unknown[]>> = {
    scope: doc.scope,
    items: doc.items,
    purposes: doc.purposes,
    joint_uses: doc.joint_uses,
    third_parties: doc.third_parties,
    contractors: doc.contractors,
    anonymized: doc.anonymized,
    retention: doc.retention,
    systems: doc.systems,
  };
  return lists[tab]?.length;
}

export function PolicyTabs({
  doc,
  change = () => {},
  tab,
  onTab,
  readOnly,
  messages = new Map(),
  errorsByTab = {},
}: {
  doc: Doc;
  change?: (patch: Partial<Doc>) => void;
  tab: TabId;
  onTab: (tab: TabId) => void;
  readOnly: boolean;
  messages?: ReadonlyMap<string, string>;
  errorsByTab?: Partial<Record<TabId, number>>;
}) {
  const { t } = useI18n();
  const id = useId();
  const Panel = panels[tab];
  return (
    <div className="policy-tabs">
      <div className="tabs tabs-wrap" role="tablist" aria-label={t('policy.tabs.label')}>
        {tabIds.map((k) => {
          const errors = errorsByTab[k] ?? 0;
          const count = countOf(doc, k);
          return (
            <button
              key={k}
              type="button"
              role="tab"
              id={`${id}-tab-${k}`}
              aria-selected={tab === k}
              aria-controls={`${id}-panel`}
              data-testid={`tab-${k}`}
              className={`tab${tab === k ? ' tab-active' : ''}${errors ? ' tab-has-errors' : ''}`}
              onClick={() => onTab(k)}
            >
              {t(tabLabel[k])}
              {count !== undefined && <span className="tab-count">{count}</span>}
              {errors > 0 && (
                <span className="tab-errors" title={t('policy.tabs.errors', { n: errors })}>
                  <span aria-hidden="true">{errors}</span>
                  <span className="visually-hidden">{t('policy.tabs.errors', { n: errors })}</span>
                </span>
              )}
            </button>
          );
        })}
      </div>
      <section id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-tab-${tab}`} className="policy-panel" data-testid="policy-panel">
        <h2 className="visually-hidden">{t(tabLabel[tab])}</h2>
        <EditorContext.Provider value={{ readOnly, messages }}>
          <Panel doc={doc} change={change} />
        </EditorContext.Provider>
      </section>
    </div>
  );
}
