import type { RawData, WebSocket } from "ws";
import { closeCodeOf } from "../../protocol/error-codes.js";
import { LIMITS } from "../../protocol/limits.js";
import { visitorMessage, type VisitorMessage } from "../../protocol/visitor-messages.js";
import type { MessageGuards } from "../../policy/message-guards.js";
import type { Relay, VisitorOpening } from "../../relay/relay.js";
import type { Visit } from "../../relay/visit.js";
import { visitorChatKinds, type ChatConnection, type ChatSockets } from "./chat-endpoints.js";
import { gateFrame, routeFrame } from "../../http/ws/frame-gate.js";
import { refOf, sendError } from "../../http/ws/opening.js";
import { ConnectionRateLimiter } from "../../http/ws/rate-limiter.js";
import type { SocketPeer } from "../../http/ws/socket-peer.js";
import type { SocketQuotas } from "../../http/ws/socket-quotas.js";
import { traceFrame } from "../../telemetry/frame-hook.js";

/** A visitor has this long after the handshake to send `hello` or `resume` (wsHandshakeTimeoutMs). */
const OPENING_TIMEOUT_MS = 10_000;

/**
 * One visitor connection on /ws/visitor (Origin already checked against the registered sites):
 * the first frame must be `hello` (site key: a new visit) or `resume` (single-use resume token:
 * the same visit on the next page); every later frame passes the frame gate and its kind's
 * registered action, then goes to the visit's co-browse session (co-browse kinds) or to the chat
 * runtime (chat and presence kinds, for the whole visit whatever co-browse sessions come and go).
 */
export function serveVisitor(
  ws: WebSocket,
  peer: SocketPeer,
  origin: string,
  relay: Relay,
  chat: ChatSockets | undefined,
  guards: MessageGuards,
  openingTimeoutMs = OPENING_TIMEOUT_MS,
  admission: { readonly quotas: SocketQuotas; readonly client: string | undefined; readonly refused?: (code: "too_many_visits" | "rate_limited") => void },
): void {
  const limiter = new ConnectionRateLimiter({
    messagesPerSecond: LIMITS.visitorMessagesPerSecond,
    burst: LIMITS.visitorBurst,
    bytesPerSecond: LIMITS.visitorBytesPerSecond,
    burstBytes: LIMITS.visitorBurstBytes,
  });
  let visit: Visit | undefined;
  let chatConnection: ChatConnection | undefined;
  // Refusals for rate (frame gate) and quota (chat) count alike; only time forgives them.
  const offences = admission.quotas.offences();
  const offended = () => {
    if (!offences.offend()) return;
    admission.refused?.("rate_limited");
    peer.close(closeCodeOf("rate_limited"), "rate_limited");
  };
  const timer = setTimeout(() => {
    if (!visit) peer.close(closeCodeOf("request_timeout"), "hello expected");
  }, openingTimeoutMs).unref();

  // A resume taken over from another server process waits for the shared visit store; frames
  // arriving meanwhile are handled after it, in order.
  let takingOver: Promise<void> | undefined;
  let closed = false;
  ws.on("message", (data, isBinary) => {
    if (takingOver) takingOver = takingOver.then(() => onFrame(data, isBinary));
    else onFrame(data, isBinary);
  });
  const opened = (opening: VisitorOpening, message: { kind: string }) => {
    if (!opening.ok) {
      sendError(peer, opening.failure, message.kind);
      return peer.close(closeCodeOf(opening.failure.code), opening.failure.code);
    }
    visit = opening.visit;
    clearTimeout(timer);
    chatConnection ??= chat?.openVisitor({ siteId: visit.siteId, visitorId: visit.id, origin }, peer, { onOffence: offended });
    // The socket closed while the visit was being taken over: the visit waits for a resume.
    if (closed) {
      chatConnection?.close();
      relay.visitorClosed(visit, peer);
    }
  };

  const onFrame = (data: RawData, isBinary: boolean): void => {
    const gate = gateFrame(data, isBinary, limiter, offences);
    const routed = gate.ok ? routeFrame(gate.text, visitorMessage, visit && chatConnection ? visitorChatKinds : new Set()) : gate;
    if (!routed.ok) {
      sendError(peer, routed, routed.ref);
      if (routed.close) {
        if (routed.code === "rate_limited") admission.refused?.("rate_limited");
        peer.close(routed.close.code, routed.close.reason);
      }
      // A first frame that is no opening closes as one sent out of turn, whatever refused it.
      else if (!visit) peer.close(closeCodeOf("wrong_state"), routed.code);
      return;
    }
    if ("other" in routed) return void traceFrame("visitor", routed.kind, () => chatConnection?.handle(routed.other));
    const message = routed.message;
    if (guards.actionFor("visitor", message.kind) === undefined) return sendError(peer, { code: "not_allowed", message: "message kind has no policy action" }, message.kind);
    traceFrame("visitor", message.kind, () => handleCobrowse(message));
  };

  const handleCobrowse = (message: VisitorMessage): void => {
    if (!visit) {
      if (message.kind !== "hello" && message.kind !== "resume") {
        sendError(peer, { code: "wrong_state", message: "send hello or resume first" }, message.kind);
        return peer.close(closeCodeOf("wrong_state"), "wrong_state");
      }
      // A new visit counts against its client address before anything of it exists.
      if (message.kind === "hello" && !admission.quotas.admitVisit(admission.client)) {
        admission.refused?.("too_many_visits");
        sendError(peer, { code: "too_many_visits", message: "too many new visits from this address; try again later" }, message.kind);
        return peer.close(closeCodeOf("too_many_visits"), "too_many_visits");
      }
      const takeover = relay.takeOverVisitor(peer, message, origin);
      if (takeover) {
        takingOver = takeover.then(
          (opening) => opened(opening, message),
          () => opened({ ok: false, failure: { code: "session_ended", message: "the visit could not be continued here" } }, message),
        );
        return;
      }
      return opened(relay.openVisitor(peer, message, origin), message);
    }
    const failure = relay.fromVisitor(visit, message, origin);
    if (failure) sendError(peer, failure, refOf(message));
  };

  ws.on("close", () => {
    closed = true;
    clearTimeout(timer);
    chatConnection?.close();
    if (visit) relay.visitorClosed(visit, peer);
  });
}
