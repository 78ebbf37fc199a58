/**
 * Several server instances on one PostgreSQL: the listening half of the change bus (base/events.ts), started
 * with the server and stopped at shutdown. On SQLite there is one process and nothing to listen to.
 */
import type { AppContext } from '../base/context.ts';
import type { ChangeListener } from '../base/events.ts';
import { type ListenerOptions, PgChangeListener } from '../db/change-relay.ts';

export interface RunningListener extends ChangeListener {
  /** The listening connection's server process id while connected (none on SQLite). */
  readonly backendPid: number | undefined;
  /** How many times it has connected (1 after the start, more after reconnects). */
  readonly connects: number;
}

/**
 * Starts hearing the other instances' changes on the context's hub: every message is emitted there, and the
 * connection's loss and return flush the caches (which are bypassed in between). Returns what `stop` ends.
 */
export async function startChangeListener(ctx: AppContext, opts: ListenerOptions = {}): Promise<RunningListener> {
  if (ctx.dialect !== 'postgres') return { listening: true, backendPid: undefined, connects: 0, stop: async () => {} };
  const hub = ctx.events;
  const listener = new PgChangeListener(
    ctx.db,
    {
      receive: (message) => {
        if (!hub.receive(message)) opts.log?.warn({}, 'change listener: ignored a malformed message');
      },
      connectionChanged: (state) => hub.emit('caches.flush', { reason: state }),
    },
    opts,
  );
  hub.attachListener(listener);
  await listener.listen();
  return {
    get listening() {
      return listener.listening;
    },
    get backendPid() {
      return listener.backendPid;
    },
    get connects() {
      return listener.connects;
    },
    stop: async () => {
      hub.detachListener(listener);
      await listener.stop();
    },
  };
}
