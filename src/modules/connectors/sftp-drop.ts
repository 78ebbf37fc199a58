/**
 * The drop-folder connector (kind `sftp_drop`): for a system that cannot be queried, mamori writes an instruction
 * file into a folder over SFTP and reads back the answer file the system's own batch writes (the file protocol:
 * drop-protocol.ts and docs/connected-systems.md, "Drop folder").
 *
 * - `select` writes a select instruction and, until its answer is there, throws `AnswerPending`.
 * - `plan` plans from the map alone (rows unknown: `UNKNOWN_ROWS`), without touching the folder.
 * - `apply` writes the instruction atomically (a temporary name, then a rename) and idempotently (the same work
 *   has the same file name and content; a file already there, or an answer already back, is left alone).
 * - `verify` reads the answer (`AnswerPending` until it arrives) and reports the steps the system failed.
 * - `describe` checks that the folder is there and returns no tables (a drop folder declares none: its map is
 *   written by hand); `sample` is not possible (`system_not_queryable`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { AppError, type ErrorCode } from '../../base/errors.ts';
import type { PolicySystem } from '../policy/document.ts';
import {
  AnswerPending,
  type ApplyResult,
  type Change,
  type ConnectionSettings,
  type Connector,
  type FoundTable,
  type PersonIdentities,
  type Plan,
  type TableDescription,
  type VerifyResult,
} from './connector.ts';
import type { ColumnSample } from './detect.ts';
import {
  answerFile,
  type DropPlan,
  instructionFile,
  isDropPlan,
  MAX_ANSWER_BYTES,
  parseAnswer,
  planDrop,
  renderInstruction,
  selectWork,
  UNKNOWN_ROWS,
  workIdMatches,
} from './drop-protocol.ts';

/**
 * The drop folder's settings: host, port (22), user, secret (a password or a private key), folder,
 * timeoutSeconds (30) and hostKey (optional: a server with another host key is refused).
 */
export type SftpDropSettings = ConnectionSettings;

const DEFAULT_TIMEOUT_SECONDS = 30;

interface Checked {
  host: string;
  port: number;
  user: string;
  folder: string;
  secret: string | undefined;
  timeoutMs: number;
  hostKey: string | undefined;
}

function checkSettings(s: SftpDropSettings): Checked {
  const bad = (what: string) => new AppError('system_settings_invalid', undefined, `Drop folder settings: ${what}.`);
  const host = s.host?.trim();
  const user = s.user?.trim();
  const folder = s.folder?.trim();
  if (!host) throw bad('host is required');
  if (!user) throw bad('user is required');
  if (!folder) throw bad('folder is required');
  const port = s.port ?? 22;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('port must be 1–65535');
  const seconds = s.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!(seconds > 0 && seconds <= 3600)) throw bad('timeoutSeconds must be between 0 and 3600');
  return { host, port, user, folder, secret: s.secret, timeoutMs: seconds * 1000, hostKey: s.hostKey?.trim() || undefined };
}

/** The SSH host key's fingerprint as OpenSSH prints it. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Turns what ssh2 / ssh2-sftp-client throw into a connector error code; the message never holds the secret. */
function connectorError(e: unknown, where: string, writing = false): AppError {
  if (e instanceof AppError) return e;
  const err = e as { code?: string; message?: string; level?: string };
  const message = err.message ?? String(e);
  const code = err.code ?? '';
  let mapped: ErrorCode = 'system_unreachable';
  if (/authentication methods failed/i.test(message) || err.level === 'client-authentication' || code === 'ERR_BAD_AUTH') {
    mapped = 'system_auth_failed';
  } else if (/cannot parse privatekey|unsupported key format|passphrase/i.test(message)) {
    mapped = 'system_settings_invalid';
  } else if (/host denied|verification failed/i.test(message)) {
    mapped = 'system_auth_failed';
  } else if (/timed out/i.test(message) || code === 'ETIMEDOUT' || err.level === 'client-timeout') {
    mapped = 'system_timeout';
  } else if (writing && (code === 'EACCES' || /permission denied/i.test(message))) {
    mapped = 'system_read_only';
  }
  return new AppError(mapped, undefined, `${where}: ${message.slice(0, 300)}`);
}

/** Opens the drop folder: connects over SFTP (password or private key) and checks that the folder is there. */
export async function openSftpDrop(settings: SftpDropSettings, opts: { code: string }): Promise<SftpDropConnector> {
  const s = checkSettings(settings);
  // Errors after the connection (a reset, a closed socket) surface in the next operation; here they are only absorbed.
  const client = new SftpClient(`mamori-${opts.code}`, { error: () => {}, end: () => {}, close: () => {} });
  const secret = s.secret ?? '';
  const key = /^\s*-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(secret);
  try {
    await withTimeout(
      client.connect({
        host: s.host,
        port: s.port,
        username: s.user,
        ...(key ? { privateKey: secret.trim() } : { password: secret }),
        readyTimeout: s.timeoutMs,
        ...(s.hostKey ? { hostVerifier: (k: Buffer) => hostKeyFingerprint(k) === s.hostKey } : {}),
      }),
      s.timeoutMs + 1000,
      'connect',
    );
  } catch (e) {
    await withTimeout(client.end(), 2000, 'close').catch(() => {});
    throw connectorError(e, `sftp ${s.host}:${s.port}`);
  }
  // Each step is a request and its reply: without this, Nagle's algorithm and delayed acknowledgements add
  // tens of milliseconds to every round trip.
  (client as unknown as { client?: { setNoDelay?: (on: boolean) => void } }).client?.setNoDelay?.(true);
  const connector = new SftpDropConnector(client, s, opts.code);
  try {
    await connector.describe();
  } catch (e) {
    await connector.close();
    throw e;
  }
  return connector;
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('system_timeout', undefined, `${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class SftpDropConnector implements Connector {
  private readonly client: SftpClient;
  private readonly s: Checked;
  private readonly code: string;
  constructor(client: SftpClient, s: Checked, code: string) {
    this.client = client;
    this.s = s;
    this.code = code;
  }

  private path(relative: string): string {
    return posix.join(this.s.folder, relative);
  }

  /** One SFTP operation within the timeout, its failure turned into a connector error. */
  private async op<T>(what: string, work: () => Promise<T>, writing = false): Promise<T> {
    try {
      return await withTimeout(work(), this.s.timeoutMs, what);
    } catch (e) {
      if (e instanceof AppError && e.code === 'system_timeout') await this.close();
      throw connectorError(e, what, writing);
    }
  }

  async describe(): Promise<TableDescription[]> {
    const type = await this.op('stat folder', () => this.client.exists(this.s.folder));
    if (type !== 'd') throw new AppError('system_unreachable', undefined, `The drop folder ${this.s.folder} does not exist.`);
    return [];
  }

  async sample(): Promise<ColumnSample[]> {
    throw new AppError('system_not_queryable', undefined, 'A drop folder cannot be sampled for discovery.');
  }

  /**
   * `opts.reference` (not in the `Connector` interface yet): an id of the work — the task's — so that the same
   * request made again later gets a new instruction instead of the first one's answer.
   */
  async select(map: PolicySystem, person: PersonIdentities, opts: { reference?: string } = {}): Promise<FoundTable[]> {
    const { work, steps } = selectWork(this.code, map, person, opts.reference);
    if (steps.length === 0) return [];
    const answer = await this.readAnswer(work.id);
    if (!answer) {
      await this.writeInstruction(work.id, renderInstruction({ drop: work, steps, kept: [] }));
      throw new AnswerPending(answerFile(work.id));
    }
    const answered = parseAnswer(
      answerFile(work.id),
      answer,
      steps.map((s) => ({ table: s.table, key: s.key, select: true })),
    );
    const failed = answered.find((a) => a.status === 'failed');
    if (failed) {
      throw new AppError(
        'system_step_failed',
        undefined,
        `${answerFile(work.id)}: step ${failed.step} (${failed.table}) failed: ${failed.reason ?? 'no reason given'}`,
      );
    }
    return answered.map((a, i) => ({ table: a.table, key: steps[i]?.key ?? 'id', rows: a.found }));
  }

  /** `opts.reference`: as for `select`. */
  async plan(map: PolicySystem, person: PersonIdentities, change: Change, opts: { reference?: string } = {}): Promise<Plan> {
    return planDrop(this.code, map, person, change, opts.reference);
  }

  async apply(plan: Plan): Promise<ApplyResult> {
    const drop = this.dropPlan(plan);
    if (drop.steps.length === 0) return { changed: 0 };
    // An answer already back means the instruction was carried out: a re-run after a crash writes nothing.
    if (await this.answerExists(drop.drop.id)) return { changed: 0 };
    const written = await this.writeInstruction(drop.drop.id, renderInstruction(drop));
    return { changed: written ? UNKNOWN_ROWS : 0 };
  }

  async verify(plan: Plan): Promise<VerifyResult> {
    const drop = this.dropPlan(plan);
    if (drop.steps.length === 0) return { ok: true, differences: [] };
    const answer = await this.readAnswer(drop.drop.id);
    if (!answer) throw new AnswerPending(answerFile(drop.drop.id));
    const answered = parseAnswer(
      answerFile(drop.drop.id),
      answer,
      drop.steps.map((s) => ({ table: s.table, key: s.key, select: false })),
    );
    const differences = answered
      .filter((a) => a.status === 'failed')
      .map((a) => {
        const step = drop.steps[a.step - 1];
        const what = step?.action === 'delete' ? 'delete' : `update ${Object.keys(step?.set ?? {}).join(', ')}`;
        return `step ${a.step}: ${a.table} (${what}) failed in the system: ${a.reason ?? 'no reason given'}`;
      });
    return { ok: differences.length === 0, differences };
  }

  async close(): Promise<void> {
    await withTimeout(this.client.end(), 2000, 'close').catch(() => {});
  }

  private dropPlan(plan: Plan): DropPlan {
    if (!isDropPlan(plan)) {
      throw new AppError('system_settings_invalid', undefined, 'This plan was not made by a drop-folder connector.');
    }
    if (!workIdMatches(this.code, plan)) {
      throw new AppError('system_settings_invalid', undefined, `The plan's instruction ${plan.drop.id} was altered after planning.`);
    }
    return plan;
  }

  private async answerExists(id: string): Promise<boolean> {
    return (await this.op('stat answer', () => this.client.exists(this.path(answerFile(id))))) === '-';
  }

  /** The answer file, or null while it has not arrived. */
  private async readAnswer(id: string): Promise<Buffer | null> {
    const file = this.path(answerFile(id));
    const type = await this.op('stat answer', () => this.client.exists(file));
    if (type === false) return null;
    if (type !== '-') throw new AppError('system_answer_invalid', undefined, `${answerFile(id)} is not a file.`);
    const stat = await this.op('stat answer', () => this.client.stat(file));
    if (stat.size > MAX_ANSWER_BYTES) {
      throw new AppError('system_answer_invalid', undefined, `${answerFile(id)}: larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    const data = await this.op('read answer', () => this.client.get(file));
    if (!Buffer.isBuffer(data)) throw new AppError('system_answer_invalid', undefined, `${answerFile(id)} could not be read.`);
    return data;
  }

  /**
   * Writes the instruction under a temporary name, then renames it into place, so the system's batch never
   * sees half a file. The same file already there is left alone (false); one with other content (a partial
   * copy by hand, say) is replaced. Two workers writing at once: one rename wins, the other finds the same file.
   */
  private async writeInstruction(id: string, content: Buffer): Promise<boolean> {
    const target = this.path(instructionFile(id));
    const outDir = posix.dirname(target);
    if ((await this.op('stat out', () => this.client.exists(outDir))) !== 'd') {
      try {
        await this.op('make out', () => this.client.mkdir(outDir, true), true);
      } catch (e) {
        // Another worker may have made it a moment ago.
        if ((await this.op('stat out', () => this.client.exists(outDir))) !== 'd') throw e;
      }
    }
    if (await this.sameFile(target, content)) return false;
    const temporary = posix.join(outDir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
    await this.op('write instruction', () => this.client.put(content, temporary), true);
    try {
      if ((await this.op('stat instruction', () => this.client.exists(target))) !== false) {
        await this.op('replace instruction', () => this.client.delete(target, true), true);
      }
      await this.op('rename instruction', () => this.client.rename(temporary, target), true);
    } catch (e) {
      await this.client.delete(temporary, true).catch(() => {});
      if (await this.sameFile(target, content)) return false;
      throw e;
    }
    return true;
  }

  private async sameFile(path: string, content: Buffer): Promise<boolean> {
    if ((await this.op('stat instruction', () => this.client.exists(path))) !== '-') return false;
    const data = await this.op('read instruction', () => this.client.get(path));
    return Buffer.isBuffer(data) && data.equals(content);
  }
}
