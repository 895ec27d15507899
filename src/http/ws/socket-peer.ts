import type { Duplex } from "node:stream";
import { WebSocket } from "ws";
import type { Peer } from "../../relay/peer.js";
import { closeCodeOf, closeReason } from "../../protocol/error-codes.js";

/** Shared by every socket of one server: during graceful shutdown closes become 1001. */
export interface ShutdownFlag {
  goingAway: boolean;
}

/**
 * A `ws` socket as the relay sees it. Sending on a closing socket is a no-op, never a throw.
 *
 * Frames sent during one turn of the event loop leave in one write: the first send of a turn
 * corks the TCP socket and a `nextTick` uncorks it once the turn's synchronous work is done.
 * `ws` itself corks around each frame (header and payload), so without this every frame is its
 * own `writev` system call — about a sixth of the relay's CPU time when a visitor's burst of
 * frames fans out to an agent, and every catch-up (snapshot plus the changes since) is a burst.
 * Order is unchanged and nothing waits for a timer: the tick ends before any I/O is polled.
 */
export class SocketPeer implements Peer {
  #corked = false;
  #closedByServer = false;
  readonly #uncork = () => {
    this.#corked = false;
    this.socket.uncork();
  };

  constructor(
    private readonly ws: WebSocket,
    private readonly shutdown: ShutdownFlag,
    private readonly socket: Duplex,
  ) {}

  send(frame: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (!this.#corked) {
      this.#corked = true;
      this.socket.cork();
      process.nextTick(this.#uncork);
    }
    this.ws.send(frame);
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** The server closed this socket (login session ended, limits, shutdown), not the client. */
  get closedByServer(): boolean {
    return this.#closedByServer;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSING || this.ws.readyState === WebSocket.CLOSED) return;
    this.#closedByServer = true;
    this.ws.close(this.shutdown.goingAway ? closeCodeOf("shutting_down") : code, closeReason(reason));
  }
}
