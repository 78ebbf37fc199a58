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

async function send<T>(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'サーバーに接続できません。', 'Cannot reach the server.');
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message_ja?: string; message_en?: string; issues?: FieldIssue[] } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'internal_error',
      error?.message_ja ?? `サーバーエラー（${response.status}）が発生しました。`,
      error?.message_en ?? `Server error (${response.status}).`,
      error?.issues ?? [],
    );
  }
  return data as T;
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
    if (error instanceof ApiError && error.code === 'not_authenticated' && !path.startsWith('/auth/')) onSignedOut?.();
    throw error;
  }
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
};
