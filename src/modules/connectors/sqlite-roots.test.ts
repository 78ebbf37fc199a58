import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUrl } from '../../../test/support/db.ts';
import type { AppError } from '../../base/errors.ts';
import { openConnector } from './kinds.ts';
import { allowedSqliteFile, sqliteSystemRoots } from './sqlite.ts';

describe('the folders a SQLite system may be in', () => {
  const base = mkdtempSync(join(tmpdir(), 'mamori-sqlite-roots-'));
  const root = join(base, 'systems');
  const outside = join(base, 'mamori.db');
  mkdirSync(root);
  new BetterSqlite3(outside).close();
  new BetterSqlite3(join(root, 'shop.db')).close();
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('by default the data folder’s systems; or the folders listed as PATH lists them', () => {
    expect(sqliteSystemRoots({ MAMORI_DATA_DIR: '/srv/mamori' })).toEqual(['/srv/mamori/systems']);
    expect(sqliteSystemRoots({ MAMORI_SQLITE_SYSTEM_DIRS: `/a${delimiter}/b` })).toEqual(['/a', '/b']);
  });

  it('allows a file inside a root, refuses one outside, one reached by .. and one through a symbolic link', () => {
    expect(allowedSqliteFile(join(root, 'shop.db'), [root])).toBe(join(root, 'shop.db'));
    const refused = (file: string) => {
      try {
        allowedSqliteFile(file, [root]);
        return null;
      } catch (error) {
        return (error as AppError).code;
      }
    };
    expect(refused(outside)).toBe('system_file_not_allowed');
    expect(refused(join(root, '..', 'mamori.db'))).toBe('system_file_not_allowed');
    symlinkSync(outside, join(root, 'link.db'));
    expect(refused(join(root, 'link.db'))).toBe('system_file_not_allowed');
    // A folder whose name starts like the root's is not inside it.
    mkdirSync(`${root}-other`);
    writeFileSync(join(`${root}-other`, 'x.db'), '');
    expect(refused(join(`${root}-other`, 'x.db'))).toBe('system_file_not_allowed');
  });

  it('a mamori database is never a system, even inside an allowed folder', async () => {
    const copy = join(root, 'mamori-copy.db');
    const db = new BetterSqlite3(copy);
    db.exec('create table audit_head (id integer primary key)');
    db.close();
    const saved = process.env.MAMORI_SQLITE_SYSTEM_DIRS;
    process.env.MAMORI_SQLITE_SYSTEM_DIRS = root;
    try {
      await expect(openConnector('sqlite', { file: copy }, { code: 'own' })).rejects.toMatchObject({ code: 'system_is_mamori' });
    } finally {
      process.env.MAMORI_SQLITE_SYSTEM_DIRS = saved;
    }
  });

  // A PostgreSQL database holding mamori's schemas (this run's test database) is refused, whatever schema is named.
  if (postgresUrl())
    it('a PostgreSQL database holding a mamori schema is refused as a system', async () => {
      const mine = await createTestDatabase('postgres');
      try {
        await expect(openConnector('postgres', { url: postgresUrl()!, schema: 'public' }, { code: 'own' })).rejects.toMatchObject({
          code: 'system_is_mamori',
        });
      } finally {
        await mine.dispose();
      }
    });

  it('the connector refuses to open mamori’s own database as a system', async () => {
    const saved = process.env.MAMORI_SQLITE_SYSTEM_DIRS;
    process.env.MAMORI_SQLITE_SYSTEM_DIRS = root;
    try {
      await expect(openConnector('sqlite', { file: outside }, { code: 'own' })).rejects.toMatchObject({ code: 'system_file_not_allowed' });
      const shop = await openConnector('sqlite', { file: join(root, 'shop.db') }, { code: 'shop' });
      await shop.close();
    } finally {
      process.env.MAMORI_SQLITE_SYSTEM_DIRS = saved;
    }
  });
});
