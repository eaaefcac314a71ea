import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';

/** How long requests in flight may take to finish when a server stops. */
export const DRAIN_GRACE_MS = 10_000;

/**
 * Node's server.close waits for every open connection to end, and a connection that never sent a request (a TLS
 * handshake left open, a connection a client pooled ahead of time) is not closed for it: the process would hang on
 * shutdown. A drain lets requests in flight finish (up to a grace period) and then ends every connection.
 * Attach it before the server listens.
 */
export class ConnectionDrain {
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private onIdle: (() => void) | undefined;

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
      this.inFlight++;
      response.once('close', () => {
        this.inFlight--;
        if (this.inFlight === 0) this.onIdle?.();
      });
    });
  }

  /** Runs `closeServer` (which stops accepting) and ends the connections once nothing is in flight. */
  async close(closeServer: () => PromiseLike<unknown>, graceMs = DRAIN_GRACE_MS): Promise<void> {
    const closed = closeServer();
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.onIdle = resolve;
        timer = setTimeout(resolve, graceMs);
      });
      clearTimeout(timer);
    }
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
