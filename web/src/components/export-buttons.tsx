/**
 * Download buttons for a filtered list (the audit trail, requests): Excel, CSV in UTF-8 (with BOM) and CSV in
 * Shift_JIS, with the screen's filters and the reader's language. A refusal (too many rows, signed out) is
 * shown on the screen instead of being downloaded as a file.
 */
import { useState } from 'react';
import { downloadFile } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Button, ErrorNotice } from './ui.tsx';

type Query = Record<string, string | number | undefined | null>;

const choices = [
  { id: 'xlsx', label: 'export.xlsx', params: { format: 'xlsx' } },
  { id: 'csv', label: 'export.csv', params: { format: 'csv', charset: 'utf-8' } },
  { id: 'csv-sjis', label: 'export.csvSjis', params: { format: 'csv', charset: 'shift_jis' } },
] as const;

export function ExportButtons({ path, query, fileName, testId }: { path: string; query: Query; fileName: string; testId: string }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (choice: (typeof choices)[number]) => {
    const params = new URLSearchParams();
    const all: Query = { ...query, ...choice.params, lang };
    for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    setBusy(choice.id);
    setError(null);
    try {
      await downloadFile(`${path}?${params}`, `${fileName}.${choice.params.format}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="export-buttons" data-testid={testId}>
      <span className="muted small">{t('export.label')}</span>
      {choices.map((c) => (
        <Button key={c.id} small busy={busy === c.id} disabled={busy !== null} onClick={() => void run(c)}>
          {t(c.label)}
        </Button>
      ))}
      {error !== null && <ErrorNotice error={error} />}
    </div>
  );
}
