/**
 * The event hub: a listener hears the events it subscribed to, with their payload, until it stops listening;
 * `publish` tells this hub at once and hands the event to the relay; a relayed message is emitted only when
 * well-formed; caches are trusted only while the listener listens.
 */
import { describe, expect, it } from 'vitest';
import type { DbOrTx } from '../db/database.ts';
import { type ChangeRelay, EventHub, perHub } from './events.ts';

describe('event hub', () => {
  it('delivers the payload to every listener of the event, in order, until each stops listening', () => {
    const hub = new EventHub();
    const heard: string[] = [];
    const stopA = hub.on('policy.published', ({ orgId }) => heard.push(`a:${orgId}`));
    const stopB = hub.on('policy.published', ({ orgId }) => heard.push(`b:${orgId}`));
    hub.emit('policy.published', { orgId: 'org-1' });
    stopA();
    hub.emit('policy.published', { orgId: 'org-2' });
    stopB();
    hub.emit('policy.published', { orgId: 'org-3' });
    expect(heard).toEqual(['a:org-1', 'b:org-1', 'b:org-2']);
  });

  it('lets a throwing listener fail the emitter', () => {
    const hub = new EventHub();
    hub.on('policy.published', () => {
      throw new Error('listener bug');
    });
    expect(() => hub.emit('policy.published', { orgId: 'org-1' })).toThrow('listener bug');
  });

  it('keeps hubs apart: an event on one context is not heard on another', () => {
    const a = new EventHub();
    const b = new EventHub();
    const heard: string[] = [];
    b.on('settings.changed', ({ orgId }) => heard.push(orgId));
    a.emit('settings.changed', { orgId: 'org-1' });
    expect(heard).toEqual([]);
  });

  it('publishes locally at once and through the relay, on the database or transaction given', async () => {
    const sent: [unknown, string][] = [];
    const relay: ChangeRelay = { send: async (db, message) => void sent.push([db, message]) };
    const hub = new EventHub(relay);
    const heard: string[] = [];
    hub.on('session.changed', ({ sessionId }) => heard.push(sessionId));
    const tx = { marker: 'tx' } as unknown as DbOrTx;
    await hub.publish(tx, 'session.changed', { sessionId: 'abc' });
    expect(heard).toEqual(['abc']);
    expect(sent).toEqual([[tx, '{"e":"session.changed","p":{"sessionId":"abc"}}']]);
  });

  it('emits a relayed message only when it is one of the shared events, well-formed', () => {
    const hub = new EventHub();
    const heard: unknown[] = [];
    hub.on('user.changed', (p) => heard.push(p));
    hub.on('caches.flush', (p) => heard.push(p));
    expect(hub.receive('{"e":"user.changed","p":{"userId":"u1"}}')).toBe(true);
    expect(hub.receive('{"e":"user.changed","p":{"userId":"u1","extra":1}}')).toBe(false);
    expect(hub.receive('{"e":"caches.flush","p":{"reason":"disconnected"}}')).toBe(false);
    expect(hub.receive('not json')).toBe(false);
    expect(heard).toEqual([{ userId: 'u1' }]);
  });

  it('trusts caches without a listener, and with one only while it listens; counts events in the epoch', async () => {
    const hub = new EventHub();
    expect(hub.cachesTrusted).toBe(true);
    const listener = { listening: false, stop: async () => {} };
    hub.attachListener(listener);
    expect(hub.cachesTrusted).toBe(false);
    listener.listening = true;
    expect(hub.cachesTrusted).toBe(true);
    expect(() => hub.attachListener(listener)).toThrow();
    hub.detachListener(listener);
    const before = hub.epoch;
    hub.emit('policy.changed', {});
    expect(hub.epoch).toBe(before + 1);
  });

  it('keeps per-hub state apart and creates it once per hub', () => {
    let created = 0;
    const state = perHub(() => ({ n: ++created }));
    const a = new EventHub();
    expect(state(a)).toBe(state(a));
    expect(state(new EventHub()).n).toBe(2);
  });
});
