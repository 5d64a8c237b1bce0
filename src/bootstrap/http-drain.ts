import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/**
 * A keep-alive connection left idle this long is closed during a drain. Node's own
 * `server.close()` destroys idle connections at once, and under load "idle" includes a socket
 * whose next request has reached the kernel but not yet the parser: that request is reset. A
 * socket that just finished a response is given this long to carry the client's next request,
 * which is answered with `Connection: close`.
 */
const IDLE_GRACE_MS = 300;
const SWEEP_INTERVAL_MS = 100;

interface TrackedSocket {
  active: number;
  idleSince: number;
}

/**
 * Lets the HTTP server stop without resetting anything: once draining, every response asks the
 * client to close its connection; {@link close} stops accepting connections, waits for the
 * requests in flight, and closes keep-alive connections as soon as they have been idle for
 * {@link IDLE_GRACE_MS} (instead of Node's keep-alive timeout, which held exit for seconds).
 */
export class HttpDrain {
  private readonly sockets = new Map<Socket, TrackedSocket>();
  private readonly pending = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { active: 0, idleSince: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    // Prepended so that the header is set before any handler can send the response.
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) =>
      this.track(request.socket, response),
    );
  }

  /** From now on every response tells its client not to reuse the connection. */
  beginDrain(): void {
    this.draining = true;
    for (const response of this.pending) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
  }

  /** Stops accepting connections; resolves once every connection has ended. */
  async close(): Promise<void> {
    this.beginDrain();
    // net.Server's close, not http.Server's: the latter would destroy "idle" sockets at once.
    const closed = new Promise<void>((resolve) =>
      NetServer.prototype.close.call(this.server, () => resolve()),
    );
    const sweep = setInterval(() => this.closeIdle(), SWEEP_INTERVAL_MS);
    this.closeIdle();
    try {
      await closed;
    } finally {
      clearInterval(sweep);
    }
  }

  private track(socket: Socket, response: ServerResponse): void {
    const state = this.sockets.get(socket);
    if (state) state.active += 1;
    this.pending.add(response);
    if (this.draining) response.setHeader('Connection', 'close');
    response.once('close', () => {
      this.pending.delete(response);
      if (state) {
        state.active -= 1;
        state.idleSince = Date.now();
      }
    });
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const [socket, state] of this.sockets) {
      if (state.active === 0 && now - state.idleSince >= IDLE_GRACE_MS) socket.destroy();
    }
  }
}
