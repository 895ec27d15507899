/** One end of a relay connection, as the session sees it: something that takes frames and can be closed. */
export interface Peer {
  /** Sends an already-serialized frame. */
  send(frame: string): void;
  /** Bytes queued but not yet written to the socket; used for backpressure. */
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

/** Who an agent connection belongs to: taken at the WebSocket upgrade from the signed-in agent of its login session. */
export interface AgentPrincipal {
  readonly subject: string;
  readonly displayName: string;
  readonly roles: readonly string[];
  readonly mfa: boolean;
  /** Client address as the agent network allowlist saw it; agent decisions need it. */
  readonly sourceAddress?: string;
}
