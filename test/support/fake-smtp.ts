/**
 * A minimal SMTP server for fault tests: accepts every mail (counting it) and, once `hold()` is called, takes
 * the next connections without a greeting, so that the sender waits there, and reports each held connection.
 */
import { createServer, type Server, type Socket } from 'node:net';

export class FakeSmtp {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #held: (() => void) | undefined;
  /** Mails accepted (DATA completed), with their recipients. */
  readonly accepted: string[][] = [];
  port = 0;

  constructor() {
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {});
      if (this.#held) {
        this.#held();
        return;
      }
      this.#converse(socket);
    });
  }

  start(): Promise<void> {
    return new Promise((resolve) =>
      this.#server.listen(0, '127.0.0.1', () => {
        this.port = (this.#server.address() as { port: number }).port;
        resolve();
      }),
    );
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** From now on connections wait forever; resolves at the first such connection (a sender is sending). */
  hold(): Promise<void> {
    return new Promise((resolve) => {
      this.#held = resolve;
    });
  }

  /** Back to accepting mails. */
  release(): void {
    this.#held = undefined;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise((r) => this.#server.close(r));
  }

  #converse(socket: Socket) {
    let buffer = '';
    let data = false;
    let rcpt: string[] = [];
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (data) {
          if (line === '.') {
            data = false;
            this.accepted.push(rcpt);
            rcpt = [];
            socket.write('250 OK\r\n');
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 fake\r\n');
        else if (verb === 'RCPT') {
          rcpt.push(line.replace(/^RCPT TO:\s*/i, ''));
          socket.write('250 OK\r\n');
        } else if (verb === 'DATA') {
          data = true;
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n');
        } else socket.write('250 OK\r\n');
      }
    });
  }
}
