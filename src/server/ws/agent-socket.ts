import { randomBytes } from "node:crypto";
import type { WebSocket } from "ws";
import { agentMessage } from "../../protocol/agent-messages.js";
import { closeCodeOf, NORMAL_CLOSE } from "../../protocol/error-codes.js";
import { LIMITS } from "../../protocol/limits.js";
import type { MessageGuards } from "../../policy/message-guards.js";
import type { AgentEndpoint } from "../../relay/cluster/agent-router.js";
import type { AgentPrincipal } from "../../relay/peer.js";
import type { Relay } from "../../relay/relay.js";
import { agentChatKinds, type ChatSockets } from "./chat-endpoints.js";
import { gateFrame, routeFrame } from "../../http/ws/frame-gate.js";
import { refOf, sendError } from "../../http/ws/opening.js";
import { ConnectionRateLimiter } from "../../http/ws/rate-limiter.js";
import type { SocketPeer } from "../../http/ws/socket-peer.js";
import type { SocketQuotas } from "../../http/ws/socket-quotas.js";
import { traceFrame } from "../../telemetry/frame-hook.js";

/**
 * One authenticated agent connection on /ws/agent (Origin, network, ticket and session already
 * checked): every frame passes the frame gate and its kind's registered action, then goes to the
 * owner of the session the agent joins, on this replica or another (co-browse kinds), or to the
 * chat runtime (chat kinds).
 */
export function serveAgent(ws: WebSocket, peer: SocketPeer, principal: AgentPrincipal, relay: Relay, chat: ChatSockets | undefined, guards: MessageGuards, quotas: SocketQuotas): AgentEndpoint {
  const limiter = new ConnectionRateLimiter({
    messagesPerSecond: LIMITS.agentMessagesPerSecond,
    burst: LIMITS.agentBurst,
    bytesPerSecond: LIMITS.agentBytesPerSecond,
    burstBytes: LIMITS.agentBurstBytes,
  });
  // Refusals for rate (frame gate) and load (chat) count alike; only time forgives them.
  const offences = quotas.offences();
  const offended = () => {
    if (offences.offend()) peer.close(closeCodeOf("rate_limited"), "rate_limited");
  };
  const endpoint: AgentEndpoint = { conn: randomBytes(16).toString("base64url"), peer, principal };
  relay.agentOpened(endpoint);
  const { sourceAddress } = principal;
  const chatConnection = chat?.openAgent({ agentId: principal.subject, name: principal.displayName, roles: principal.roles, mfa: principal.mfa, ...(sourceAddress === undefined ? {} : { sourceAddress }) }, peer, { onOffence: offended });

  ws.on("message", (data, isBinary) => {
    const gate = gateFrame(data, isBinary, limiter, offences);
    const routed = gate.ok ? routeFrame(gate.text, agentMessage, chatConnection ? agentChatKinds : new Set()) : gate;
    if (!routed.ok) {
      sendError(peer, routed, routed.ref);
      if (routed.close) peer.close(routed.close.code, routed.close.reason);
      return;
    }
    if ("other" in routed) return void traceFrame("agent", routed.kind, () => chatConnection?.handle(routed.other));
    const message = routed.message;
    if (guards.actionFor("agent", message.kind) === undefined) return sendError(peer, { code: "not_allowed", message: "message kind has no policy action" }, refOf(message));
    const failure = traceFrame("agent", message.kind, () => relay.fromAgent(endpoint, message));
    if (!failure) return;
    sendError(peer, failure, message.kind);
    // No version in common: nothing more this connection sends can be understood.
    if (failure.code === "unsupported_version") peer.close(closeCodeOf(failure.code), failure.code);
  });
  ws.on("close", (code) => {
    chatConnection?.close();
    // 1000 is the console closing on purpose (it sends `leave` first); anything else from the
    // client (1001 closed tab, 1006 network) is a lost viewer: away, not gone.
    relay.agentClosed(endpoint, !peer.closedByServer && code !== NORMAL_CLOSE);
  });
  return endpoint;
}
