import { EventEmitter } from "node:events";

export type SessionEndReason = "logout" | "idle" | "absolute" | "admin" | "backchannel" | "rotated" | "retention" | "deprovisioned" | "roles_changed";

export interface SessionEnded {
  readonly sessionRef: string;
  readonly agentId: string;
  readonly reason: SessionEndReason;
}

/** Announces ended sessions so the WebSocket layer can close their sockets. */
export class SessionEvents {
  private readonly emitter = new EventEmitter();

  emitEnded(event: SessionEnded): void {
    this.emitter.emit("ended", event);
  }

  onEnded(listener: (event: SessionEnded) => void): () => void {
    this.emitter.on("ended", listener);
    return () => this.emitter.off("ended", listener);
  }
}
