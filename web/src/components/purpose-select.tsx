/** Choosing the purpose of use (利用目的) that every member search, read and change must name. */
import type { Purpose } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Field } from './ui.tsx';

export function PurposeSelect({
  purposes,
  value,
  onChange,
  error,
  label,
  hint,
  required = true,
}: {
  purposes: Purpose[];
  value: string;
  onChange: (code: string) => void;
  error?: string | undefined;
  label?: string;
  hint?: string;
  required?: boolean;
}) {
  const { t, pick } = useI18n();
  return (
    <Field label={label ?? t('purpose.select')} hint={hint} error={error} required={required}>
      {(p) => (
        <select {...p} name="purpose" className="purpose-select" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{t('purpose.choose')}</option>
          {purposes.map((purpose) => (
            <option key={purpose.code} value={purpose.code}>
              {purpose.label} {pick(purpose.name, purpose.name_en)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
