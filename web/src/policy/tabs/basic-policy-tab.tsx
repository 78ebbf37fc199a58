/** 基本方針: the policy's title, its opening statement and commitments, and its dates. */
import { useI18n } from '../../i18n/i18n.tsx';
import { DateInput, TextInput } from '../form.tsx';
import type { TabProps } from '../labels.ts';
import { StringList } from '../lists.tsx';

export function BasicPolicyTab({ doc, change }: TabProps) {
  const { t } = useI18n();
  const bp = doc.basic_policy;
  const set = (patch: Partial<typeof bp>) => change({ basic_policy: { ...bp, ...patch } });
  return (
    <div data-path="basic_policy" tabIndex={-1}>
      <div className="form-grid">
        <TextInput label={t('policy.f.title')} path="basic_policy.title" required value={bp.title} onChange={(v) => set({ title: v })} />
        <DateInput
          label={t('policy.f.enactedOn')}
          path="basic_policy.enacted_on"
          value={bp.enacted_on}
          onChange={(v) => set({ enacted_on: v })}
        />
      </div>
      <StringList
        label={t('policy.basic.philosophy')}
        itemLabel={t('policy.basic.philosophyItem')}
        path="basic_policy.philosophy"
        multiline
        values={bp.philosophy}
        onChange={(v) => set({ philosophy: v })}
        addLabel={t('policy.basic.addParagraph')}
      />
      <StringList
        label={t('policy.basic.commitments')}
        itemLabel={t('policy.basic.commitmentItem')}
        path="basic_policy.commitments"
        multiline
        values={bp.commitments}
        onChange={(v) => set({ commitments: v })}
        addLabel={t('policy.basic.addCommitment')}
      />
      <StringList
        label={t('policy.basic.revisedOn')}
        itemLabel={t('policy.basic.revisedOnItem')}
        path="basic_policy.revised_on"
        inputType="date"
        values={bp.revised_on}
        onChange={(v) => set({ revised_on: v })}
        addLabel={t('policy.basic.addRevision')}
      />
    </div>
  );
}
