import type { WebSocket } from "ws";
import { LIMITS } from "../../protocol/limits.js";
import { visitorMessage } from "../../protocol/visitor-messages.js";
import { actionForMessage } from "../../policy/message-guards.js";
import type { Relay } from "../../relay/relay.js";
import type { Room } from "../../relay/room.js";
import { CLOSE } from "./close-codes.js";
import { gateFrame } from "./frame-gate.js";
import { openingCloseCode, refOf, sendError } from "./opening.js";
import { ConnectionRateLimiter } from "./rate-limiter.js";
import type { SocketPeer } from "./socket-peer.js";

/** A visitor has this long after the handshake to send `hello` or `resume`. */
const OPENING_TIMEOUT_MS = 10_000;

/**
 * One visitor connection on /ws/visitor (Origin already checked against the registered sites):
 * the first frame must be `hello` (site key) or `resume` (single-use resume token); every later
 * frame passes the frame gate, the kind's registered action, then its room's checks.
 */
export function serveVisitor(ws: WebSocket, peer: SocketPeer, origin: string, relay: Relay): void {
  const limiter = new ConnectionRateLimiter({
    messagesPerSecond: LIMITS.visitorMessagesPerSecond,
    burst: LIMITS.visitorBurst,
    bytesPerSecond: LIMITS.visitorBytesPerSecond,
    burstBytes: LIMITS.visitorBurstBytes,
  });
  let room: Room | undefined;
  const timer = setTimeout(() => {
    if (!room) peer.close(CLOSE.openingTimeout, "hello expected");
  }, OPENING_TIMEOUT_MS).unref();

  ws.on("message", (data, isBinary) => {
    const gate = gateFrame(data, isBinary, limiter, visitorMessage);
    if (!gate.ok) {
      sendError(peer, gate, gate.ref);
      if (gate.close) peer.close(gate.close.code, gate.close.reason);
      else if (!room) peer.close(CLOSE.badOpening, gate.code);
      return;
    }
    const message = gate.message;
    if (actionForMessage("visitor", message.kind) === undefined) return sendError(peer, { code: "not_allowed", message: "message kind has no policy action" }, message.kind);
    if (!room) {
      if (message.kind !== "hello" && message.kind !== "resume") {
        sendError(peer, { code: "wrong_state", message: "send hello or resume first" }, message.kind);
        return peer.close(CLOSE.badOpening, "wrong_state");
      }
      const opening = relay.openVisitor(peer, message, origin);
      if (!opening.ok) {
        sendError(peer, opening.failure, message.kind);
        return peer.close(openingCloseCode(opening.failure.code), opening.failure.code);
      }
      room = opening.room;
      clearTimeout(timer);
      return;
    }
    const failure = relay.fromVisitor(room, message, origin);
    if (failure) sendError(peer, failure, refOf(message));
  });

  ws.on("close", () => {
    clearTimeout(timer);
    if (room) relay.visitorClosed(room, peer);
  });
}
