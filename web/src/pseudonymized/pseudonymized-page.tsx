/**
 * 仮名加工情報: the privacy office defines pseudonymized data sets for internal analysis (the purposes a set is
 * bound to; per ledger field, what becomes of it — only the treatments the processing standards allow are offered,
 * and the server refuses anything else, naming the column); a role holding one of a set's purposes produces it as
 * a CSV download for that purpose. There is no button that sends a set anywhere: the law allows no provision.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { memberFieldCodes } from '../../../src/contract/member-fields.ts';
import {
  fieldClassLabels,
  fieldTreatments,
  type PseudonymizedSetView,
  type Treatment,
  treatmentLabels,
} from '../../../src/contract/pseudonymized-vocabulary.ts';
import { ApiError, api, downloadFile } from '../api/client.ts';
import { Badge, Button, Card, Empty, ErrorNotice, Field, Loading, Notice, PageHeader } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useLabels, useSession } from '../session.tsx';

type Columns = Record<(typeof memberFieldCodes)[number], Treatment>;
const allRemoved = () => Object.fromEntries(memberFieldCodes.map((f) => [f, 'remove'])) as Columns;

export function PseudonymizedPage() {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const labels = useLabels();
  const [data, setData] = useState<{ sets: PseudonymizedSetView[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [defining, setDefining] = useState(false);
  const [editing, setEditing] = useState<PseudonymizedSetView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const canDefine = me.role.kind === 'privacy_officer';

  const load = useCallback(async () => {
    setError(null);
    try {
      setData(await api.get<{ sets: PseudonymizedSetView[] }>('/pseudonymized/sets'));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const saved = async (code: string) => {
    setDone(t(editing ? 'pseudonymized.changed' : 'pseudonymized.saved', { code }));
    setDefining(false);
    setEditing(null);
    await load();
  };
  const retire = async (set: PseudonymizedSetView) => {
    if (!window.confirm(t('pseudonymized.retireConfirm', { code: set.code }))) return;
    setError(null);
    try {
      await api.post(`/pseudonymized/sets/${encodeURIComponent(set.code)}/retire`, { version: set.version });
      setDone(t('pseudonymized.retired', { code: set.code }));
      await load();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <PageHeader
        title={t('pseudonymized.title')}
        description={t('pseudonymized.lead')}
        {...(canDefine && !defining && !editing
          ? {
              actions: (
                <Button variant="primary" onClick={() => setDefining(true)} data-testid="pseudonymized-new">
                  {t('pseudonymized.new')}
                </Button>
              ),
            }
          : {})}
      />
      <Notice tone="info" testId="pseudonymized-rules">
        {t('pseudonymized.rules')}
      </Notice>
      {done && (
        <Notice tone="success" testId="pseudonymized-done">
          {done}
        </Notice>
      )}
      {error !== null && <ErrorNotice error={error} />}
      {defining && <DefineForm onSaved={saved} onCancel={() => setDefining(false)} />}
      {editing && <DefineForm key={editing.code} editing={editing} onSaved={saved} onCancel={() => setEditing(null)} />}
      <Card>
        {!data && !error && <Loading />}
        {data &&
          (data.sets.length === 0 ? (
            <Empty title={t('pseudonymized.none')} />
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="pseudonymized-table">
                <thead>
                  <tr>
                    <th scope="col">{t('pseudonymized.col.code')}</th>
                    <th scope="col">{t('pseudonymized.col.name')}</th>
                    <th scope="col">{t('pseudonymized.col.purposes')}</th>
                    <th scope="col">{t('pseudonymized.col.columns')}</th>
                    <th scope="col">{t('pseudonymized.col.produce')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.sets.map((s) => (
                    <tr key={s.code} data-testid="pseudonymized-row" data-code={s.code}>
                      <td className="mono nowrap">{s.code}</td>
                      <td>
                        {s.name}
                        {s.description && <span className="sub">{s.description}</span>}
                      </td>
                      <td>
                        {s.purposes.map((p) => (
                          <span key={p} className="sub">
                            {labels.purposeTitle(p)}
                          </span>
                        ))}
                      </td>
                      <td>
                        {s.columns
                          .filter((c) => c.treatment !== 'remove')
                          .map((c) => (
                            <span key={c.field} className="sub">
                              {labels.item(c.field)}: {treatmentLabels[c.treatment][lang]}
                            </span>
                          ))}
                      </td>
                      <td>
                        {s.status === 'retired' ? (
                          <Badge tone="bad">{t('pseudonymized.retiredBadge')}</Badge>
                        ) : (
                          <Produce set={s} onError={setError} />
                        )}
                        {canDefine && s.status === 'active' && !editing && !defining && (
                          <div className="row-actions">
                            <Button small onClick={() => setEditing(s)} data-testid="pseudonymized-edit">
                              {t('pseudonymized.edit')}
                            </Button>
                            <Button small variant="danger" onClick={() => void retire(s)} data-testid="pseudonymized-retire">
                              {t('pseudonymized.retire')}
                            </Button>
                          </div>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </Card>
    </>
  );
}

/** The purpose to produce for (those of the set the role holds), the character set, and the download. */
function Produce({ set, onError }: { set: PseudonymizedSetView; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const labels = useLabels();
  const [purpose, setPurpose] = useState(set.usable_purposes[0] ?? '');
  const [charset, setCharset] = useState<'utf-8' | 'shift_jis'>('utf-8');
  const [busy, setBusy] = useState(false);
  if (set.usable_purposes.length === 0) return <Badge>{t('pseudonymized.noPurpose')}</Badge>;
  const download = async () => {
    setBusy(true);
    onError(null);
    try {
      const q = new URLSearchParams({ purpose, charset });
      await downloadFile(`/pseudonymized/sets/${encodeURIComponent(set.code)}/export.csv?${q}`, `pseudonymized-${set.code}.csv`);
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="pseudonymized-produce">
      <label className="visually-hidden" htmlFor={`purpose-${set.code}`}>
        {t('pseudonymized.purpose')}
      </label>
      <select id={`purpose-${set.code}`} value={purpose} onChange={(e) => setPurpose(e.target.value)} data-testid="pseudonymized-purpose">
        {set.usable_purposes.map((p) => (
          <option key={p} value={p}>
            {labels.purposeTitle(p)}
          </option>
        ))}
      </select>{' '}
      <label className="visually-hidden" htmlFor={`charset-${set.code}`}>
        {t('pseudonymized.charset')}
      </label>
      <select id={`charset-${set.code}`} value={charset} onChange={(e) => setCharset(e.target.value as 'utf-8' | 'shift_jis')}>
        <option value="utf-8">UTF-8</option>
        <option value="shift_jis">Shift_JIS</option>
      </select>{' '}
      <Button small variant="primary" busy={busy} onClick={() => void download()} data-testid="pseudonymized-download">
        {t('pseudonymized.download')}
      </Button>
    </div>
  );
}

function DefineForm({
  editing,
  onSaved,
  onCancel,
}: {
  /** A set to change (at the version shown; its code and key stay), or none for a new one. */
  editing?: PseudonymizedSetView;
  onSaved: (code: string) => Promise<void>;
  onCancel: () => void;
}) {
  const { t, lang, pick } = useI18n();
  const { purposes } = useSession();
  const labels = useLabels();
  const [code, setCode] = useState(editing?.code ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [chosen, setChosen] = useState<string[]>(editing?.purposes ?? []);
  const [columns, setColumns] = useState<Columns>(() => ({
    ...allRemoved(),
    ...Object.fromEntries((editing?.columns ?? []).map((c) => [c.field, c.treatment])),
  }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // GET /purposes says which purposes concern members (a set reads the member ledger; ⑫ staff's is not offered).
  const memberPurposes = purposes.filter((p) => p.status === 'active' && p.for_members !== false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const definition = {
        name,
        description,
        purposes: chosen,
        columns: memberFieldCodes.filter((f) => columns[f] !== 'remove').map((field) => ({ field, treatment: columns[field] })),
      };
      if (editing) {
        await api.patch(`/pseudonymized/sets/${encodeURIComponent(editing.code)}`, { version: editing.version, changes: definition });
      } else {
        await api.post('/pseudonymized/sets', { code, ...definition });
      }
      await onSaved(code);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={editing ? t('pseudonymized.editTitle', { code: editing.code }) : t('pseudonymized.newTitle')}>
      <form onSubmit={submit} data-testid="pseudonymized-form" autoComplete="off">
        <div className="form-grid">
          <Field label={t('pseudonymized.field.code')} required>
            {(p) => <input {...p} name="code" value={code} readOnly={!!editing} onChange={(e) => setCode(e.target.value)} />}
          </Field>
          <Field label={t('pseudonymized.field.name')} required>
            {(p) => <input {...p} name="name" value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label={t('pseudonymized.field.description')}>
            {(p) => <input {...p} name="description" value={description} onChange={(e) => setDescription(e.target.value)} />}
          </Field>
        </div>
        <fieldset className="check-list" data-testid="pseudonymized-purposes">
          <legend>{t('pseudonymized.field.purposes')}</legend>
          {memberPurposes.map((p) => (
            <label key={p.code} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(p.code)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, p.code] : chosen.filter((c) => c !== p.code))}
                value={p.code}
              />{' '}
              {p.label} {pick(p.name, p.name_en)}
            </label>
          ))}
        </fieldset>
        <div className="table-wrap">
          <table className="table" data-testid="pseudonymized-columns">
            <thead>
              <tr>
                <th scope="col">{t('pseudonymized.col.field')}</th>
                <th scope="col">{t('pseudonymized.col.class')}</th>
                <th scope="col">{t('pseudonymized.col.treatment')}</th>
              </tr>
            </thead>
            <tbody>
              {memberFieldCodes.map((field) => {
                const rule = fieldTreatments[field];
                return (
                  <tr key={field} data-field={field}>
                    <td>{labels.item(field)}</td>
                    <td className="sub">{fieldClassLabels[rule.class][lang]}</td>
                    <td>
                      <select
                        aria-label={labels.item(field)}
                        name={`treatment-${field}`}
                        value={columns[field]}
                        onChange={(e) => setColumns({ ...columns, [field]: e.target.value as Treatment })}
                      >
                        {(rule.allowed.includes('remove') ? rule.allowed : [...rule.allowed, 'remove' as const]).map((tr) => (
                          <option key={tr} value={tr}>
                            {treatmentLabels[tr][lang]}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {error !== null && <ErrorNotice error={error} testId="pseudonymized-error" />}
        {error instanceof ApiError && error.issues.length > 0 && (
          <ul className="discovery-issues" data-testid="pseudonymized-issues">
            {error.issues.map((i) => (
              <li key={`${i.field}-${i.code}`}>{pick(i.message_ja, i.message_en)}</li>
            ))}
          </ul>
        )}
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy} data-testid="pseudonymized-save">
            {t('pseudonymized.save')}
          </Button>
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
        </div>
      </form>
    </Card>
  );
}
