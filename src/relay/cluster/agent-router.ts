import type { Bus } from "../../bus/bus.js";
import type { AgentMessage } from "../../protocol/agent-messages.js";
import { runChecks } from "../checks/check.js";
import type { Failure } from "../failure.js";
import { routeChecks } from "../message-table.js";
import type { AgentPrincipal, Peer } from "../peer.js";
import { replicaChannel, type ReplicaEnvelope } from "./envelopes.js";

/** An agent's socket on this replica, as the relay sees it. */
export interface AgentEndpoint {
  /** Random id of this connection, unique across replicas. */
  readonly conn: string;
  readonly peer: Peer;
  readonly principal: AgentPrincipal;
}

/** What the router needs from the session owner side of this replica. */
export interface OwnerSide {
  readonly replica: string;
  /** The replica owning a session (this one included), or undefined when no replica holds it. */
  ownerOf(session: string): string | undefined;
  /** Handles an envelope for a session this replica owns; `peer` is the agent's local socket. */
  handleLocal(envelope: ReplicaEnvelope, peer: Peer, principal: AgentPrincipal): void;
}

/** How often a lagging agent socket's backlog is reported to a remote session owner. */
const BACKLOG_REPORT_MS = 50;

/**
 * Agent sockets held by this replica and the session each one is in. Messages go to the room's
 * owner: directly when that is this replica, over the bus otherwise; frames for the socket come
 * back the same way.
 */
export class AgentRouter {
  readonly #endpoints = new Map<string, AgentEndpoint>();
  readonly #routes = new Map<string, { owner: string; room: string; join?: Extract<AgentMessage, { kind: "join" }> }>();
  readonly #backlog = new Map<string, { reported: number; timer: NodeJS.Timeout }>();

  constructor(
    private readonly bus: Bus,
    private readonly owners: OwnerSide,
  ) {}

  open(endpoint: AgentEndpoint): void {
    this.#endpoints.set(endpoint.conn, endpoint);
  }

  /**
   * Runs the message's route row here (message-table.ts `routeTable`) and sends it on to its
   * room's owner; a refusal is returned for the socket to answer, and nothing is sent on.
   */
  fromSocket(endpoint: AgentEndpoint, message: AgentMessage, knownOwner?: string): Failure | undefined {
    const { conn } = endpoint;
    const current = this.#routes.get(conn);
    const owner = message.kind === "join" ? (this.owners.ownerOf(message.room) ?? knownOwner) : current?.owner;
    const failure = runChecks(routeChecks[message.kind], { message, route: { sessionFound: owner !== undefined, inSession: current !== undefined } });
    if (failure) return failure;
    let route = current;
    if (message.kind === "join" && owner !== undefined) {
      // Joining another session leaves the current one.
      if (current && current.room !== message.room) this.#leaveRoute(endpoint);
      route = { owner, room: message.room, join: message };
      this.#routes.set(conn, route);
      this.#attach(endpoint, route.owner, message.room);
    }
    if (!route) throw new Error("an agent message passed its route row without a route");
    this.#toOwner(endpoint, route.owner, { t: "agent", conn, from: this.owners.replica, msg: message });
    if (message.kind === "leave") this.#routes.delete(conn);
    return undefined;
  }

  /**
   * Another server process took the session over: the agents in it here join it again there,
   * with the join they sent (the session keeps their seats, away, so nobody is asked again).
   */
  ownerChanged(room: string, owner: string): void {
    for (const [conn, route] of this.#routes) {
      const endpoint = this.#endpoints.get(conn);
      if (route.room !== room || route.owner === owner || !endpoint || !route.join) continue;
      route.owner = owner;
      this.#attach(endpoint, owner, room);
      this.#toOwner(endpoint, owner, { t: "agent", conn, from: this.owners.replica, msg: route.join });
    }
  }

  #attach(endpoint: AgentEndpoint, owner: string, room: string): void {
    const { subject, displayName, roles, mfa, sourceAddress } = endpoint.principal;
    const principal = { subject, displayName, roles: [...roles], mfa, ...(sourceAddress === undefined ? {} : { sourceAddress }) };
    this.#toOwner(endpoint, owner, { t: "attach", room, conn: endpoint.conn, from: this.owners.replica, principal });
  }

  /** The socket closed; `away` when it was lost rather than closed on purpose. */
  closed(endpoint: AgentEndpoint, away = false): void {
    this.#leaveRoute(endpoint, away);
    this.#endpoints.delete(endpoint.conn);
    const backlog = this.#backlog.get(endpoint.conn);
    if (backlog) clearTimeout(backlog.timer);
    this.#backlog.delete(endpoint.conn);
  }

  /** A frame from a remote session owner for one of this replica's agent sockets. */
  deliver(conn: string, frame: string): void {
    const endpoint = this.#endpoints.get(conn);
    if (!endpoint) return;
    endpoint.peer.send(frame);
    const route = this.#routes.get(conn);
    if (route && route.owner !== this.owners.replica && endpoint.peer.bufferedAmount() > 0) this.#watchBacklog(endpoint, route.owner);
  }

  /** Whether the agent's socket is still open here (an answer that took a while goes nowhere otherwise). */
  isOpen(endpoint: AgentEndpoint): boolean {
    return this.#endpoints.get(endpoint.conn) === endpoint;
  }

  closeConnection(conn: string, code: number, reason: string): void {
    this.#endpoints.get(conn)?.peer.close(code, reason);
  }

  /** Agent sockets of one login session (closed when identity ends that session). */
  endpoints(): IterableIterator<AgentEndpoint> {
    return this.#endpoints.values();
  }

  #leaveRoute(endpoint: AgentEndpoint, away = false): void {
    const route = this.#routes.get(endpoint.conn);
    if (!route) return;
    this.#routes.delete(endpoint.conn);
    this.#toOwner(endpoint, route.owner, { t: "detach", conn: endpoint.conn, ...(away ? { away } : {}) });
  }

  #toOwner(endpoint: AgentEndpoint, owner: string, envelope: ReplicaEnvelope): void {
    if (owner === this.owners.replica) this.owners.handleLocal(envelope, endpoint.peer, endpoint.principal);
    else this.bus.publish(replicaChannel(owner), JSON.stringify(envelope));
  }

  /** Reports the socket's backlog to the owner until it drains, so the session can back off. */
  #watchBacklog(endpoint: AgentEndpoint, owner: string): void {
    if (this.#backlog.has(endpoint.conn)) return;
    const tick = () => {
      const bytes = endpoint.peer.bufferedAmount();
      const state = this.#backlog.get(endpoint.conn);
      if (!state) return;
      if (bytes !== state.reported) {
        state.reported = bytes;
        this.bus.publish(replicaChannel(owner), JSON.stringify({ t: "backlog", conn: endpoint.conn, bytes } satisfies ReplicaEnvelope));
      }
      if (bytes === 0) this.#backlog.delete(endpoint.conn);
      else state.timer = setTimeout(tick, BACKLOG_REPORT_MS).unref();
    };
    this.#backlog.set(endpoint.conn, { reported: 0, timer: setTimeout(tick, BACKLOG_REPORT_MS).unref() });
  }
}
