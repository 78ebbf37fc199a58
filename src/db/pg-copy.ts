/**
 * `COPY … FROM STDIN` inside a Kysely transaction on PostgreSQL, for bulk writes (an import's members and their
 * audit entries). The server parses COPY's text format much faster than the text arrays an `unnest(…)` insert
 * binds (measured: a million audit queue rows in 4.5 s by COPY against about 20 s through arrays), and the
 * client writes lines instead of quoting every array element.
 *
 * node-postgres has no COPY of its own (pg-copy-streams plugs in a "submittable" the way `CopyIn` does here), and
 * Kysely does not hand out the client a transaction runs on: `transactionWithCopy` opens the transaction while
 * noting which pooled client it takes (the pool's `connect` is wrapped in `openDatabase`, database.ts), so that
 * `copyClientOf(tx)` finds it. The COPY then runs on that client, between the transaction's other statements,
 * and is committed or rolled back with them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;
type Tx = Transaction<Database>;

const slot = new AsyncLocalStorage<{ client?: pg.PoolClient }>();

/**
 * A transaction's client, the COPYs sent on it that have not been awaited (`copyInLater`), and the lines
 * gathered per COPY statement that have not been sent yet.
 */
interface CopyState {
  client: pg.PoolClient;
  pending: { sent: Promise<number>; bytes: number }[];
  gathered: Map<string, { chunks: Buffer[]; bytes: number }>;
  failed?: { error: unknown };
}
const clients = new WeakMap<Tx, CopyState>();

/**
 * Lines gathered for one COPY statement before it is sent (`copyInLater`). Each COPY costs a round trip in
 * which the server waits: it answers the statement, then waits for the client's event loop to send the data,
 * which on the import's writing thread waits behind the next chunk's work. Sent per chunk (about 1,200 members
 * and as many audit entries), a million members made some 2,800 COPYs and left the server idle for most of the
 * time it was waited on; gathered to a few MiB, a few hundred.
 */
const GATHER_BYTES = 4 << 20;
/** Bytes of COPY data sent ahead and not yet taken by the server, at most (the writer waits beyond this). */
const MAX_PENDING_BYTES = 3 * GATHER_BYTES;

/** Called by the pool wrapper of `openDatabase` with every client it hands out. */
export function noteClient(client: pg.PoolClient): void {
  const s = slot.getStore();
  if (s && !s.client) s.client = client;
}

/**
 * `db.transaction().execute(fn)`, with COPY available on `tx` (`copyClientOf(tx)`) on PostgreSQL. On SQLite, or
 * when the client cannot be known, `fn` runs in a plain transaction and `copyClientOf(tx)` is undefined.
 */
export function transactionWithCopy<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const store: { client?: pg.PoolClient } = {};
  return slot.run(store, () =>
    db.transaction().execute(async (tx) => {
      // The transaction took the first client handed out in this call; later ones (queries on `db` meanwhile)
      // leave the slot as it is.
      const client = store.client;
      if (client) clients.set(tx, { client, pending: [], gathered: new Map() });
      try {
        const result = await fn(tx);
        await settleCopies(tx);
        return result;
      } finally {
        const state = clients.get(tx);
        clients.delete(tx);
        // Nothing is left running on the client when the transaction ends (commit or rollback follow in order).
        if (state) await Promise.allSettled(state.pending.map((p) => p.sent));
      }
    }),
  );
}

/** The client `tx` runs on, when it was opened by `transactionWithCopy` on PostgreSQL. */
export function copyClientOf(tx: Tx): pg.PoolClient | undefined {
  return clients.get(tx)?.client;
}

/**
 * Sends rows by COPY on the client of `tx` (opened by `transactionWithCopy`) without waiting for the server to
 * take them. Lines of one statement are gathered until they make GATHER_BYTES, then sent as one COPY;
 * `flushCopies` sends what is gathered, `settleCopies` sends it and waits for every COPY. node-postgres runs a
 * client's statements one after another in the order given, so a statement of the transaction issued after
 * `flushCopies` (or `settleCopies`) sees every row given before it; one issued without it may not see rows still
 * gathered. Data sent and not yet taken is at most MAX_PENDING_BYTES (the call waits for the oldest COPYs
 * beyond that). A COPY that fails makes the next call and `settleCopies` throw its error; the transaction is
 * then rolled back.
 */
export async function copyInLater(tx: Tx, statement: string, lines: readonly string[]): Promise<void> {
  const state = clients.get(tx);
  if (!state) throw new Error('copyInLater needs a transaction opened by transactionWithCopy on PostgreSQL');
  if (state.failed) throw state.failed.error;
  let gathered = state.gathered.get(statement);
  if (!gathered) {
    gathered = { chunks: [], bytes: 0 };
    state.gathered.set(statement, gathered);
  }
  // Encoded at once: the lines are garbage before the next collection, and the bytes wait outside the heap.
  for (const chunk of encodeChunks(lines)) {
    gathered.chunks.push(chunk);
    gathered.bytes += chunk.byteLength;
  }
  if (gathered.bytes < GATHER_BYTES) return;
  send(state, statement);
  let outstanding = state.pending.reduce((n, p) => n + p.bytes, 0);
  while (outstanding > MAX_PENDING_BYTES && state.pending.length > 1) {
    const oldest = state.pending.shift()!;
    outstanding -= oldest.bytes;
    await oldest.sent.catch(() => 0);
  }
  // Set by a COPY that failed meanwhile (TypeScript cannot see the callback in `send` change it).
  const failed = state.failed as CopyState['failed'];
  if (failed) throw failed.error;
}

/** Sends the data gathered for `statement` as one COPY. */
function send(state: CopyState, statement: string): void {
  const gathered = state.gathered.get(statement);
  if (!gathered || gathered.chunks.length === 0) return;
  state.gathered.delete(statement);
  const sent = copyChunks(state.client, statement, gathered.chunks);
  sent.catch((error: unknown) => {
    state.failed ??= { error };
  });
  state.pending.push({ sent, bytes: gathered.bytes });
}

/** Sends every COPY gathered on `tx` (see `copyInLater`); statements issued afterwards see their rows. */
export function flushCopies(tx: Tx): void {
  const state = clients.get(tx);
  if (!state) return;
  for (const statement of [...state.gathered.keys()]) send(state, statement);
}

/** Sends what is gathered and waits for every COPY sent with `copyInLater` on `tx`; throws the first one's error. */
export async function settleCopies(tx: Tx): Promise<void> {
  const state = clients.get(tx);
  if (!state) return;
  flushCopies(tx);
  await Promise.allSettled(state.pending.splice(0).map((p) => p.sent));
  if (state.failed) throw state.failed.error;
}

/** One value in COPY's text format: `\N` for null, backslash, tab, newline and carriage return escaped. */
export function copyText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  const s = typeof value === 'string' ? value : String(value);
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPES, (c) => ESCAPED[c]!) : s;
}
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Most bytes sent in one CopyData message. */
const CHUNK_BYTES = 1 << 20;

/** `lines` as UTF-8 buffers of about CHUNK_BYTES each (CopyData messages). */
function encodeChunks(lines: readonly string[]): Buffer[] {
  const chunks: Buffer[] = [];
  let parts: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    parts.push(line);
    bytes += line.length;
    if (bytes >= CHUNK_BYTES) {
      chunks.push(Buffer.from(parts.join(''), 'utf8'));
      parts = [];
      bytes = 0;
    }
  }
  if (parts.length > 0) chunks.push(Buffer.from(parts.join(''), 'utf8'));
  return chunks;
}

/**
 * Runs `copy … from stdin` (text format) on `client`, sending `lines` (each ending in a newline, values escaped
 * with `copyText`); resolves with the rows the server took.
 */
export function copyIn(client: pg.ClientBase, statement: string, lines: readonly string[]): Promise<number> {
  return copyChunks(client, statement, encodeChunks(lines));
}

function copyChunks(client: pg.ClientBase, statement: string, chunks: readonly Buffer[]): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    client.query(new CopyIn(statement, chunks, { resolve, reject }) as never);
  });
}

interface Connection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

class CopyIn {
  readonly text: string;
  readonly #chunks: readonly Buffer[];
  readonly #done: { resolve: (rows: number) => void; reject: (error: unknown) => void };
  #rows = 0;
  #settled = false;

  constructor(text: string, chunks: readonly Buffer[], done: { resolve: (rows: number) => void; reject: (error: unknown) => void }) {
    this.text = text;
    this.#chunks = chunks;
    this.#done = done;
  }

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: Connection): void {
    for (const chunk of this.#chunks) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    const n = /^COPY (\d+)/.exec(message.text ?? '');
    if (n) this.#rows = Number(n[1]);
  }

  handleReadyForQuery(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#done.resolve(this.#rows);
  }

  handleError(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#done.reject(error);
  }

  handleCopyData(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
}
