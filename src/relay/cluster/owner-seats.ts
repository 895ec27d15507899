import type { AgentMessage } from "../../protocol/agent-messages.js";
import type { AgentSeat } from "../agent-seat.js";
import { runChecks } from "../checks/check.js";
import { sendFailure } from "../failure.js";
import { routeChecks } from "../message-table.js";
import type { AgentPrincipal, Peer } from "../peer.js";
import type { Room } from "../room.js";

/**
 * The owner's side of agent connections: the seat each connection (local or on another replica)
 * holds in a room this replica owns. Every agent message for an owned room passes through here
 * into `room.fromAgent`, whichever replica the agent's socket is on.
 */
export class OwnerSeats {
  readonly #byConn = new Map<string, { room: Room; seat: AgentSeat }>();
  readonly #connOf = new Map<AgentSeat, string>();
  /** Connections on their way into a room: seated by their `join` once its rows pass. */
  readonly #attaching = new Map<string, { roomId: string; peer: Peer; principal: AgentPrincipal }>();

  constructor(private readonly rooms: (id: string) => Room | undefined) {}

  attach(conn: string, roomId: string, peer: Peer, principal: AgentPrincipal): void {
    const existing = this.#byConn.get(conn);
    if (existing) {
      if (existing.room.id === roomId) return;
      this.detach(conn);
    }
    this.#attaching.set(conn, { roomId, peer, principal });
  }

  /**
   * Runs one agent message through its route row (message-table.ts `routeTable`: the room is
   * open here, the connection is seated) and its room; the affected room, for re-announcing.
   */
  message(conn: string, message: AgentMessage, peerIfUnseated: () => Peer | undefined): Room | undefined {
    const attaching = message.kind === "join" ? this.#attaching.get(conn) : undefined;
    this.#attaching.delete(conn);
    let seated = this.#byConn.get(conn);
    // The room a join names opens now when it is a visit's next room (OwnerSide#roomToJoin).
    const room = seated?.room ?? (attaching && this.rooms(attaching.roomId));
    const failure = runChecks(routeChecks[message.kind], { message, route: { roomFound: room !== undefined && room.state !== "ended", inRoom: seated !== undefined } });
    if (failure || !room) {
      const peer = seated?.seat.peer ?? peerIfUnseated();
      if (failure && peer) sendFailure(peer, failure, message.kind);
      return undefined;
    }
    if (!seated && attaching) {
      seated = { room, seat: room.seatFor(attaching.peer, attaching.principal) };
      this.#byConn.set(conn, seated);
      this.#connOf.set(seated.seat, conn);
    }
    if (!seated) return undefined;
    const { seat } = seated;
    const refused = room.fromAgent(seat, message);
    if (refused) {
      sendFailure(seat.peer, refused, message.kind);
      // A refused join leaves nothing behind: the connection may try another room.
      if (message.kind === "join" && !seat.joined) this.#forget(seat);
    }
    return room;
  }

  /**
   * The connection left the room: on purpose (leave, another room, a closed login session) the
   * seat ends at once; when the connection was lost (`away`) the seat stays, away, for the policy's
   * limit, so the same agent can come back.
   */
  detach(conn: string, away = false): Room | undefined {
    this.#attaching.delete(conn);
    const seated = this.#byConn.get(conn);
    if (!seated) return undefined;
    this.#forget(seated.seat);
    if (away && seated.seat.joined) seated.room.agentDisconnected(seated.seat);
    else seated.room.removeAgent(seated.seat, "agent_left");
    return seated.room;
  }

  /** The room removed the seat (leave, away too long) or ended: forget the connection's seat. */
  forget(seat: AgentSeat): void {
    this.#forget(seat);
  }

  forgetRoom(room: Room): void {
    for (const [conn, seated] of this.#byConn) if (seated.room === room) {
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
