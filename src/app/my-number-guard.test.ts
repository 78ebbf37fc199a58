import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { myNumberCheckDigit } from '../modules/my-number/detect.ts';
import { InputTooDeep, isSecretField, myNumberFields } from './my-number-guard.ts';

const n = `12345678901${myNumberCheckDigit('12345678901')}`;
/** A UUID whose last group is a valid number, and one whose middle groups are (version 4, variant 8). */
const groups = `12344567890${myNumberCheckDigit('12344567890')}`;
const uuids = [`3f2a9c1e-0a1b-4c2d-8e3f-${n}`, `3f2a9c1e-${groups.slice(0, 4)}-${groups.slice(4, 8)}-${groups.slice(8)}-0a1b2c3d4e5f`];

describe('the guard reads input against the route schema', () => {
  const body = z.strictObject({
    member_id: z.uuid(),
    on: z.iso.date().optional(),
    at: z.iso.datetime().optional(),
    kind: z.enum(['a', 'b']),
    flag: z.boolean().optional(),
    note: z.string().trim().max(100).optional(),
    code: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/)
      .optional(),
    detail: z.record(z.string(), z.unknown()).default({}),
    choice: z.union([z.uuid(), z.string()]).optional(),
  });

  it('skips what mamori issued or validates by type', () => {
    for (const id of uuids) expect(myNumberFields({ member_id: id, kind: 'a', choice: id }, body, 'body')).toEqual([]);
  });

  it('scans free text, patterned codes, free-form records, unknown keys, and routes without a schema', () => {
    const input = { member_id: uuids[0], kind: 'a', note: `番号${n}`, code: n, detail: { x: [n] }, extra: n, choice: `x${n}` };
    expect(myNumberFields(input, body, 'body').sort()).toEqual(['body.choice', 'body.code', 'body.detail.x[0]', 'body.extra', 'body.note']);
    expect(myNumberFields({ ref: uuids[0], note: `申出 ${uuids[0]}` }, undefined, 'body').sort()).toEqual(['body.note', 'body.ref']);
  });

  it('a whole UUID under an identifier key is an identifier, even where the input fails its schema', () => {
    expect(myNumberFields({ member_id: uuids[0], request_id: uuids[1], id: uuids[0] }, undefined, 'body')).toEqual([]);
    // An array sent where the route takes an object (the fuzz test's finding): refused by validation, not as a number.
    expect(myNumberFields([{ member_id: '00000000-0000-1000-8000-000000000000', kind: 'a' }], body, 'body')).toEqual([]);
    // Text under an identifier key is still read.
    expect(myNumberFields([{ member_id: `id ${n}` }], body, 'body')).toEqual(['body[0].member_id']);
    // A list of identifiers (`ids`, `alert_ids`: several alerts acknowledged at once) is identifiers too, however
    // its elements are typed; a number typed as one of them is still read. (A random UUID's last group is a valid
    // number about once in a few thousand: the flaky acknowledgement of session 9.)
    const list = z.strictObject({ ids: z.array(z.string().max(64)), note: z.string().optional() });
    expect(myNumberFields({ ids: uuids, note: 'ok' }, list, 'body')).toEqual([]);
    expect(myNumberFields({ alert_ids: uuids }, undefined, 'body')).toEqual([]);
    expect(myNumberFields({ ids: [uuids[0], n] }, list, 'body')).toEqual(['body.ids[1]']);
  });

  it('a value that fails its type is scanned (a uuid field holding text)', () => {
    expect(myNumberFields({ member_id: `番号 ${n}`, kind: 'a' }, body, 'body')).toEqual(['body.member_id']);
    expect(myNumberFields({ kind: n }, body, 'body')).toEqual(['body.kind']);
  });

  it('path and query: a UUID-shaped value is an identifier whatever its schema; other values are read', () => {
    const params = z.strictObject({ id: z.string().max(64) });
    expect(myNumberFields({ id: uuids[0] }, params, 'params')).toEqual([]);
    expect(myNumberFields({ id: '00000000-0000-0000-0000-000000000000' }, params, 'params')).toEqual([]);
    expect(myNumberFields({ id: n }, params, 'params')).toEqual(['params.id']);
    expect(myNumberFields({ member: uuids[1], phone: n }, undefined, 'query')).toEqual(['query.phone']);
  });

  it('secrets are not read: passwords anywhere, the one-time code on sign-in routes only', () => {
    const input = { password: n, new_password: n, code: n };
    expect(myNumberFields(input, undefined, 'body', (p) => isSecretField('/api/v1/auth/totp', p))).toEqual([]);
    expect(myNumberFields(input, undefined, 'body', (p) => isSecretField('/api/v1/organizations', p))).toEqual(['body.code']);
  });

  it('refuses input nested beyond 64 levels without recursion (3,000 levels)', () => {
    let deep: unknown = n;
    for (let i = 0; i < 3000; i++) deep = [deep];
    expect(() => myNumberFields({ detail: deep }, body, 'body')).toThrow(InputTooDeep);
    let ok: unknown = 'x';
    for (let i = 0; i < 60; i++) ok = { a: ok };
    expect(myNumberFields({ detail: ok }, undefined, 'body')).toEqual([]);
  });
});
