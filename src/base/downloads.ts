/** File downloads from the API: one `Content-Disposition` for every export (YAML policies, Excel ledgers, …). */
import { PassThrough, type Writable } from 'node:stream';

/** A file an export has prepared: its type, names, and how to write it (streamed, never held in memory). */
export interface PreparedDownload {
  mediaType: string;
  fileNames: { ja: string; ascii: string };
  /** Writes the file to `out` and ends it. */
  write: (out: Writable) => Promise<void>;
}

/** The headers and the streamed body of a prepared download (a write error ends the stream with it). */
export function streamDownload(file: PreparedDownload): { headers: Record<string, string>; body: PassThrough } {
  const body = new PassThrough();
  file.write(body).catch((error: unknown) => body.destroy(error as Error));
  return {
    headers: { 'content-type': file.mediaType, 'content-disposition': contentDisposition(file.fileNames), 'cache-control': 'no-store' },
    body,
  };
}

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
export function contentDisposition(names: { ja: string; ascii: string }): string {
  const encoded = encodeURIComponent(names.ja).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${names.ascii.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encoded}`;
}
