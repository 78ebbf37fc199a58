/**
 * A folder on mamori's machine as a delivery destination: only inside the allowed folders (MAMORI_DELIVERY_DIRS,
 * checked again at each delivery, symbolic links followed), which must already exist. Publishing is a hard link
 * and an unlink, so that an existing file is never replaced (a rename would replace it silently).
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { link, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, type ErrorCode } from '../../base/errors.ts';
import type { Destination } from './destination.ts';
import { allowedDeliveryDir, type DeliverySettings } from './settings.ts';

/** What the file system said, as a delivery error code. */
export function fsError(e: unknown, where: string): AppError {
  if (e instanceof AppError) return e;
  const code = (e as { code?: string }).code ?? '';
  const mapped: ErrorCode =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'delivery_disk_full'
      : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'delivery_not_writable'
        : code === 'ENOENT' || code === 'ENOTDIR'
          ? 'delivery_dir_missing'
          : code === 'EEXIST'
            ? 'delivery_file_exists'
            : 'delivery_failed';
  return new AppError(mapped, undefined, `${where}: ${code || String((e as Error)?.message ?? e).slice(0, 200)}`);
}

export async function openFolder(settings: DeliverySettings): Promise<Destination> {
  const dir = allowedDeliveryDir(settings.directory);
  try {
    if (!(await stat(dir)).isDirectory()) throw new AppError('delivery_dir_missing', undefined, `${dir} is not a folder.`);
  } catch (e) {
    throw fsError(e, 'open folder');
  }
  const path = (name: string) => join(dir, name);
  const destination: Destination = {
    async exists(name) {
      try {
        await stat(path(name));
        return true;
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return false;
        throw fsError(e, 'stat');
      }
    },
    async create(name) {
      const stream = createWriteStream(path(name), { flags: 'wx' });
      try {
        await once(stream, 'open');
      } catch (e) {
        throw fsError(e, 'create');
      }
      const closed = once(stream, 'close').then(() => undefined);
      closed.catch(() => {});
      return { stream, closed: () => closed };
    },
    async size(name) {
      try {
        return (await stat(path(name))).size;
      } catch (e) {
        throw fsError(e, 'stat');
      }
    },
    async publish(from, to) {
      try {
        await link(path(from), path(to));
        await unlink(path(from));
      } catch (e) {
        const code = (e as { code?: string }).code;
        // A file system without hard links (some network shares): a rename after a last look.
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
          if (await destination.exists(to)) throw new AppError('delivery_file_exists');
          await rename(path(from), path(to)).catch((r) => {
            throw fsError(r, 'rename');
          });
          return;
        }
        throw fsError(e, 'publish');
      }
    },
    async remove(name) {
      await unlink(path(name)).catch((e) => {
        if ((e as { code?: string }).code !== 'ENOENT') throw fsError(e, 'remove');
      });
    },
    async close() {},
  };
  return destination;
}
