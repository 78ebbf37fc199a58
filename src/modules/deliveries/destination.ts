/**
 * Where the bytes of a delivery go: a folder on this machine or a directory on an SFTP server, behind one small
 * interface so that writing, checking sizes and publishing read the same for both. Files are written under a
 * temporary name (`.<name>.<random>.part`) and renamed into place when complete, never over an existing file:
 * a partial file is never seen under the delivered name.
 */
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';

export interface OpenedFile {
  stream: Writable;
  /** Resolves once the destination has the file closed (after the stream ended), rejects with its error. */
  closed(): Promise<void>;
  /** How long one write may wait for the destination before the delivery counts as `delivery_timeout`. */
  stepMs?: number;
}

export interface Destination {
  exists(name: string): Promise<boolean>;
  create(name: string): Promise<OpenedFile>;
  size(name: string): Promise<number>;
  /** Renames `from` to `to`; fails (delivery_file_exists) rather than replace an existing `to`. */
  publish(from: string, to: string): Promise<void>;
  remove(name: string): Promise<void>;
  close(): Promise<void>;
}

export const tempName = (name: string) => `.${name}.${randomBytes(6).toString('hex')}.part`;
