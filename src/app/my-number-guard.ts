/**
 * The My Number guard of the API: a preValidation hook that refuses any request whose input holds a My
 * Number (個人番号), as typed or as the ledger would store it (`normalizeText`), and audits the refusal with
 * the names of the fields and the route pattern only, never the number (my-number/refuse.ts).
 *
 * What is scanned is what people and files supply: free text, names, addresses, notes, codes they type,
 * unknown keys, free-form records (a request's `detail`, a policy document) and every value of a route without
 * a schema. What is not scanned is what mamori issued or validated by type: a string whose route schema is a
 * UUID or an ISO date, date-time or time, an enum or literal value, a boolean, when the value satisfies that
 * schema (a random UUID's digit groups form a valid number about once in a few thousand); body ids are typed z.uuid(). Patterned strings
 * (`z.string().regex(...)`: ledger, policy and organization codes) are scanned: their patterns admit digits
 * and hyphens, and people type them. Passwords (`body.password`, `body.new_password`, `body.current_password`)
 * and, on sign-in routes (`/auth/`), the one-time `body.code` are never stored as text and are not scanned.
 *
 * Path parameters and the query are scanned like the body, against the route's `params` and `querystring`
 * schemas; there a UUID-shaped value is always an identifier being looked up (never stored), so it is skipped
 * whatever its schema says, and anything else is read (a number typed into a search field is refused). The audit entry names the route pattern (`/api/v1/members/:id`), not the
 * URL, so that a number in a path never reaches the audit log.
 *
 * The walk is iterative and stops at `MAX_DEPTH` levels: deeper input is refused as invalid (400), never a
 * stack overflow.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../base/context.ts';
import { AppError } from '../base/errors.ts';
import { normalizeText } from '../modules/members/normalize.ts';
import { containsMyNumber } from '../modules/my-number/detect.ts';
import { refuseMyNumber } from '../modules/my-number/refuse.ts';

/** Nesting the guard walks at most (objects and arrays); deeper input is refused. */
export const MAX_DEPTH = 64;

/** Fields that hold secrets checked and never stored as text: passwords (hashed), and on sign-in routes the one-time code. */
const PASSWORDS = /^body\.(password|new_password|current_password)$/;
export const isSecretField = (route: string, path: string) => PASSWORDS.test(path) || (route.includes('/auth/') && path === 'body.code');

/** A zod (v4) schema as far as the guard reads it. */
interface Schema {
  _zod: { def: { type: string; [key: string]: unknown } };
  safeParse(value: unknown): { success: boolean };
}

const isSchema = (s: unknown): s is Schema =>
  typeof s === 'object' && s !== null && '_zod' in s && typeof (s as Schema).safeParse === 'function';

/** String formats mamori validates by type: identifiers and ISO dates and times. */
const ISSUED_FORMATS = new Set(['uuid', 'guid', 'date', 'datetime', 'time']);
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The schema that decides `value`: wrappers unwrapped, a union's first option that accepts the value. */
function resolve(schema: Schema | undefined, value: unknown): Schema | undefined {
  for (let i = 0; schema && i < 32; i++) {
    const def = schema._zod.def;
    if (WRAPPERS.has(def.type)) schema = def.innerType as Schema;
    else if (def.type === 'pipe') schema = def.in as Schema;
    else if (def.type === 'lazy') schema = (def.getter as () => Schema)();
    else if (def.type === 'union') schema = (def.options as Schema[]).find((o) => o.safeParse(value).success);
    else return schema;
  }
  return undefined;
}

/** A path ending in a key named as an identifier: `id`, `member_id`, `request_id`, … */
const ID_KEY = /(?:^|\.)(?:\w+_)?(?:id|ids\[\d+\])$/;

/** The shape of a UUID, any version (the nil UUID too). */
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True when `value` is a string mamori validates by type (and it passes that validation; a UUID-typed
 * string needs only the shape, since validation refuses what is not a real one). In a path or a query, a
 * UUID-shaped value is an identifier to look up whatever its schema says (an audit search by member id).
 */
function issuedByType(schema: Schema | undefined, value: string, inPath: boolean, idField: boolean): boolean {
  if (UUID_SHAPE.test(value)) {
    // In a path or query, or under a key named as an identifier (`id`, `member_id`), a whole UUID is a
    // reference to a row mamori issued, even where the input as a whole fails its schema (it is then refused
    // by validation, never stored). A UUID inside free text is still read.
    if (inPath || idField) return true;
    const format = schema?._zod.def.format;
    if (schema?._zod.def.type === 'string' && (format === 'uuid' || format === 'guid')) return true;
  }
  if (!schema) return false;
  const def = schema._zod.def;
  const typed =
    def.type === 'enum' ||
    def.type === 'literal' ||
    def.type === 'boolean' ||
    (def.type === 'string' && typeof def.format === 'string' && ISSUED_FORMATS.has(def.format));
  return typed && schema.safeParse(value).success;
}

/** The schema of `key` inside an object, record, array or tuple schema (undefined: read it unschema'd). */
function childSchema(schema: Schema | undefined, key: string | number): Schema | undefined {
  if (!schema) return undefined;
  const def = schema._zod.def;
  let child: unknown;
  if (def.type === 'object') {
    const shape = def.shape as Record<string, unknown>;
    child = typeof key === 'string' && Object.hasOwn(shape, key) ? shape[key] : def.catchall;
  } else if (def.type === 'record') child = def.valueType;
  else if (def.type === 'array') child = def.element;
  else if (def.type === 'tuple') child = typeof key === 'number' ? ((def.items as unknown[])[key] ?? def.rest) : undefined;
  return isSchema(child) ? child : undefined;
}

/** The input is nested too deeply to be read: refused like any invalid input. */
export class InputTooDeep extends Error {}

/**
 * Fields of `input` (dotted paths under `path`) that hold a My Number, reading `input` against `schema`.
 * Throws `InputTooDeep` beyond `MAX_DEPTH` levels.
 */
export function myNumberFields(input: unknown, schema: unknown, path: string, secret: (path: string) => boolean = () => false): string[] {
  const found: string[] = [];
  const stack: { value: unknown; schema: Schema | undefined; path: string; depth: number }[] = [
    { value: input, schema: isSchema(schema) ? schema : undefined, path, depth: 0 },
  ];
  while (stack.length) {
    const item = stack.pop()!;
    const schema = resolve(item.schema, item.value);
    const { value } = item;
    if (typeof value === 'string') {
      if (
        !secret(item.path) &&
        !issuedByType(schema, value, item.path.startsWith('params.') || item.path.startsWith('query.'), ID_KEY.test(item.path)) &&
        containsMyNumber(value, normalizeText)
      )
        found.push(item.path);
    } else if (typeof value === 'number') {
      if (containsMyNumber(String(value))) found.push(item.path);
    } else if (value !== null && typeof value === 'object') {
      if (item.depth >= MAX_DEPTH) throw new InputTooDeep(item.path);
      const depth = item.depth + 1;
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) {
          stack.push({ value: value[i], schema: childSchema(schema, i), path: `${item.path}[${i}]`, depth });
        }
      } else {
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i]!;
          // A key is input too (a request's free-form `detail`, a record's keys).
          if (containsMyNumber(key, normalizeText)) found.push(`${item.path}.(key)`);
          stack.push({
            value: (value as Record<string, unknown>)[key],
            schema: childSchema(schema, key),
            path: `${item.path}.${key}`,
            depth,
          });
        }
      }
    }
  }
  return found;
}

/** The preValidation hook: every API route's params, query and body, before anything else reads them. */
export function myNumberGuard(ctx: AppContext) {
  return async (req: FastifyRequest): Promise<void> => {
    const route = req.routeOptions.url;
    if (!route?.startsWith('/api/')) return;
    const schema = (req.routeOptions.schema ?? {}) as { params?: unknown; querystring?: unknown; body?: unknown };
    let fields: string[];
    try {
      fields = [
        ...myNumberFields(req.params ?? {}, schema.params, 'params'),
        ...myNumberFields(req.query ?? {}, schema.querystring, 'query'),
        ...myNumberFields(req.body ?? {}, schema.body, 'body', (path) => isSecretField(route, path)),
      ];
    } catch (error) {
      if (!(error instanceof InputTooDeep)) throw error;
      throw new AppError('validation_failed', [
        {
          field: error.message,
          code: 'too_deep',
          message_ja: `入れ子が深すぎます（${MAX_DEPTH}段まで）。`,
          message_en: `The input is nested too deeply (at most ${MAX_DEPTH} levels).`,
        },
      ]);
    }
    if (fields.length === 0) return;
    const member = req.memberSession?.actor;
    const actor = req.session?.actor ?? (member ? { type: 'member' as const, id: member.accountId, orgId: member.orgId } : undefined);
    await refuseMyNumber(ctx, actor, { path: route, fields });
  };
}
