/**
 * A small typed event hub, so that a module can react to another module's change without importing it:
 * the module that changes something emits, the module that keeps something derived from it listens. Each
 * event is named here with its payload, so both sides agree on one vocabulary and neither knows the other.
 *
 * Delivery is synchronous and in-process, in the order of subscription; a listener that throws fails the
 * emitter (a bug, never an expected outcome). Listeners drop caches and the like: work that must happen
 * with the change, in its transaction, stays a service call.
 */

export interface MamoriEvents {
  /**
   * A policy version was published for an organization (emitted after the commit). The notices module
   * forgets its list of that organization's published versions.
   */
  'policy.published': { orgId: string };
}

export type MamoriEventName = keyof MamoriEvents;
type Listener<K extends MamoriEventName> = (payload: MamoriEvents[K]) => void;

// Each set holds the listeners of its own event only (onEvent is the one place that adds to it).
const listeners = new Map<MamoriEventName, Set<Listener<never>>>();

/** Listens for an event; returns the function that stops listening. */
export function onEvent<K extends MamoriEventName>(name: K, listener: Listener<K>): () => void {
  const set = listeners.get(name) ?? new Set<Listener<never>>();
  listeners.set(name, set);
  const entry = listener as Listener<never>;
  set.add(entry);
  return () => {
    set.delete(entry);
  };
}

/** Tells every listener of this event, synchronously. */
export function emitEvent<K extends MamoriEventName>(name: K, payload: MamoriEvents[K]): void {
  for (const listener of listeners.get(name) ?? []) (listener as Listener<K>)(payload);
}
