/** The event hub: a listener hears the events it subscribed to, with their payload, until it stops listening. */
import { describe, expect, it } from 'vitest';
import { emitEvent, onEvent } from './events.ts';

describe('event hub', () => {
  it('delivers the payload to every listener of the event, in order, until each stops listening', () => {
    const heard: string[] = [];
    const stopA = onEvent('policy.published', ({ orgId }) => heard.push(`a:${orgId}`));
    const stopB = onEvent('policy.published', ({ orgId }) => heard.push(`b:${orgId}`));
    emitEvent('policy.published', { orgId: 'org-1' });
    stopA();
    emitEvent('policy.published', { orgId: 'org-2' });
    stopB();
    emitEvent('policy.published', { orgId: 'org-3' });
    expect(heard).toEqual(['a:org-1', 'b:org-1', 'b:org-2']);
  });

  it('lets a throwing listener fail the emitter', () => {
    const stop = onEvent('policy.published', () => {
      throw new Error('listener bug');
    });
    try {
      expect(() => emitEvent('policy.published', { orgId: 'org-1' })).toThrow('listener bug');
    } finally {
      stop();
    }
  });
});
