/**
 * 開示資料のプレビュー: before approving a disclosure, the privacy officer sees the package as the person will
 * read it — the rows of the CSV they receive, by section, in their language — and can download the exact CSV
 * and PDF. Each preview and download is recorded in the audit trail (GET /requests/:id/package/preview).
 */
import { useState } from 'react';
import type { PackagePreview } from '../../../src/contract/api.ts';
import { api } from '../api/client.ts';
import { Button, ErrorNotice, Loading } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { RequestView } from './request-model.ts';

export function RequestPreview({ request }: { request: RequestView }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [preview, setPreview] = useState<PackagePreview | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const show = async () => {
    setOpen(true);
    setError(null);
    try {
      setPreview(await api.get<PackagePreview>(`/requests/${encodeURIComponent(request.id)}/package/preview`));
    } catch (err) {
      setError(err);
    }
  };

  const sections = preview
    ? preview.rows.reduce<{ label: string; rows: PackagePreview['rows'] }[]>((acc, row) => {
        const last = acc.at(-1);
        if (last && last.label === row.sectionLabel) last.rows.push(row);
        else acc.push({ label: row.sectionLabel, rows: [row] });
        return acc;
      }, [])
    : [];
  const base = `/api/v1/requests/${request.id}/package`;

  return (
    <div data-testid="package-preview">
      <p className="card-lead">{t('request.preview.lead')}</p>
      <div className="form-actions package-downloads">
        {open ? (
          <Button onClick={() => setOpen(false)}>{t('request.preview.hide')}</Button>
        ) : (
          <Button variant="primary" onClick={() => void show()} data-testid="preview-show">
            {t('request.preview.show')}
          </Button>
        )}
        {(['csv', 'pdf'] as const).map((form) => (
          <a key={form} className="btn btn-secondary" href={`${base}?form=${form}`} download data-testid={`preview-${form}`}>
            {t(`request.package.${form}`)}
          </a>
        ))}
      </div>
      {open && error !== null && <ErrorNotice error={error} />}
      {open && !preview && error === null && <Loading />}
      {open && preview && (
        <div data-testid="preview-table" data-rows={preview.rows.length}>
          <p className="muted">
            {t('request.preview.generated', { at: i18n.dateTime(preview.generated_at) })} ·{' '}
            {t('request.preview.rows', { n: preview.rows.length })}
          </p>
          {sections.map((s) => (
            <details key={s.label} className="preview-section" open={s.rows.length <= 30} data-testid="preview-section">
              <summary>
                <strong>{s.label}</strong> <span className="muted">({s.rows.length})</span>
              </summary>
              <div className="table-wrap">
                <table className="table table-dense preview-table">
                  <thead>
                    <tr>
                      {preview.columns.slice(1).map((c) => (
                        <th key={c} scope="col">
                          {c}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {s.rows.map((r, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the rows are shown in the package's order
                      <tr key={i}>
                        <td>{r.item}</td>
                        <td className="pre-wrap">{String(r.value)}</td>
                        <td className="nowrap">{r.at}</td>
                        <td className="pre-wrap">{r.detail}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          ))}
        </div>
      )}
    </div>
  );
}
