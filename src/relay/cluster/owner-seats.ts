import type { AgentMessage } from "../../protocol/agent-messages.js";
import type { ServerToAgent } from "../../protocol/server-messages.js";
import type { AgentSeat } from "../agent-seat.js";
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

  constructor(private readonly rooms: (id: string) => Room | undefined) {}

  attach(conn: string, roomId: string, peer: Peer, principal: AgentPrincipal): void {
    const existing = this.#byConn.get(conn);
    if (existing) {
      if (existing.room.id === roomId) return;
      this.detach(conn);
    }
    const room = this.rooms(roomId);
    if (!room || room.state === "ended") {
      send(peer, { kind: "error", code: "session_ended", message: "no such co-browse session", ref: "join" });
      return;
    }
    const seat = room.seatFor(peer, principal);
    this.#byConn.set(conn, { room, seat });
    this.#connOf.set(seat, conn);
  }

  /** Runs one agent message through its room; the affected room, for re-announcing. */
  message(conn: string, message: AgentMessage, peerIfUnseated: () => Peer | undefined): Room | undefined {
    const seated = this.#byConn.get(conn);
    if (!seated) {
      const peer = peerIfUnseated();
      if (peer) send(peer, { kind: "error", code: "wrong_state", message: "join a room first", ref: message.kind });
      return undefined;
    }
    const { room, seat } = seated;
    if (message.kind === "join" && seat.joined) {
      send(seat.peer, { kind: "error", code: "wrong_state", message: "already joined", ref: "join" });
      return room;
    }
    const failure = room.fromAgent(seat, message);
    if (failure) {
      send(seat.peer, { kind: "error", code: failure.code, message: failure.message, ref: message.kind, ...(failure.node === undefined ? {} : { node: failure.node }) });
      // A refused join leaves nothing behind: the connection may try another room.
      if (message.kind === "join") this.#forget(seat);
    }
    return room;
  }

  /**
   * The connection left the room: on purpose (leave, another room, a closed login session) the
   * seat ends at once; when the connection was lost (`away`) the seat stays, away, for the policy's
   * limit, so the same agent can come back.
   */
  detach(conn: string, away = false): Room | undefined {
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

function send(peer: Peer, message: ServerToAgent): void {
  peer.send(JSON.stringify(message));
}
