/**
 * Delivering a table to a folder target on both dialects: CSV in UTF-8 and Shift_JIS read back with csv-parse and
 * compared cell by cell (formulas neutralised), Parquet read back with hyparquet (types, values and the notice in
 * its metadata); the notice file beside the data; the checksum is of the bytes on disk; a file already there, a
 * bad file name or a row of the wrong width leaves nothing behind and records the delivery as failed; a folder
 * outside the allowed folders is refused; the record and the audit entry carry the checksum, never a setting.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDialects, chained } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixtures.ts';
import type { StaffActor } from '../../base/actors.ts';
import type { AppError } from '../../base/errors.ts';
import type { Cell } from '../anonymize/types.ts';
import { deliverTable } from './deliver-table.ts';
import { registerTarget } from './register-target.ts';

const columns = ['仮名ID', '年代', '性別', '郵便番号', '配達区分', '月間利用額'];
function* synthetic(n: number): Generator<readonly Cell[]> {
  const kinds = ['個配', '班配', '店舗受取'];
  for (let i = 0; i < n; i++)
    yield [
      createHash('sha256').update(`p${i}`).digest('hex').slice(0, 16),
      `${20 + (i % 6) * 10}代`,
      i % 2 ? '女' : '男',
      `98${String(i % 10)}-****`,
      kinds[i % 3]!,
      i % 7 === 0 ? null : 1000 + (i % 50) * 250,
    ];
}
const tricky: readonly Cell[][] = [
  ['=HYPERLINK("x")', '30代', '女', '①②', '髙橋・﨑', -1200],
  ['a,"b"\r\nc', '40代', '男', '', '+cmd', 0],
];
const notice = ['この情報は匿名加工情報です。', '本人を識別する目的で他の情報と照合することは禁止されています。'];

describe.each(availableDialects())('deliverTable to a folder on %s', (dialect) => {
  let f: Fixture;
  let officer: StaffActor;
  let dir: string;
  let n = 0;
  const origin = { kind: 'anonymized_release' as const, id: 'rel-1', name: '2026年11月 購買傾向' };
  beforeAll(async () => {
    f = await demoFixture(dialect);
    officer = await f.actor('officer');
    dir = mkdtempSync(join(tmpdir(), 'mamori-deliveries-'));
    await registerTarget(f.ctx, {
      actor: officer,
      input: { code: 'local', name: '共有フォルダ', kind: 'folder', recipient: '株式会社テスト流通', settings: { directory: dir } },
    });
  });
  afterAll(async () => {
    await f?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const fileName = (ext: string) => `release-${dialect}-${++n}.${ext}`;

  it('writes CSV in UTF-8 with a BOM that reads back cell by cell, formulas neutralised, with the notice beside it', async () => {
    const name = fileName('csv');
    const rows = [...tricky, ...synthetic(3000)];
    const result = await deliverTable(f.ctx, officer, {
      targetCode: 'local',
      origin,
      fileName: name,
      format: 'csv',
      columns,
      rows,
      notice,
    });
    const bytes = readFileSync(join(dir, name));
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(result).toMatchObject({ fileName: name, rows: 3002, bytes: bytes.length, sha256: sha(join(dir, name)) });
    const read = parse(bytes.toString('utf8').slice(1), { relax_column_count: false }) as string[][];
    expect(read[0]).toEqual(columns);
    expect(read.length).toBe(3003);
    expect(read[1]).toEqual(['\'=HYPERLINK("x")', '30代', '女', '①②', '髙橋・﨑', '-1200']);
    expect(read[2]).toEqual(['a,"b"\r\nc', '40代', '男', '', "'+cmd", '0']);
    const expected = [...synthetic(3000)];
    for (let i = 0; i < expected.length; i += 397) expect(read[i + 3]).toEqual(expected[i]!.map((c) => (c === null ? '' : String(c))));
    const readme = readFileSync(join(dir, `${name}.お読みください.txt`), 'utf8');
    expect(readme).toContain(`SHA-256: ${result.sha256}`);
    expect(readme).toContain('件数: 3,002 件');
    expect(readme).toContain('提供先: 株式会社テスト流通');
    expect(readme).toContain(notice[1]);
    expect(readdirSync(dir).filter((x) => x.endsWith('.part'))).toEqual([]);
  });

  it('writes CSV in Shift_JIS (Windows-31J) that decodes back to the same cells', async () => {
    const name = fileName('csv');
    const rows = [...tricky, ...synthetic(500)];
    const result = await deliverTable(f.ctx, officer, {
      targetCode: 'local',
      origin,
      fileName: name,
      format: 'csv',
      charset: 'shift_jis',
      columns,
      rows,
      notice,
    });
    const bytes = readFileSync(join(dir, name));
    expect(bytes.subarray(0, 3)).not.toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.includes(Buffer.from('年代', 'utf8'))).toBe(false);
    const read = parse(iconv.decode(bytes, 'cp932')) as string[][];
    expect(read[0]).toEqual(columns);
    expect(read[1]).toEqual(['\'=HYPERLINK("x")', '30代', '女', '①②', '髙橋・﨑', '-1200']);
    expect(read.length).toBe(503);
    expect(result.sha256).toBe(sha(join(dir, name)));
    const readme = readFileSync(join(dir, `${name}.お読みください.txt`), 'utf8');
    expect(readme).toContain('Shift_JIS');
  });

  it('refuses, in Shift_JIS, a character Windows-31J lacks — naming the row and column — instead of writing ?', async () => {
    const name = fileName('csv');
    function* rows() {
      yield* synthetic(20_000);
      yield ['x', '30代', '女', '980-****', '𠮷野家', 0] as const;
    }
    const error = await deliverTable(f.ctx, officer, {
      targetCode: 'local',
      origin,
      fileName: name,
      format: 'csv',
      charset: 'shift_jis',
      columns,
      rows: rows(),
      notice,
    }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('delivery_input_invalid');
    expect((error as AppError).message).toMatch(/row 20001, column 配達区分: 𠮷 \(U\+20BB7\)/);
    expect(readdirSync(dir).filter((x) => x.includes(name))).toEqual([]);
  });

  it('writes Parquet that hyparquet reads back: text as UTF-8, numbers as numbers, the notice in the metadata', async () => {
    const name = fileName('parquet');
    async function* rows() {
      yield* tricky;
      yield* synthetic(70_000);
    }
    const result = await deliverTable(f.ctx, officer, {
      targetCode: 'local',
      origin,
      fileName: name,
      format: 'parquet',
      columns,
      rows: rows(),
      notice,
    });
    expect(result.rows).toBe(70_002);
    const path = join(dir, name);
    expect(result.sha256).toBe(sha(path));
    const file = await asyncBufferFromFile(path);
    const meta = await parquetMetadataAsync(file);
    expect(Number(meta.num_rows)).toBe(70_002);
    expect(meta.row_groups.length).toBe(2);
    expect(meta.key_value_metadata?.find((kv) => kv.key === 'mamori.notice')?.value).toBe(notice.join('\n'));
    const back = await parquetReadObjects({ file });
    expect(back.length).toBe(70_002);
    expect(back[0]).toEqual({
      仮名ID: '=HYPERLINK("x")',
      年代: '30代',
      性別: '女',
      郵便番号: '①②',
      配達区分: '髙橋・﨑',
      月間利用額: -1200,
    });
    const expected = [...synthetic(70_000)];
    for (let i = 0; i < expected.length; i += 4999)
      expect(Object.values(back[i + 2]!)).toEqual(expected[i]!.map((c) => (c === undefined ? null : c)));
  });

  it('an empty table is still a valid file: the CSV header alone, a Parquet file of no rows', async () => {
    const csv = fileName('csv');
    await deliverTable(f.ctx, officer, { targetCode: 'local', origin, fileName: csv, format: 'csv', columns, rows: [], notice });
    expect(readFileSync(join(dir, csv), 'utf8')).toBe(`\uFEFF${columns.join(',')}\r\n`);
    const pq = fileName('parquet');
    const result = await deliverTable(f.ctx, officer, {
      targetCode: 'local',
      origin,
      fileName: pq,
      format: 'parquet',
      columns,
      rows: [],
      notice,
    });
    expect(result.rows).toBe(0);
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(join(dir, pq)));
    expect(Number(meta.num_rows)).toBe(0);
    expect(meta.schema.slice(1).map((c) => c.name)).toEqual(columns);
  });

  it('refuses a file already there and leaves it as it was; the failure is recorded, nothing half-written remains', async () => {
    const name = fileName('csv');
    writeFileSync(join(dir, name), 'theirs');
    const error = await deliverTable(f.ctx, officer, {
      targetCode: 'local',
      origin,
      fileName: name,
      format: 'csv',
      columns,
      rows: synthetic(10),
      notice,
    }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('delivery_file_exists');
    expect(readFileSync(join(dir, name), 'utf8')).toBe('theirs');
    const row = await f.ctx.db.selectFrom('deliveries').selectAll().where('file_name', '=', name).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', error_code: 'delivery_file_exists', sha256: null });
  });

  it('a row of the wrong width stops the delivery: no data file, no notice, no temporary file', async () => {
    const name = fileName('csv');
    function* rows() {
      yield* synthetic(100);
      yield ['short'] as const;
    }
    const error = await deliverTable(f.ctx, officer, {
      targetCode: 'local',
      origin,
      fileName: name,
      format: 'csv',
      columns,
      rows: rows(),
      notice,
    }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('delivery_input_invalid');
    expect(readdirSync(dir).filter((x) => x.includes(name))).toEqual([]);
  });

  it('refuses a file name with a folder in it before opening anything', async () => {
    for (const bad of ['../escape.csv', 'a/b.csv', '.hidden.csv', '']) {
      const error = await deliverTable(f.ctx, officer, {
        targetCode: 'local',
        origin,
        fileName: bad,
        format: 'csv',
        columns,
        rows: [],
        notice,
      }).catch((e: unknown) => e);
      expect((error as AppError).code, bad).toBe('delivery_input_invalid');
    }
  });

  it('refuses a folder outside the allowed folders, at registration and at delivery', async () => {
    const error = await registerTarget(f.ctx, {
      actor: officer,
      input: { code: 'etc', name: 'x', kind: 'folder', recipient: 'x', settings: { directory: '/etc' } },
    }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('delivery_settings_invalid');
    expect((error as AppError).issues?.[0]).toMatchObject({ field: 'settings.directory', code: 'not_allowed' });
    // A target whose folder is no longer allowed (the setting changed since) is refused when delivering.
    const inside = join(dir, 'sub');
    mkdirSync(inside);
    await registerTarget(f.ctx, {
      actor: officer,
      input: { code: 'sub', name: 'sub', kind: 'folder', recipient: 'x', settings: { directory: inside } },
    });
    const before = process.env.MAMORI_DELIVERY_DIRS;
    process.env.MAMORI_DELIVERY_DIRS = join(dir, 'elsewhere');
    try {
      const refused = await deliverTable(f.ctx, officer, {
        targetCode: 'sub',
        origin,
        fileName: fileName('csv'),
        format: 'csv',
        columns,
        rows: synthetic(1),
        notice,
      }).catch((e: unknown) => e);
      expect((refused as AppError).code).toBe('delivery_dir_not_allowed');
    } finally {
      process.env.MAMORI_DELIVERY_DIRS = before;
    }
    expect(readdirSync(inside)).toEqual([]);
  });

  it('records each delivery with its checksum and audits it without any setting', async () => {
    const name = fileName('csv');
    const result = await deliverTable(
      f.ctx,
      { type: 'system', orgId: officer.orgId, label: 'job:release-deliveries' },
      {
        targetCode: 'local',
        origin,
        fileName: name,
        format: 'csv',
        columns,
        rows: synthetic(5),
        notice,
        via: 'job',
      },
    );
    const row = await f.ctx.db.selectFrom('deliveries').selectAll().where('id', '=', result.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'ok',
      rows: 5,
      sha256: result.sha256,
      target_code: 'local',
      origin_kind: 'anonymized_release',
      origin_id: 'rel-1',
      actor_user_id: null,
      actor_label: 'job:release-deliveries',
    });
    expect(Number(row.bytes)).toBe(result.bytes);
    const audit = await (await chained(f.ctx.db))
      .selectFrom('audit_log')
      .select(['detail', 'outcome'])
      .where('action', '=', 'delivery.send')
      .execute();
    const mine = audit
      .map((a) => ({ ...a, detail: typeof a.detail === 'string' ? JSON.parse(a.detail) : a.detail }))
      .find((a) => a.detail.delivery_id === result.id);
    expect(mine).toMatchObject({ outcome: 'ok', detail: { sha256: result.sha256, rows: 5, file: name, target: 'local' } });
    expect(JSON.stringify(audit)).not.toContain(dir);
  });
});
