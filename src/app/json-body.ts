/**
 * The JSON body parser: Fastify's own (prototype-poisoning checks included), behind a nesting limit checked
 * by one linear, non-recursive scan of the text. Nothing after it (the My Number scan, validation, the
 * services) ever walks deeper than `MAX_JSON_DEPTH` levels, so a deeply nested body is a 400, never a stack
 * overflow.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../base/errors.ts';

/** Objects and arrays inside each other; far above anything mamori's API takes (a few levels). */
export const MAX_JSON_DEPTH = 64;

/** True when `text` opens more than `max` objects or arrays inside each other (brackets in strings don't count). */
export function jsonNestingExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** Replaces the `application/json` parser of `app` (and every plugin registered after) with the limited one. */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonNestingExceeds(text)) return done(new AppError('json_too_deep'), undefined);
    return parse(req, text, done);
  });
}
