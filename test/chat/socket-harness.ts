import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { AgentChatConnection } from "../../src/chat/agent-connection.js";
import type { ChatService } from "../../src/chat/service.js";
import { VisitorChatConnection } from "../../src/chat/visitor-connection.js";
import { OnlineAgents } from "../../src/chat/online-agents.js";
import { VisitorDirectory } from "../../src/chat/visitor-directory.js";
import type { PolicyEngine } from "../../src/policy/engine.js";
import { PresenceRegistry } from "../../src/presence/registry.js";
import type { ChatServerFrame } from "../../src/protocol/chat-messages.js";
import { frameText } from "../../src/http/ws/frame-text.js";

export const DEMO_ORIGIN = "http://127.0.0.1:8080";

/**
 * Real WebSockets on loopback carrying the chat connection handlers: `/visitor?visit=ID` and
 * `/agent?agent=ID&roles=a,b`. Identification here is by query string because this harness
 * exercises delivery semantics; tickets and Origin checks belong to the WebSocket layer.
 */
export async function startChatSockets(chat: ChatService, policy: Pick<PolicyEngine, "decide">) {
  const presence = new PresenceRegistry();
  const visitors = new VisitorDirectory();
  const online = new OnlineAgents();
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  const sockets = new Map<WebSocket, string>();
  server.on("connection", (socket, req) => {
    const url = new URL(req.url ?? "/", "http://harness.invalid");
    sockets.set(socket, url.pathname);
    const sink = { send: (frame: string) => socket.readyState === WebSocket.OPEN && socket.send(frame) };
    let conn: VisitorChatConnection | AgentChatConnection;
    if (url.pathname === "/visitor") {
      const visitorId = url.searchParams.get("visit") ?? "";
      const v = new VisitorChatConnection(chat, presence, policy, sink, { siteId: "demo", visitorId, origin: DEMO_ORIGIN }, () => online.count("demo") > 0);
      const leave = visitors.add(v);
      presence.connected("demo", visitorId);
      socket.on("close", () => {
        leave();
        presence.disconnected("demo", visitorId);
      });
      conn = v;
    } else {
      const a = new AgentChatConnection(chat, presence, visitors, online, policy, sink, {
        agentId: url.searchParams.get("agent") ?? "",
        roles: (url.searchParams.get("roles") ?? "").split(","),
        mfa: true,
        sourceAddress: req.socket.remoteAddress ?? "",
      });
      void a.start();
      conn = a;
    }
    socket.on("message", (data) => void conn.handle(frameText(data)));
    socket.on("close", () => {
      sockets.delete(socket);
      conn.close();
    });
  });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    presence,
    online,
    /** The server-side sockets of a path (to cut a connection as a network failure would). */
    serverSockets: (path: "/visitor" | "/agent") => [...sockets].filter(([, p]) => p === path).map(([s]) => s),
    async close() {
      for (const s of sockets.keys()) s.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A client socket that collects parsed frames and can wait for one. */
export class TestClient {
  readonly frames: ChatServerFrame[] = [];
  readonly #waiters: { test: (f: ChatServerFrame) => boolean; resolve: (f: ChatServerFrame) => void }[] = [];
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;

  constructor(url: string, onFrame: (frame: ChatServerFrame) => void = () => undefined) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("error", reject);
    });
    this.closed = new Promise((resolve) => this.socket.once("close", () => resolve()));
    this.socket.on("error", () => undefined);
    this.socket.on("message", (data) => {
      const frame = JSON.parse(frameText(data)) as ChatServerFrame;
      this.frames.push(frame);
      onFrame(frame);
      for (const w of [...this.#waiters]) {
        if (w.test(frame)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(frame);
        }
      }
    });
  }

  send(frame: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** The first frame (already received or still to come) matching `test`. */
  next<K extends ChatServerFrame["kind"]>(kind: K, test: (f: Extract<ChatServerFrame, { kind: K }>) => boolean = () => true, timeoutMs = 10_000): Promise<Extract<ChatServerFrame, { kind: K }>> {
    const match = (f: ChatServerFrame): f is Extract<ChatServerFrame, { kind: K }> => f.kind === kind && test(f as Extract<ChatServerFrame, { kind: K }>);
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} frame within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({ test: match, resolve: (f) => (clearTimeout(timer), resolve(f as Extract<ChatServerFrame, { kind: K }>)) });
    });
  }

  close(): void {
    this.socket.close();
  }
}
