import type { AgentMessage } from "../../protocol/agent-messages.js";
import type { AgentSeat } from "../agent-seat.js";
import { runChecks } from "../checks/check.js";
import { sendFailure } from "../failure.js";
import { routeChecks } from "../message-table.js";
import type { AgentPrincipal, Peer } from "../peer.js";
import type { CobrowseSession } from "../cobrowse-session.js";

/**
 * The owner's side of agent connections: the seat each connection (local or on another replica)
 * holds in a session this replica owns. Every agent message for an owned session passes through here
 * into `room.fromAgent`, whichever replica the agent's socket is on.
 */
export class OwnerSeats {
  readonly #byConn = new Map<string, { room: CobrowseSession; seat: AgentSeat }>();
  readonly #connOf = new Map<AgentSeat, string>();
  /** Connections on their way into a room: seated by their `join` once its rows pass. */
  readonly #attaching = new Map<string, { roomId: string; peer: Peer; principal: AgentPrincipal }>();

  constructor(private readonly sessions: (id: string) => CobrowseSession | undefined) {}

  attach(conn: string, sessionId: string, peer: Peer, principal: AgentPrincipal): void {
    const existing = this.#byConn.get(conn);
    if (existing) {
      if (existing.room.id === sessionId) return;
      this.detach(conn);
    }
    this.#attaching.set(conn, { roomId: sessionId, peer, principal });
  }

  /**
   * Runs one agent message through its route row (message-table.ts `routeTable`: the session is
   * open here, the connection is seated) and its session; the affected session, for re-announcing.
   */
  message(conn: string, message: AgentMessage, peerIfUnseated: () => Peer | undefined): CobrowseSession | undefined {
    const attaching = message.kind === "join" ? this.#attaching.get(conn) : undefined;
    this.#attaching.delete(conn);
    let seated = this.#byConn.get(conn);
    // The session a join names opens now when it is a visit's next session (OwnerSide#sessionToJoin).
    const session = seated?.room ?? (attaching && this.sessions(attaching.roomId));
    const failure = runChecks(routeChecks[message.kind], { message, route: { sessionFound: session !== undefined && session.state !== "ended", inSession: seated !== undefined } });
    if (failure || !session) {
      const peer = seated?.seat.peer ?? peerIfUnseated();
      if (failure && peer) sendFailure(peer, failure, message.kind);
      return undefined;
    }
    if (!seated && attaching) {
      seated = { room: session, seat: session.seatFor(attaching.peer, attaching.principal) };
      this.#byConn.set(conn, seated);
      this.#connOf.set(seated.seat, conn);
    }
    if (!seated) return undefined;
    const { seat } = seated;
    const refused = session.fromAgent(seat, message);
    if (refused) {
      sendFailure(seat.peer, refused, message.kind);
      // A refused join leaves nothing behind: the connection may try another session.
      if (message.kind === "join" && !seat.joined) this.#forget(seat);
    }
    return session;
  }

  /**
   * The connection left the room: on purpose (leave, another session, a closed login session) the
   * seat ends at once; when the connection was lost (`away`) the seat stays, away, for the policy's
   * limit, so the same agent can come back.
   */
  detach(conn: string, away = false): CobrowseSession | undefined {
    this.#attaching.delete(conn);
    const seated = this.#byConn.get(conn);
    if (!seated) return undefined;
    this.#forget(seated.seat);
    if (away && seated.seat.joined) seated.room.agentDisconnected(seated.seat);
    else seated.room.removeAgent(seated.seat, "agent_left");
    return seated.room;
  }

  /** The session removed the seat (leave, away too long) or ended: forget the connection's seat. */
  forget(seat: AgentSeat): void {
    this.#forget(seat);
  }

  forgetSession(session: CobrowseSession): void {
    for (const [conn, seated] of this.#byConn) if (seated.room === session) {
      this.#byConn.delete(conn);
      this.#connOf.delete(seated.seat);
    }
  }

  peerOf(conn: string): Peer | undefined {
    return this.#byConn.get(conn)?.seat.peer;
  }

  #forget(seat: AgentSeat): void {
    const conn = this.#connOf.get(seat);
    if (conn === undefined) return;
    this.#connOf.delete(seat);
    this.#byConn.delete(conn);
  }
}
