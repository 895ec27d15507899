import { WebSocket } from "ws";
import type { Peer } from "../../relay/peer.js";
import { CLOSE, closeReason } from "./close-codes.js";

/** Shared by every socket of one server: during graceful shutdown closes become 1001. */
export interface ShutdownFlag {
  goingAway: boolean;
}

/** A `ws` socket as the relay sees it. Sending on a closing socket is a no-op, never a throw. */
export class SocketPeer implements Peer {
  constructor(
    private readonly ws: WebSocket,
    private readonly shutdown: ShutdownFlag,
  ) {}

  send(frame: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame);
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSING || this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(this.shutdown.goingAway ? CLOSE.goingAway : code, closeReason(reason));
  }
}
