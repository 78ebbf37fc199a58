/**
 * The typed event hub of one context (`AppContext.events`), so that a module can react to another module's
 * change without importing it: the module that changes something publishes, the module that keeps something
 * derived from it (a cache) listens. Each event is named here with its payload, so both sides agree on one
 * vocabulary and neither knows the other.
 *
 * Several server instances on one PostgreSQL: a change published on one instance must reach the caches of
 * all. `publish` therefore does two things: it tells this hub's listeners at once, and it hands the event to
 * the hub's relay (`ChangeRelay`, PostgreSQL's NOTIFY on the change's own transaction, so that it is delivered
 * at commit and never for a rollback). Every instance listening on the database (`ChangeListener`, one
 * dedicated connection) hears it — this one too, after the commit, which drops anything a concurrent request
 * cached from the state before the commit — and emits it on its own hub. On SQLite there is one process and
 * no relay: `publish` is local only.
 *
 * While an instance's listener is disconnected it cannot hear other instances' changes: `cachesTrusted` is
 * false and caches are bypassed (read through, nothing kept), and `caches.flush` is emitted when the
 * connection is lost and again once it listens anew, so nothing kept before or during the gap survives it.
 * A load that overlapped any event is not kept either (`epoch`): what it read may predate the change.
 *
 * Delivery is synchronous, in the order of subscription; a listener that throws fails the emitter (a bug,
 * never an expected outcome). Listeners drop caches and the like: work that must happen with the change, in
 * its transaction, stays a service call.
 */
import { z } from 'zod';
import type { DbOrTx } from '../db/database.ts';

/** Events that other instances must hear: each is relayed between processes. */
export interface SharedEvents {
  /** A staff session ended or changed state (logout, a completed TOTP step). */
  'session.changed': { sessionId: string };
  /** A staff user's sessions ended or the user changed (lockout on a wrong second factor, TOTP rebound, disabled). */
  'user.changed': { userId: string };
  /** A role changed (its duties): the sessions cached with that role are stale. */
  'role.changed': { roleId: string };
  /** An organization's settings (`base/settings.ts`) changed. */
  'settings.changed': { orgId: string };
  /** The enforced registers (purposes, items, grants, joint use, consent flags) changed: reload the access engine. */
  'policy.changed': Record<string, never>;
  /** A policy version was published for an organization: the notices forget its list of versions. */
  'policy.published': { orgId: string };
}

/** Events of this process only. */
export interface LocalEvents {
  /** Changes of other instances may have been missed (listener disconnected or reconnected): drop every cache. */
  'caches.flush': { reason: 'disconnected' | 'reconnected' };
  /** Tasks for the connected systems were queued (planned, approved, resumed): this process's worker looks now. */
  'system_tasks.queued': Record<string, never>;
}

export type MamoriEvents = SharedEvents & LocalEvents;
export type MamoriEventName = keyof MamoriEvents;
export type SharedEventName = keyof SharedEvents;
type Listener<K extends MamoriEventName> = (payload: MamoriEvents[K]) => void;

const id = z.string().min(1).max(200);
/** What a relayed message may carry: anything else on the channel is ignored. */
const sharedMessage = z.discriminatedUnion('e', [
  z.strictObject({ e: z.literal('session.changed'), p: z.strictObject({ sessionId: id }) }),
  z.strictObject({ e: z.literal('user.changed'), p: z.strictObject({ userId: id }) }),
  z.strictObject({ e: z.literal('role.changed'), p: z.strictObject({ roleId: id }) }),
  z.strictObject({ e: z.literal('settings.changed'), p: z.strictObject({ orgId: id }) }),
  z.strictObject({ e: z.literal('policy.changed'), p: z.strictObject({}) }),
  z.strictObject({ e: z.literal('policy.published'), p: z.strictObject({ orgId: id }) }),
]);

/** Sends a relayed message to every instance on the database (PostgreSQL: `pg_notify`). */
export interface ChangeRelay {
  /** In `db`'s transaction when it is one: delivered at its commit, never for a rollback. */
  send(db: DbOrTx, message: string): Promise<void>;
}

/** Hears the other instances' messages; `listening` is false while it cannot (disconnected). */
export interface ChangeListener {
  readonly listening: boolean;
  stop(): Promise<void>;
}

export class EventHub {
  readonly #listeners = new Map<MamoriEventName, Set<Listener<never>>>();
  readonly #relay: ChangeRelay | undefined;
  #listener: ChangeListener | undefined;
  #epoch = 0;

  /** `relay`: how published events reach other processes (none on SQLite). */
  constructor(relay?: ChangeRelay) {
    this.#relay = relay;
  }

  /** Listens for an event; returns the function that stops listening. */
  on<K extends MamoriEventName>(name: K, listener: Listener<K>): () => void {
    const set = this.#listeners.get(name) ?? new Set<Listener<never>>();
    this.#listeners.set(name, set);
    const entry = listener as Listener<never>;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Tells this hub's listeners, synchronously (this process only). */
  emit<K extends MamoriEventName>(name: K, payload: MamoriEvents[K]): void {
    this.#epoch++;
    for (const listener of this.#listeners.get(name) ?? []) (listener as Listener<K>)(payload);
  }

  /**
   * Announces a change: to this process at once, and through the relay to every instance (this one again at
   * commit). Pass the change's transaction, so that other instances hear it only if and when it commits; or,
   * right after the commit, the database.
   */
  async publish<K extends SharedEventName>(db: DbOrTx, name: K, payload: SharedEvents[K]): Promise<void> {
    this.emit(name, payload as MamoriEvents[K]);
    if (this.#relay) await this.#relay.send(db, JSON.stringify({ e: name, p: payload }));
  }

  /** A message from the relay (any instance's, this one's included): emitted here when it is well-formed. */
  receive(message: string): boolean {
    let parsed: z.infer<typeof sharedMessage>;
    try {
      parsed = sharedMessage.parse(JSON.parse(message));
    } catch {
      return false;
    }
    this.emit(parsed.e, parsed.p as never);
    return true;
  }

  /** The listener that hears other instances (set by the assembly when a server starts on PostgreSQL). */
  attachListener(listener: ChangeListener): void {
    if (this.#listener) throw new Error('this context already listens for changes');
    this.#listener = listener;
  }

  detachListener(listener: ChangeListener): void {
    if (this.#listener === listener) this.#listener = undefined;
  }

  /** Is another instance's change now sure to be heard? Not while the listener is disconnected: caches are bypassed then. */
  get cachesTrusted(): boolean {
    return this.#listener?.listening ?? true;
  }

  /**
   * Counts every event emitted here. A cache notes it before a load and keeps the result only if it has not
   * moved: a load that overlapped a change may have read the state before it.
   */
  get epoch(): number {
    return this.#epoch;
  }
}

/**
 * State a module keeps per hub, i.e. per context (tests run several contexts in one process, like several
 * instances): created on first use by `init`, which subscribes it to the hub's events.
 */
export function perHub<T>(init: (hub: EventHub) => T): (hub: EventHub) => T {
  const states = new WeakMap<EventHub, T>();
  return (hub) => {
    let state = states.get(hub);
    if (state === undefined) {
      state = init(hub);
      states.set(hub, state);
    }
    return state;
  };
}
