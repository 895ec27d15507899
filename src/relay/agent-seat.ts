import type { AgentPrincipal, Peer } from "./peer.js";

/** An agent's place in a room: its connection, who it is, and delivery state. */
export class AgentSeat {
  joined = false;
  /** When the seat was taken (epoch ms on the room's clock). */
  readonly since: number;
  /** Set while the agent's socket is too far behind; it gets a fresh snapshot once drained. */
  lagging = false;
  /** The agent's viewer reported its page hidden (Page Visibility). */
  hidden = false;
  /** The agent's connection went away without leaving; the same agent may come back. */
  disconnected = false;
  /** Runs while the seat is away (hidden or disconnected): when it fires, the seat ends. */
  awayTimer: unknown;

  constructor(
    readonly peer: Peer,
    readonly principal: AgentPrincipal,
    now: number,
  ) {
    this.since = now;
  }
}
