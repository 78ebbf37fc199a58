/**
 * The conditions that raise alerts, per organization: reads per hour by one person, and working hours
 * (Japan time). The privacy officer changes them (audited); auditors see them.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { Button, Card, ErrorNotice, Field, Loading, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

interface AlertSettings {
  readsPerHour: number;
  listedRowsPerHour: number;
  workStart: string;
  workEnd: string;
  workDays: number[];
}

const weekdays = [1, 2, 3, 4, 5, 6, 7] as const;
const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

/** 「8:00」「０８：００」「800」 → 「08:00」 (the API's HH:MM); anything else is left as typed, and refused on saving. */
export function normalizeTime(typed: string): string {
  const half = typed.trim().replace(/[０-９：]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const m = /^(\d{1,2}):?(\d{2})$/.exec(half);
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : half;
}

export function AlertSettingsCard({ editable }: { editable: boolean }) {
  const { t, pick } = useI18n();
  const [saved, setSaved] = useState<AlertSettings | null>(null);
  const [draft, setDraft] = useState<AlertSettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  useEffect(() => {
    api
      .get<{ settings: { alerts: AlertSettings } }>('/organization')
      .then((org) => {
        setSaved(org.settings.alerts);
        setDraft(org.settings.alerts);
      })
      .catch(setError);
  }, []);

  if (!draft || !saved) return <Card title={t('alertSettings.title')}>{error ? <ErrorNotice error={error} /> : <Loading />}</Card>;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    const times = { workStart: normalizeTime(draft.workStart), workEnd: normalizeTime(draft.workEnd) };
    const problems: Record<string, string> = {};
    for (const key of ['workStart', 'workEnd'] as const) if (!hhmm.test(times[key])) problems[key] = t('alertSettings.timeError');
    // Hours are one span within a day (base/settings.ts isOffHours): an end at or before the start would alert all day.
    if (!problems.workStart && !problems.workEnd && times.workEnd <= times.workStart) problems.workEnd = t('alertSettings.timeOrder');
    setDraft({ ...draft, ...times });
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    try {
      const next = await api.patch<{ alerts: AlertSettings }>('/organization/settings', { alerts: { ...draft, ...times } });
      setSaved(next.alerts);
      setDraft(next.alerts);
      setDone(true);
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) {
        setFieldErrors(Object.fromEntries(err.issues.map((i) => [i.field.replace(/^alerts\./, ''), pick(i.message_ja, i.message_en)])));
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const toggleDay = (d: number) =>
    setDraft({ ...draft, workDays: draft.workDays.includes(d) ? draft.workDays.filter((x) => x !== d) : [...draft.workDays, d].sort() });

  return (
    <Card title={t('alertSettings.title')}>
      <form className="alert-settings" onSubmit={submit} data-testid="alert-settings">
        <p className="card-lead">{t('alertSettings.lead')}</p>
        <div className="form-grid">
          <Field label={t('alertSettings.readsPerHour')} hint={t('alertSettings.readsPerHourHint')} error={fieldErrors.readsPerHour}>
            {(p) => (
              <input
                {...p}
                name="readsPerHour"
                type="number"
                min={1}
                disabled={!editable}
                value={draft.readsPerHour}
                onChange={(e) => setDraft({ ...draft, readsPerHour: Number(e.target.value) })}
              />
            )}
          </Field>
          <Field
            label={t('alertSettings.listedRowsPerHour')}
            hint={t('alertSettings.listedRowsPerHourHint')}
            error={fieldErrors.listedRowsPerHour}
          >
            {(p) => (
              <input
                {...p}
                name="listedRowsPerHour"
                type="number"
                min={1}
                disabled={!editable}
                value={draft.listedRowsPerHour}
                onChange={(e) => setDraft({ ...draft, listedRowsPerHour: Number(e.target.value) })}
              />
            )}
          </Field>
          {(['workStart', 'workEnd'] as const).map((key) => (
            <Field
              key={key}
              label={t(`alertSettings.${key}`)}
              hint={t('alertSettings.timeHint')}
              error={fieldErrors[key]}
              className="field-time"
            >
              {(p) => (
                // Text, not type="time": a time input follows the browser's locale (「08:00 AM」), the office reads 24-hour time.
                <input
                  {...p}
                  name={key}
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder="08:00"
                  size={6}
                  disabled={!editable}
                  value={draft[key]}
                  onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
                  onBlur={(e) => setDraft({ ...draft, [key]: normalizeTime(e.target.value) })}
                />
              )}
            </Field>
          ))}
        </div>
        <fieldset className="weekday-set" disabled={!editable}>
          <legend className="field-label">{t('alertSettings.workDays')}</legend>
          {weekdays.map((d) => (
            <label key={d} className="weekday">
              <input type="checkbox" checked={draft.workDays.includes(d)} onChange={() => toggleDay(d)} /> {t(`alertSettings.day${d}`)}
            </label>
          ))}
        </fieldset>
        {done && <Notice tone="success" title={t('alertSettings.saved')} />}
        {error !== null && Object.keys(fieldErrors).length === 0 && <ErrorNotice error={error} />}
        {editable && (
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy}>
              {t('alertSettings.save')}
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}
