/**
 * The one way the console talks to the API: JSON over fetch with the session cookie, a CSRF token on
 * every state-changing request, and every refusal turned into an `ApiError` carrying the server's stable
 * code and its Japanese and English messages.
 */
import type { FieldIssue } from './types.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageJa: string;
  readonly messageEn: string;
  readonly issues: FieldIssue[];

  constructor(status: number, code: string, messageJa: string, messageEn: string, issues: FieldIssue[] = []) {
    super(messageEn);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.messageJa = messageJa;
    this.messageEn = messageEn;
    this.issues = issues;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | undefined | null>;

let csrfToken: string | undefined;
let onSignedOut: (() => void) | undefined;

/** Called when the server says the session is gone (idle timeout, signed out elsewhere). */
export function setSignedOutHandler(handler: (() => void) | undefined): void {
  onSignedOut = handler;
}

/** Forgets the CSRF token (after sign-out, the server issues a new secret). */
export function resetCsrf(): void {
  csrfToken = undefined;
}

async function getCsrfToken(): Promise<string> {
  if (!csrfToken) {
    const answer = await send<{ token: string }>('GET', '/auth/csrf');
    csrfToken = answer.token;
  }
  return csrfToken;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function fetchApi(method: Method, path: string, init: { body?: unknown; headers?: Record<string, string>; accept?: string } = {}) {
  const { body, headers = {}, accept = 'application/json' } = init;
  try {
    return await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: { accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'サーバーに接続できません。', 'Cannot reach the server.');
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function refusal(status: number, data: unknown): ApiError {
  const error = (data as { error?: { code?: string; message_ja?: string; message_en?: string; issues?: FieldIssue[] } } | null)?.error;
  return new ApiError(
    status,
    error?.code ?? 'internal_error',
    error?.message_ja ?? `サーバーエラー（${status}）が発生しました。`,
    error?.message_en ?? `Server error (${status}).`,
    error?.issues ?? [],
  );
}

async function send<T>(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetchApi(method, path, { body, headers });
  const data = parseJson(await response.text());
  if (!response.ok) throw refusal(response.status, data);
  return data as T;
}

/** The file name of a `Content-Disposition` (the UTF-8 one when given), or the fallback. */
function fileNameOf(disposition: string | null, fallback: string): string {
  const utf8 = disposition && /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (utf8) return decodeURIComponent(utf8);
  return (disposition && /filename="([^"]+)"/i.exec(disposition)?.[1]) || fallback;
}

/**
 * Fetches a file from the API and hands it to the browser as a download. Unlike a plain link, a refusal
 * (not ready, signed out, a server error) is thrown as an `ApiError` the screen can show.
 */
export async function downloadFile(path: string, fallbackName: string, post?: { body: unknown }): Promise<void> {
  // A file made by an action (a hand-over file, a transfer) is a POST with its CSRF token.
  const response = post
    ? await fetchApi('POST', path, { accept: '*/*', body: post.body, headers: { 'x-csrf-token': await getCsrfToken() } })
    : await fetchApi('GET', path, { accept: '*/*' });
  if (!response.ok) {
    const error = refusal(response.status, parseJson(await response.text()));
    if (sessionEnded(error.code, path)) onSignedOut?.();
    throw error;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled; free the blob a moment later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The console's and the member page's session ran out (their own sign-in calls answer these codes too). */
function sessionEnded(code: string, path: string): boolean {
  if (code === 'not_authenticated') return !path.startsWith('/auth/');
  if (code === 'member_not_signed_in') return !path.startsWith('/portal/auth/');
  return false;
}

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const unsafe = method !== 'GET';
  try {
    return await send<T>(method, path, unsafe ? (body ?? {}) : undefined, unsafe ? { 'x-csrf-token': await getCsrfToken() } : {});
  } catch (error) {
    if (error instanceof ApiError && error.code === 'csrf_invalid' && unsafe) {
      // The CSRF secret cookie was replaced (e.g. a new tab signed in): fetch a fresh token once and retry.
      resetCsrf();
      return send<T>(method, path, body ?? {}, { 'x-csrf-token': await getCsrfToken() });
    }
    if (error instanceof ApiError && sessionEnded(error.code, path)) onSignedOut?.();
    throw error;
  }
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  delete: <T>(path: string, query?: Query) => request<T>('DELETE', withQuery(path, query)),
};
