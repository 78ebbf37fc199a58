/**
 * Editing a member for a purpose: only the fields the purpose returned are offered, only changed fields are
 * sent, with the version the editor saw. Validation issues appear at their fields; a version conflict
 * (someone else saved first) offers to load the latest record.
 */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Member } from '../api/types.ts';
import { Button, ErrorNotice, Field, Notice } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useLabels } from '../session.tsx';
import { choiceLabel, choices, inputKind, readOnlyFields, sortItems } from './member-fields.ts';

const asText = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export function MemberEditForm({
  member,
  purpose,
  onSaved,
  onCancel,
  onReload,
}: {
  member: Member;
  purpose: string;
  onSaved: (member: Member) => void;
  onCancel: () => void;
  onReload: () => void;
}) {
  const i18n = useI18n();
  const { t, pick } = i18n;
  const labels = useLabels();
  const fields = sortItems(Object.keys(member).filter((k) => k !== 'id' && k !== 'version' && !readOnlyFields.has(k)));
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f, asText(member[f])])));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const changed = fields.filter((f) => values[f] !== asText(member[f]));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldErrors({});
    if (changed.length === 0) {
      setError(new ApiError(400, 'nothing_changed', t('edit.nothingChanged'), t('edit.nothingChanged')));
      return;
    }
    setBusy(true);
    try {
      const changes = Object.fromEntries(changed.map((f) => [f, values[f] ?? '']));
      const saved = await api.patch<Member>(`/members/${member.id}`, { purpose, version: member.version, changes });
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) {
        const byField: Record<string, string> = {};
        for (const issue of err.issues) {
          const field = issue.field.replace(/^changes\./, '');
          byField[field] ??= pick(issue.message_ja, issue.message_en);
        }
        setFieldErrors(byField);
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const conflict = error instanceof ApiError && error.code === 'version_conflict';
  const unplaced = error instanceof ApiError ? error.issues.filter((i) => !fields.includes(i.field.replace(/^changes\./, ''))) : [];

  return (
    <form onSubmit={submit} noValidate className="edit-form" data-testid="edit-form">
      <Notice tone="info">{t('edit.lead', { purpose: labels.purposeTitle(purpose) })}</Notice>
      {conflict ? (
        <Notice
          tone="warning"
          title={t('edit.conflict.title')}
          testId="version-conflict"
          actions={
            <Button variant="primary" small onClick={onReload}>
              {t('edit.conflict.reload')}
            </Button>
          }
        >
          <p>{pick((error as ApiError).messageJa, (error as ApiError).messageEn)}</p>
          <p>{t('edit.conflict.help')}</p>
        </Notice>
      ) : (
        error !== null && (
          <ErrorNotice error={error} title={error instanceof ApiError && error.issues.length ? t('edit.invalid') : undefined} />
        )
      )}
      {unplaced.length > 0 && (
        <ul className="issue-list">
          {unplaced.map((i) => (
            <li key={`${i.field}-${i.code}`}>
              {i.field}: {pick(i.message_ja, i.message_en)}
            </li>
          ))}
        </ul>
      )}
      <div className="form-grid">
        {fields.map((f) => {
          const kind = inputKind(f);
          const set = (v: string) => setValues((prev) => ({ ...prev, [f]: v }));
          return (
            <Field
              key={f}
              label={labels.item(f)}
              error={fieldErrors[f]}
              className={kind === 'textarea' || f === 'address' || f === 'bank_account' ? 'span-2' : undefined}
            >
              {(p) =>
                kind === 'select' ? (
                  <select {...p} name={f} value={values[f] ?? ''} onChange={(e) => set(e.target.value)}>
                    {(choices[f] ?? []).map((c) => (
                      <option key={c} value={c}>
                        {choiceLabel(i18n, f, c)}
                      </option>
                    ))}
                  </select>
                ) : kind === 'textarea' ? (
                  <textarea {...p} name={f} rows={3} value={values[f] ?? ''} onChange={(e) => set(e.target.value)} />
                ) : (
                  <input
                    {...p}
                    name={f}
                    type={kind === 'number' ? 'text' : kind}
                    inputMode={kind === 'number' ? 'numeric' : undefined}
                    value={values[f] ?? ''}
                    onChange={(e) => set(e.target.value)}
                  />
                )
              }
            </Field>
          );
        })}
      </div>
      <div className="form-actions">
        <span className="form-status">{changed.length > 0 ? t('edit.changedCount', { n: changed.length }) : t('edit.noChanges')}</span>
        <Button onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" busy={busy}>
          {t('edit.save')}
        </Button>
      </div>
    </form>
  );
}
