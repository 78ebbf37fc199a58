/** File downloads from the API: one `Content-Disposition` for every export (YAML policies, Excel ledgers, …). */

/** `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987). */
export function contentDisposition(names: { ja: string; ascii: string }): string {
  const encoded = encodeURIComponent(names.ja).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${names.ascii.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encoded}`;
}
