/**
 * The register editor's inputs. Each one carries its place in the document (`data-path`) so a lint gap or a
 * validation issue can focus it, shows the server's message for that place, and turns read-only when the
 * register is shown to a reader or as a published version.
 */
import { createContext, type ReactNode, useContext } from 'react';
import { Field } from '../components/ui.tsx';

export interface EditorContextValue {
  readOnly: boolean;
  /** Messages by normalised path (`items[0].name`): validation issues and lint errors. */
  messages: ReadonlyMap<string, string>;
}

export const EditorContext = createContext<EditorContextValue>({ readOnly: true, messages: new Map() });
export const useEditor = () => useContext(EditorContext);

/** A short visible label whose accessible name also says which entry it belongs to: 「共同利用者 2 の」名称. */
export function Numbered({ prefix, label }: { prefix: string; label: string }) {
  return (
    <>
      <span className="visually-hidden">{prefix}</span>
      {label}
    </>
  );
}

/** Empty text is "not stated": optional fields are left out of the document rather than sent as "". */
export const opt = (v: string): string | undefined => (v.trim() === '' ? undefined : v);

interface Common {
  label: ReactNode;
  path: string;
  hint?: ReactNode;
  required?: boolean;
  className?: string;
}

export function TextInput({
  label,
  path,
  hint,
  required,
  className,
  value,
  onChange,
  type = 'text',
  multiline = false,
  rows = 3,
  locked = false,
}: Common & {
  value: string | undefined;
  onChange: (v: string) => void;
  type?: 'text' | 'email' | 'url' | 'tel';
  multiline?: boolean;
  rows?: number;
  /** Shown but never edited (e.g. the organization code the draft belongs to). */
  locked?: boolean;
}) {
  const editor = useEditor();
  const { messages } = editor;
  const readOnly = editor.readOnly || locked;
  return (
    <Field
      label={label}
      hint={editor.readOnly ? undefined : hint}
      required={required && !readOnly}
      error={messages.get(path)}
      className={className}
    >
      {(p) =>
        multiline ? (
          <textarea
            {...p}
            data-path={path}
            rows={rows}
            readOnly={readOnly}
            value={value ?? ''}
            onChange={(e) => onChange(e.target.value)}
          />
        ) : (
          <input {...p} data-path={path} type={type} readOnly={readOnly} value={value ?? ''} onChange={(e) => onChange(e.target.value)} />
        )
      }
    </Field>
  );
}

export function NumberInput({
  label,
  path,
  hint,
  required,
  className,
  value,
  onChange,
  min,
  max,
}: Common & { value: number | undefined; onChange: (v: number | undefined) => void; min?: number; max?: number }) {
  const { readOnly, messages } = useEditor();
  return (
    <Field
      label={label}
      hint={readOnly ? undefined : hint}
      required={required && !readOnly}
      error={messages.get(path)}
      className={className}
    >
      {(p) => (
        <input
          {...p}
          data-path={path}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          readOnly={readOnly}
          value={value ?? ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Math.trunc(Number(e.target.value)))}
        />
      )}
    </Field>
  );
}

export function DateInput({
  label,
  path,
  hint,
  className,
  value,
  onChange,
}: Common & { value: string | undefined; onChange: (v: string | undefined) => void }) {
  const { readOnly, messages } = useEditor();
  return (
    <Field label={label} hint={readOnly ? undefined : hint} error={messages.get(path)} className={className}>
      {(p) => (
        <input
          {...p}
          data-path={path}
          type="date"
          readOnly={readOnly}
          value={value ?? ''}
          onChange={(e) => onChange(opt(e.target.value))}
        />
      )}
    </Field>
  );
}

export function SelectInput<V extends string>({
  label,
  path,
  hint,
  className,
  value,
  onChange,
  options,
  emptyLabel,
}: Common & {
  value: V | undefined;
  onChange: (v: V | undefined) => void;
  options: readonly { value: V; label: string }[];
  /** The choice for "not stated"; without it a value is always chosen. */
  emptyLabel?: string;
}) {
  const { readOnly, messages } = useEditor();
  return (
    <Field label={label} hint={readOnly ? undefined : hint} error={messages.get(path)} className={className}>
      {(p) => (
        <select
          {...p}
          data-path={path}
          disabled={readOnly}
          value={value ?? ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : (e.target.value as V))}
        >
          {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** One yes/no statement, e.g. 秘密保持 in a contract. */
export function CheckInput({
  label,
  path,
  checked,
  onChange,
}: {
  label: ReactNode;
  path: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  const { readOnly, messages } = useEditor();
  const message = messages.get(path);
  return (
    <div className={`check-input${message ? ' field-invalid' : ''}`}>
      <label className="check-label">
        <input type="checkbox" data-path={path} checked={checked} disabled={readOnly} onChange={(e) => onChange(e.target.checked)} />
        <span>{label}</span>
      </label>
      {message && <p className="field-error">{message}</p>}
    </div>
  );
}

/** A choice of several codes (the items of a purpose, the purposes of a joint use, …) as checkboxes. */
export function CheckList({
  legend,
  path,
  options,
  selected,
  onChange,
  empty,
  testId,
  indexOf = (v) => selected.indexOf(v),
}: {
  legend: ReactNode;
  path: string;
  options: readonly { value: string; label: string }[];
  selected: readonly string[];
  onChange: (v: string[]) => void;
  /** Shown when there is nothing to choose from yet. */
  empty: ReactNode;
  testId?: string;
  /** Where a ticked value is in the document's list, when the list also holds other entries (own wording). */
  indexOf?: (value: string) => number;
}) {
  const { readOnly, messages } = useEditor();
  // The list's own message and those of its entries (`purposes[0].subjects[1]`: an unknown group), each once.
  const entryMessages = selected.map((v) => messages.get(`${path}[${indexOf(v)}]`)).filter((m): m is string => m !== undefined);
  const shown = [...new Set([messages.get(path), ...entryMessages].filter((m): m is string => m !== undefined))];
  const message = shown.length > 0;
  // Codes the document names but the registers lack stay visible, so they can be unticked.
  const unknown = selected.filter((s) => !options.some((o) => o.value === s));
  const all = [...options, ...unknown.map((u) => ({ value: u, label: u }))];
  const toggle = (v: string, on: boolean) => {
    const next = on ? [...selected, v] : selected.filter((s) => s !== v);
    // Keep the registers' order so that the saved document reads the same way each time.
    onChange(all.map((o) => o.value).filter((x) => next.includes(x)));
  };
  return (
    <fieldset className={`check-list${message ? ' field-invalid' : ''}`} data-path={path} tabIndex={-1} data-testid={testId}>
      <legend className="field-label">{legend}</legend>
      {all.length === 0 ? (
        <p className="field-hint">{empty}</p>
      ) : (
        <div className="check-grid">
          {all.map((o) => (
            <label key={o.value} className={`check-label${unknown.includes(o.value) ? ' check-unknown' : ''}`}>
              <input
                type="checkbox"
                // A ticked box is an entry of the list: `joint_uses[0].purpose_items[0].items[1]` focuses it.
                data-path={selected.includes(o.value) ? `${path}[${indexOf(o.value)}]` : undefined}
                checked={selected.includes(o.value)}
                disabled={readOnly}
                onChange={(e) => toggle(o.value, e.target.checked)}
              />
              <span>{o.label}</span>
            </label>
          ))}
        </div>
      )}
      {shown.map((m) => (
        <p key={m} className="field-error">
          {m}
        </p>
      ))}
    </fieldset>
  );
}
