import type { AgentPrincipal, Peer } from "./peer.js";

/** An agent's place in a room: its connection, who it is, and delivery state. */
export class AgentSeat {
  joined = false;
  lastActivity: number;
  /** Set while the agent's socket is too far behind; it gets a fresh snapshot once drained. */
  lagging = false;
  timer: unknown;

  constructor(
    readonly peer: Peer,
    readonly principal: AgentPrincipal,
    now: number,
  ) {
    this.lastActivity = now;
  }
}
