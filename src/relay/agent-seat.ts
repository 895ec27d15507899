import { randomBytes } from "node:crypto";
import { WATCHER_ROLES } from "../protocol/watchers.js";
import type { AgentPrincipal, Peer } from "./peer.js";

/** An agent's place in a room: its connection, who it is, and delivery state. */
export class AgentSeat {
  /** Random per seat: how the visitor and the watcher list name this seat (never the IdP subject). */
  readonly id = randomBytes(9).toString("base64url");
  joined = false;
  /** When the seat was taken (epoch ms on the room's clock). */
  readonly since: number;
  /** The visitor let this agent watch, by name: only admitted seats receive page content. */
  admitted = false;
  /** Control was granted to this agent by name. */
  controlling = false;
  /** Set while the agent's socket is too far behind; it gets a fresh snapshot once drained. */
  lagging = false;
  /** The agent's viewer reported its page hidden (Page Visibility). */
  hidden = false;
  /** The agent's connection went away without leaving; the same agent may come back. */
  disconnected = false;
  /** Runs while the seat is away (hidden or disconnected): when it fires, the seat ends. */
  awayTimer: unknown;
  /** Kept for a watcher of a session taken over from a server process that stopped. */
  restored = false;

  constructor(
    readonly peer: Peer,
    readonly principal: AgentPrincipal,
    now: number,
  ) {
    this.since = now;
  }

  /** The co-browse role the visitor is told (the most senior one the agent has). */
  get role(): string {
    return WATCHER_ROLES.find((r) => this.principal.roles.includes(r)) ?? "agent";
  }
}
