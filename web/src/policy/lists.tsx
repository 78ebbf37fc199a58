/**
 * The register editor's lists: texts added and removed one by one (paragraphs, ways to make a request), and
 * the rows of a register (items, joint uses, contractors, …), each carrying its place in the document.
 */
import type { ReactNode } from 'react';
import { Button } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { useEditor } from './form.tsx';

/** A list of texts (paragraphs of a measure, ways to make a request): one input each, added and removed. */
export function StringList({
  label,
  itemLabel,
  path,
  values,
  onChange,
  multiline = false,
  inputType = 'text',
  addLabel,
  entryPath = (i) => `${path}[${i}]`,
}: {
  label: ReactNode;
  /** The accessible name of each entry: `${itemLabel} 1`. */
  itemLabel: string;
  path: string;
  values: readonly string[];
  onChange: (v: string[]) => void;
  multiline?: boolean;
  inputType?: 'text' | 'date';
  addLabel: string;
  /** The document path of entry `i` when the entries are part of a longer list (`requests.kinds[3]`). */
  entryPath?: (i: number) => string;
}) {
  const { t } = useI18n();
  const { readOnly, messages } = useEditor();
  const set = (i: number, v: string) => onChange(values.map((x, k) => (k === i ? v : x)));
  return (
    <fieldset className="string-list" data-path={path} tabIndex={-1}>
      <legend className="field-label">{label}</legend>
      {values.length === 0 && <p className="field-hint">{t('policy.form.noneYet')}</p>}
      <ol className="string-list-entries">
        {values.map((v, i) => {
          const at = entryPath(i);
          const name = `${itemLabel} ${i + 1}`;
          const message = messages.get(at);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: entries are plain texts without identity
            <li key={i} className={`string-list-entry${message ? ' field-invalid' : ''}`}>
              {multiline ? (
                <textarea
                  aria-label={name}
                  data-path={at}
                  // Grows with the entry's lines (a sub-list of 「・」 lines shows whole), up to eight.
                  rows={Math.min(8, Math.max(2, v.split('\n').length))}
                  readOnly={readOnly}
                  value={v}
                  onChange={(e) => set(i, e.target.value)}
                />
              ) : (
                <input
                  aria-label={name}
                  data-path={at}
                  type={inputType}
                  readOnly={readOnly}
                  value={v}
                  onChange={(e) => set(i, e.target.value)}
                />
              )}
              {!readOnly && (
                <Button
                  small
                  variant="ghost"
                  aria-label={t('policy.form.removeNamed', { name })}
                  onClick={() => onChange(values.filter((_, k) => k !== i))}
                >
                  {t('policy.form.remove')}
                </Button>
              )}
              {message && <p className="field-error">{message}</p>}
            </li>
          );
        })}
      </ol>
      {!readOnly && (
        <Button small onClick={() => onChange([...values, ''])}>
          ＋ {addLabel}
        </Button>
      )}
    </fieldset>
  );
}

/** The rows of a register (items, joint uses, contractors, …): each a bordered block, added and removed. */
export function RowList<T>({
  path,
  rows,
  onChange,
  newRow,
  addLabel,
  rowTitle,
  empty,
  children,
}: {
  path: string;
  rows: readonly T[];
  onChange: (rows: T[]) => void;
  newRow: () => NoInfer<T>;
  addLabel: string;
  rowTitle: (row: T, i: number) => string;
  empty: ReactNode;
  children: (row: T, set: (row: T) => void, at: string, i: number) => ReactNode;
}) {
  const { t } = useI18n();
  const { readOnly, messages } = useEditor();
  const listMessage = messages.get(path);
  return (
    <div className="row-list" data-path={path} tabIndex={-1}>
      {listMessage && <p className="field-error">{listMessage}</p>}
      {rows.length === 0 && <p className="row-list-empty">{empty}</p>}
      {rows.map((row, i) => {
        const at = `${path}[${i}]`;
        const title = rowTitle(row, i);
        const message = messages.get(at);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: a row's place is its identity while its code is being typed
          <section key={i} className="register-row" data-path={at} data-testid={`${path}-row`} tabIndex={-1} aria-label={title}>
            <header className="register-row-head">
              <h3 className="register-row-title">{title}</h3>
              {!readOnly && (
                <Button
                  small
                  variant="ghost"
                  aria-label={t('policy.form.removeNamed', { name: title })}
                  onClick={() => onChange(rows.filter((_, k) => k !== i))}
                >
                  {t('policy.form.removeRow')}
                </Button>
              )}
            </header>
            {message && <p className="field-error">{message}</p>}
            {children(row, (next) => onChange(rows.map((r, k) => (k === i ? next : r))), at, i)}
          </section>
        );
      })}
      {!readOnly && (
        <Button onClick={() => onChange([...rows, newRow()])} data-testid={`${path}-add`}>
          ＋ {addLabel}
        </Button>
      )}
    </div>
  );
}

/** A code not yet used in `taken`: `prefix-1`, `prefix-2`, … (new rows need a stable code at once). */
export function nextCode(prefix: string, taken: readonly (string | undefined)[]): string {
  for (let n = taken.length + 1; ; n++) {
    const code = `${prefix}-${n}`;
    if (!taken.includes(code)) return code;
  }
}
