import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { agentUpgradeAuthenticator } from "../../auth/agent-upgrade.js";
import { cidrMatcher, clientAddress } from "../../auth/network.js";
import type { Bus } from "../../bus/bus.js";
import { AirlockError, asAirlockError } from "../../errors.js";
import { rawErrorResponse } from "../../http/errors.js";
import { closeCodeOf, closeReason } from "../../protocol/error-codes.js";
import { LIMITS } from "../../protocol/limits.js";
import { registerConnectionMetric, type SocketSide } from "../../ops/connection-metrics.js";
import { readEnvelope, sessionsChannel, sessionsEnvelope } from "../../relay/cluster/envelopes.js";
import type { AgentPrincipal } from "../../relay/peer.js";
import type { Relay } from "../../relay/relay.js";
import type { Services } from "../../http/context.js";
import { serveAgent } from "./agent-socket.js";
import type { ChatSockets } from "./chat-endpoints.js";
import { SocketPeer, type ShutdownFlag } from "../../http/ws/socket-peer.js";
import { socketQuotas } from "../../http/ws/socket-quotas.js";
import { serveVisitor } from "./visitor-socket.js";

export interface WebSockets {
  /** Graceful shutdown: sessions end (`server_shutdown`), every socket closes with 1001. */
  shutdown(timeoutMs: number): Promise<void>;
  /** Open connections by side, now (the OpenTelemetry connections gauge reads it). */
  counts(): Readonly<Record<SocketSide, number>>;
}

interface Tracked {
  readonly peer: SocketPeer;
  readonly side: SocketSide;
  /** The agent's login session, so its sockets close when identity ends it. */
  readonly sessionId: string | undefined;
  alive: boolean;
}

const PING_EVERY_MS = 30_000;

/**
 * Dispatches HTTP upgrades: /ws/visitor (Origin must be a registered site origin, exactly) and
 * /ws/agent (identity's authenticator: console Origin, agent network, single-use ticket, live
 * session). A refused handshake is completed and closed at once with a specific close code and
 * reason, so clients can tell "stop trying" from a network error; no frame of it is read.
 */
export async function attachWebSockets(server: Server, services: Services, relay: Relay, bus: Bus, chat?: ChatSockets): Promise<WebSockets> {
  const { log, identity, lifecycle, failures, clientSlots, config } = services;
  // Frames up to twice the protocol limit are read and answered `frame_too_large`; beyond that
  // ws stops buffering and closes with 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * LIMITS.maxFrameBytes, perMessageDeflate: false });
  const flag: ShutdownFlag = { goingAway: false };
  const tracked = new Map<WebSocket, Tracked>();
  const authenticateAgent = agentUpgradeAuthenticator(identity, services.storage.db);
  const quotas = socketQuotas(config);
  const counts = () => {
    const bySide = { visitor: 0, agent: 0 };
    for (const entry of tracked.values()) bySide[entry.side] += 1;
    return bySide;
  };
  registerConnectionMetric(services.metrics.registry, counts);

  const accept = (req: IncomingMessage, socket: Duplex, head: Buffer, deadline: NodeJS.Timeout, side: SocketSide, sessionId: string | undefined, then: (ws: WebSocket, peer: SocketPeer) => void) => {
    if (socket.destroyed) return; // the handshake ran out of time while it was being authorized
    wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = new SocketPeer(ws, flag, socket);
      clearTimeout(deadline);
      const entry: Tracked = { peer, side, sessionId, alive: true };
      tracked.set(ws, entry);
      ws.on("pong", () => (entry.alive = true));
      ws.on("error", (err) => log.debug({ err: err.name }, "websocket error"));
      ws.on("close", () => tracked.delete(ws));
      then(ws, peer);
    });
  };
  const refuse = (req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string) => {
    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(code, closeReason(reason)));
  };

  const onUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on("error", () => socket.destroy());
    // The whole handshake, authorization included, has wsHandshakeTimeoutMs; the socket is dropped after.
    // A refused socket keeps its deadline, so a client that never answers the close frame is dropped too.
    const deadline = setTimeout(() => {
      failures.expected("client", "handshake_timeout", { status: 408 });
      socket.destroy();
    }, config.wsHandshakeTimeoutMs).unref();
    socket.once("close", () => clearTimeout(deadline));
    const path = new URL(req.url ?? "/", "http://upgrade.invalid").pathname;
    if (lifecycle.shuttingDown || flag.goingAway) return rejectHttp(socket, new AirlockError("shutting_down", "shutting down"));
    // Behind a trusted proxy each WebSocket takes a slot of its forwarded client (direct clients hold one per connection).
    if (clientSlots.isTrustedProxy(req.socket.remoteAddress)) {
      const release = clientSlots.acquire(clientSlots.clientOf(req.socket.remoteAddress, req.headers["x-forwarded-for"]));
      if (!release) {
        failures.expected("client", "too_many_connections", { status: 429 });
        return refuse(req, socket, head, closeCodeOf("too_many_connections"), "too_many_connections");
      }
      socket.once("close", release);
    }
    if (path === "/ws/visitor") {
      const origin = req.headers.origin;
      if (!origin || !relay.visitorOriginAllowed(origin)) return refuse(req, socket, head, closeCodeOf("origin_not_allowed"), "origin_not_allowed");
      return accept(req, socket, head, deadline, "visitor", undefined, (ws, peer) =>
        serveVisitor(ws, peer, origin, relay, chat, services.messageGuards, config.wsHandshakeTimeoutMs, {
          quotas,
          client: clientSlots.clientOf(req.socket.remoteAddress, req.headers["x-forwarded-for"]),
          // Expected, client-caused: logged at info with the code only, rate-limited.
          refused: (code) => failures.expected("client", code, { route: "/ws/visitor", status: 429 }),
        }),
      );
    }
    if (path === "/ws/agent") {
      let agent;
      try {
        agent = await authenticateAgent(req);
      } catch (thrown) {
        const err = asAirlockError(thrown);
        failures.failure(err, thrown, { route: "/ws/agent", status: err.status });
        return refuse(req, socket, head, closeCodeOf(err.code), err.expose ? err.message : "internal error");
      }
      const forwarded = req.headers["x-forwarded-for"];
      const sourceAddress = clientAddress(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, cidrMatcher(identity.policy.network.trustedProxies));
      const principal: AgentPrincipal = {
        subject: agent.subject,
        displayName: agent.name,
        roles: agent.roles,
        mfa: agent.mfa,
        ...(sourceAddress === undefined ? {} : { sourceAddress }),
      };
      return accept(req, socket, head, deadline, "agent", agent.sessionId, (ws, peer) => serveAgent(ws, peer, principal, relay, chat, services.messageGuards, quotas));
    }
    rejectHttp(socket, new AirlockError("not_found", "no such WebSocket endpoint"));
  };
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((thrown: unknown) => {
      failures.failure(asAirlockError(thrown), thrown, { route: "(upgrade)" });
      socket.destroy();
    });
  });

  // Identity ends a login session on one replica; every replica closes that session's sockets.
  const stopListening = identity.events.onEnded((event) =>
    bus.publish(sessionsChannel, JSON.stringify({ t: "ended", session: event.sessionRef, ...(event.reason === "deprovisioned" ? { reason: "account_deactivated" } : {}) })),
  );
  const unsubscribe = await bus.subscribe(sessionsChannel, (text) => {
    const event = readEnvelope(sessionsEnvelope, text);
    if (!event) return;
    const code = event.reason ?? "session_ended";
    for (const entry of tracked.values()) if (entry.sessionId === event.session) entry.peer.close(closeCodeOf(code), code);
  });

  // Dead peers (no pong within one interval) are dropped so sessions learn the visitor is gone.
  const pinger = setInterval(() => {
    for (const [ws, entry] of tracked) {
      if (!entry.alive) {
        ws.terminate();
        continue;
      }
      entry.alive = false;
      ws.ping();
    }
  }, PING_EVERY_MS).unref();

  return {
    counts,
    async shutdown(timeoutMs) {
      flag.goingAway = true;
      clearInterval(pinger);
      stopListening();
      unsubscribe();
      await relay.shutdown();
      for (const entry of tracked.values()) entry.peer.close(closeCodeOf("shutting_down"), "server_shutdown");
      const closed = [...tracked.keys()].map((ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once("close", () => resolve()))));
      const timer = new Promise<void>((resolve) => setTimeout(resolve, Math.min(timeoutMs, 5_000)).unref());
      await Promise.race([Promise.all(closed), timer]);
      for (const ws of tracked.keys()) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function rejectHttp(socket: Duplex, err: AirlockError): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(rawErrorResponse(err), () => socket.destroy());
}
