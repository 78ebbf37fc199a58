/**
 * Turns every error that reaches the HTTP edge into the one error body (stable code, Japanese and English
 * message). Validation problems name their fields. Nothing else leaks: no stack, no SQL, no internals, and
 * only server errors (5xx) are logged with their stack; a client's error (4xx) is not logged at all.
 *
 * A signed-in caller refused access to personal data or a register (a role that may not, another co-op's
 * member or request, a member page reaching another person) leaves an `access.refused` entry in the audit
 * trail, naming the route's pattern, the error code and the ids the request named; the answer stays the same.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AppContext } from '../base/context.ts';
import { AppError, type ErrorCode, errorBody, httpStatusOf } from '../base/errors.ts';
import { describeZodIssue } from '../base/zod-issues.ts';
import type { FieldIssue } from '../contract/errors.ts';
import { appendAuditAlone } from '../modules/audit/append.ts';
import type { Actor } from '../modules/audit/events.ts';

const zodIssueText: Record<string, [string, string]> = {
  invalid_type: ['型が正しくありません。', 'Wrong type.'],
  unrecognized_keys: ['受け付けない項目です。', 'Unknown field.'],
  too_big: ['長すぎるか、大きすぎます。', 'Too long or too large.'],
  too_small: ['短すぎるか、小さすぎます。', 'Too short or too small.'],
  invalid_format: ['形式が正しくありません。', 'Wrong format.'],
  invalid_value: ['値が正しくありません。', 'Invalid value.'],
  invalid_union: ['値が正しくありません。', 'Invalid value.'],
  custom: ['値が正しくありません。', 'Invalid value.'],
};

function validationIssues(error: FastifyError & { validation: unknown[] }): { code: ErrorCode; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  let unknownField = false;
  for (const v of error.validation as {
    instancePath?: string;
    params?: { keys?: string[] } & Record<string, unknown>;
    keyword?: string;
    message?: string;
  }[]) {
    const zodCode = v.keyword ?? 'custom';
    const base = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const context = (error as { validationContext?: string }).validationContext;
    const prefix = context && context !== 'body' ? `${context}.` : '';
    const [ja, en] = zodIssueText[zodCode] ?? zodIssueText.custom!;
    if (zodCode !== 'unrecognized_keys' && v.params) {
      // The zod issue itself (the provider passes its details as params), in words that stand under the form's
      // field: 「入力してください。」「100文字以内にしてください。」. A missing value is told apart from a wrong one
      // by zod's message, as the input is not reported.
      const missing = /received undefined/.test(v.message ?? '');
      const zodIssue = {
        ...v.params,
        code: zodCode,
        path: [],
        message: v.message ?? '',
        input: missing ? undefined : (v.params.input ?? null),
      };
      issues.push(describeZodIssue(zodIssue as unknown as z.core.$ZodIssue, prefix + (base || '(body)')));
      continue;
    }
    if (zodCode === 'unrecognized_keys') {
      unknownField = true;
      for (const key of v.params?.keys ?? ['?']) {
        issues.push({ field: prefix + (base ? `${base}.${key}` : key), code: 'unknown_field', message_ja: ja, message_en: en });
      }
    } else {
      issues.push({ field: prefix + (base || '(body)'), code: zodCode, message_ja: ja, message_en: en });
    }
  }
  return { code: unknownField && issues.every((i) => i.code === 'unknown_field') ? 'unknown_field' : 'validation_failed', issues };
}

/** Requests Node's HTTP parser rejects (e.g. raw non-ASCII in the URL) still get the one error body. */
export function clientErrorResponse(): string {
  const body = JSON.stringify(errorBody('validation_failed'));
  return `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Refusals that mean "you may not reach this": a role without the right, or a record outside the caller's
 * reach, answered as if it did not exist (`*_not_found`, so another co-op's ids are never confirmed).
 */
export const AUDITED_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'forbidden',
  'ledger_department_forbidden',
  'member_not_found',
  'request_not_found',
  'document_not_found',
  'guardian_link_invalid',
  'ledger_asset_not_found',
  'user_not_found',
  'alert_not_found',
]);

const ID_LIKE = /^[0-9A-Za-z_.:-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ids a refused request named: its path parameters and a body's `member_id` (never other input). */
function targetsOf(request: FastifyRequest): Record<string, string> {
  const targets: Record<string, string> = {};
  const add = (name: string, value: unknown) => {
    if (typeof value === 'string') targets[name] = ID_LIKE.test(value) ? value : '(not an id)';
  };
  for (const [name, value] of Object.entries((request.params ?? {}) as Record<string, unknown>)) add(name, value);
  const body = request.body as Record<string, unknown> | null | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body) && 'member_id' in body) add('body.member_id', body.member_id);
  return targets;
}

/** Who was refused: the member page's signed-in member on its routes, the staff session elsewhere. */
function refusedActor(request: FastifyRequest): Actor | undefined {
  const route = request.routeOptions.url ?? '';
  if (route.startsWith('/api/v1/portal/')) {
    const m = request.memberSession?.actor;
    return m ? { type: 'member', id: m.accountId, orgId: m.orgId } : undefined;
  }
  const s = request.session;
  return s && s.mfa === 0 ? s.actor : undefined;
}

async function auditRefusal(ctx: AppContext, request: FastifyRequest, error: AppError): Promise<void> {
  if (error.audited || !AUDITED_REFUSALS.has(error.code)) return;
  const actor = refusedActor(request);
  if (!actor) return;
  const route = request.routeOptions.url ?? '(none)';
  const targets = targetsOf(request);
  const memberId = route.startsWith('/api/v1/members/:id') && UUID.test(targets.id ?? '') ? targets.id! : null;
  try {
    await appendAuditAlone(
      ctx.db,
      actor,
      {
        action: 'access.refused',
        outcome: 'refused',
        orgId: actor.orgId,
        memberId,
        errorCode: error.code,
        detail: { route, method: request.method, targets },
      },
      ctx.clock,
    );
  } catch (err) {
    // The caller gets the same answer either way; the failure to record is the operator's to see.
    request.log.error({ err }, 'could not record a refusal in the audit trail');
  }
}

/** The server's error handler (see the file comment). */
export function errorHandler(ctx: AppContext) {
  return async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) await auditRefusal(ctx, request, error);
    return handleError(error, request, reply);
  };
}

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    return reply.status(error.status).send(errorBody(error.code, error.issues));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const { code, issues } = validationIssues(error);
    return reply.status(400).send(errorBody(code, issues));
  }
  const fastifyCode = error.code ?? '';
  const map: Record<string, ErrorCode> = {
    FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
    FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_json',
    FST_CSRF_INVALID_TOKEN: 'csrf_invalid',
    FST_CSRF_MISSING_SECRET: 'csrf_invalid',
    FST_ERR_VALIDATION: 'validation_failed',
    // The router's own refusals (through the server's `frameworkErrors`): a broken escape such as `%u0041`,
    // and a path parameter longer than the router accepts.
    FST_ERR_BAD_URL: 'invalid_url',
    FST_ERR_MAX_PARAM_LENGTH: 'url_too_long',
  };
  let code: ErrorCode | undefined = map[fastifyCode];
  if (!code && error instanceof SyntaxError && error.statusCode === 400) code = 'invalid_json';
  if (!code && error.statusCode === 429) code = 'rate_limited';
  if (!code && error.statusCode === 404) code = 'not_found';
  if (!code && error.statusCode === 405) code = 'method_not_allowed';
  if (!code && error.statusCode && error.statusCode >= 400 && error.statusCode < 500) code = 'validation_failed';
  if (code) return reply.status(httpStatusOf(code)).send(errorBody(code));
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send(errorBody('internal_error'));
}
