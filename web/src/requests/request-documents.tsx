/**
 * Identity documents and an agent's proof of authority (委任状, 戸籍謄本…): PDF, JPEG or PNG up to 5 MB, sent
 * as base64 and stored encrypted. Only the privacy officer opens them (each opening is audited).
 */
import { type FormEvent, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import { Button, ErrorNotice, Field } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { capabilities, useSession } from '../session.tsx';
import { openStates, type RequestView, requestLabels } from './request-model.ts';

const MAX_BYTES = 5 * 1024 * 1024;
const accepted = ['application/pdf', 'image/jpeg', 'image/png'];
const documentKinds = ['identity', 'agent_proof', 'other'] as const;

/** The file's content as base64 (without the data-URL prefix). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function RequestDocuments({ request, onAdded }: { request: RequestView; onAdded: () => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const label = requestLabels(i18n);
  const { me } = useSession();
  const can = capabilities(me);
  const documents = request.documents ?? [];
  const fileInput = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<(typeof documentKinds)[number]>(request.requester === 'self' ? 'identity' : 'agent_proof');
  const [fileError, setFileError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const file = fileInput.current?.files?.[0];
    if (!file) return setFileError(t('request.documents.choose'));
    if (file.size > MAX_BYTES) return setFileError(t('request.documents.tooLarge'));
    if (file.type && !accepted.includes(file.type)) return setFileError(t('request.documents.type'));
    setFileError(undefined);
    setBusy(true);
    try {
      await api.post(`/requests/${request.id}/documents`, { kind, file_name: file.name, data_base64: await readBase64(file) });
      if (fileInput.current) fileInput.current.value = '';
      onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {documents.length === 0 ? (
        <p className="muted">{t('request.documents.none')}</p>
      ) : (
        <table className="table table-dense" data-testid="request-documents">
          <thead>
            <tr>
              <th scope="col">{t('request.documents.kind')}</th>
              <th scope="col">{t('request.documents.file')}</th>
              <th scope="col">{t('request.documents.size')}</th>
              <th scope="col">{t('request.documents.uploaded')}</th>
            </tr>
          </thead>
          <tbody>
            {documents.map((d) => (
              <tr key={d.id} data-testid="request-document">
                <td>{label.documentKind(d.kind)}</td>
                <td>
                  {can.decideRequests ? (
                    <a href={`/api/v1/requests/${request.id}/documents/${d.id}`} target="_blank" rel="noopener noreferrer">
                      {d.file_name}
                    </a>
                  ) : (
                    d.file_name
                  )}
                </td>
                <td className="nowrap">{i18n.number(Math.ceil(d.size / 1024))} KB</td>
                <td className="nowrap">{i18n.dateTime(d.uploaded_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!can.decideRequests && documents.length > 0 && <p className="table-note">{t('request.documents.officerOnly')}</p>}
      {can.handleRequests && openStates.includes(request.state) && (
        <form onSubmit={upload} noValidate className="document-form" data-testid="document-form">
          <div className="form-grid">
            <Field label={t('request.documents.kind')}>
              {(p) => (
                <select {...p} name="document_kind" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
                  {documentKinds.map((k) => (
                    <option key={k} value={k}>
                      {label.documentKind(k)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('request.documents.file')} hint={t('request.documents.hint')} error={fileError}>
              {(p) => (
                <input {...p} ref={fileInput} name="file" type="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" />
              )}
            </Field>
          </div>
          {error !== null && <ErrorNotice error={error} />}
          <Button type="submit" busy={busy}>
            {t('request.documents.upload')}
          </Button>
        </form>
      )}
    </>
  );
}
