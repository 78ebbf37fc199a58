/**
 * Turns every error that reaches the HTTP edge into the one error body (stable code, Japanese and English
 * message). Validation problems name their fields. Nothing else leaks: no stack, no SQL, no internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, errorBody, httpStatusOf } from '../base/errors.ts';
import type { FieldIssue } from '../contract/errors.ts';

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
  for (const v of error.validation as { instancePath?: string; params?: { keys?: string[] }; keyword?: string }[]) {
    const zodCode = v.keyword ?? 'custom';
    const base = (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const context = (error as { validationContext?: string }).validationContext;
    const prefix = context && context !== 'body' ? `${context}.` : '';
    const [ja, en] = zodIssueText[zodCode] ?? zodIssueText.custom!;
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
