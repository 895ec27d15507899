import sanitizeHtml from "sanitize-html";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { frameText } from "../http/ws/frame-text.js";
import { SocketPeer } from "../http/ws/socket-peer.js";
import { PolicyEngine } from "../policy/engine.js";
import { shippedPolicyDir } from "../policy/load.js";
import { closeCodeOf } from "../protocol/error-codes.js";
import { parseFrame } from "../protocol/frame.js";
import { visitorMessage, type VisitorMessage } from "../protocol/visitor-messages.js";
import type { CobrowseSession } from "../relay/cobrowse-session.js";
import { AssetUrlSigner } from "../relay/sanitizer/asset-url.js";
import { allowlistFromSanitizePolicy } from "../relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../relay/sanitizer/sanitizer.js";
import { benchSession } from "./relay-session.js";
import { keepAsIsOptions } from "./sanitize-html-reference.js";

// The server side of `bench relay`, in its own process (forked by bench-relay-load.ts) so the
// load generator shares neither its event loop nor its heap, as with real clients. Three modes
// on a loopback WebSocket server:
// - `relay` runs every visitor frame through the relay (frame parsing and schema, the room's
//   check table with the shipped policies, sanitizing, shadow index, fan-out), sending through
//   the production socket adapter;
// - `bare` forwards each frame unchanged to the paired agent with `ws.send`;
// - `sanitize-html` is the reference in between: the frame schema, then sanitize-html alone on
//   snapshots and added subtrees (the allowlist's tags, attributes as they are, none of the
//   relay's own work), re-serialized and sent through the same socket adapter as the relay.
//   Whatever the relay adds on top of it, it cannot be faster than this.
// Clients connect to /visitor/N and /agent/N; a session is ready when its visitor receives a
// `state` frame with `watching: true`.

export type BenchServerMode = "relay" | "bare" | "sanitize-html";

export interface BenchServerData {
  readonly mode: BenchServerMode;
  readonly origin: string;
}

interface Session {
  visitor?: WebSocket;
  agent?: WebSocket;
  agentPeer?: SocketPeer;
  visitorPeer?: SocketPeer;
  room?: CobrowseSession;
}

const { mode, origin } = JSON.parse(process.argv[2] ?? "{}") as BenchServerData;
// Bounded: the server goes when the benchmark that forked it goes, however that ends.
process.on("disconnect", () => process.exit(0));
// The load generator asks for this process's CPU time around a measured run.
process.on("message", (m: unknown) => {
  if (m === "cpu") {
    const used = process.cpuUsage();
    process.send?.({ cpuMicros: used.user + used.system });
  }
});
const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
const site = { id: "demo", origins: [origin] };
const allowlist = allowlistFromSanitizePolicy(policy.policy.sanitize);
const sanitizer = new Sanitizer({
  allowlist,
  signer: new AssetUrlSigner("http://127.0.0.1:8080"),
  site,
  maskSelectors: policy.policy.sites.sites.demo?.maskingSelectors ?? [],
});
const keepAsIs = keepAsIsOptions(allowlist);
const sessions = new Map<string, Session>();
const shutdown = { goingAway: false };

const watching = JSON.stringify({ kind: "state", state: "active", mode: "view", agents: 1, watching: true });

function connectRelay(s: Session): void {
  if (!s.visitorPeer || !s.agentPeer) return;
  const session = benchSession(site, sanitizer, policy);
  s.room = session;
  session.attachVisitor(s.visitorPeer);
  const seat = session.seatFor(s.agentPeer, { subject: "bench-agent", displayName: "Bench", roles: ["agent"], mfa: true, sourceAddress: "127.0.0.1" });
  session.fromAgent(seat, { kind: "join", versions: [1], room: session.id, mode: "view" });
  const request = session.pendingConsent?.request;
  if (request) session.fromVisitor({ kind: "consent", request, answer: "granted", mode: "view" }, origin);
}

function connectForwarder(s: Session): void {
  if (s.visitor && s.agent) s.visitor.send(watching);
}

/** The `sanitize-html` reference: what a relay costs that only validates and runs sanitize-html. */
function sanitizeHtmlOnly(message: VisitorMessage): VisitorMessage {
  if (message.kind === "snapshot") return { ...message, html: sanitizeHtml(message.html, keepAsIs) };
  if (message.kind !== "mutations") return message;
  return { ...message, ops: message.ops.map((op) => (op.op === "add" ? { ...op, html: sanitizeHtml(op.html, keepAsIs) } : op)) };
}

function onVisitorFrame(s: Session, data: RawData): void {
  if (mode === "bare") {
    s.agent?.send(data, { binary: false });
    return;
  }
  const parsed = parseFrame(frameText(data), visitorMessage);
  if (mode === "sanitize-html") {
    if (parsed.ok) s.agentPeer?.send(JSON.stringify(sanitizeHtmlOnly(parsed.message)));
    return;
  }
  const failure = parsed.ok ? s.room?.fromVisitor(parsed.message, origin) : { code: parsed.code, message: parsed.message };
  if (failure) s.visitorPeer?.send(JSON.stringify({ kind: "error", code: failure.code, message: failure.message }));
}

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 4 * 1024 * 1024, perMessageDeflate: false });
wss.on("connection", (ws, req) => {
  const match = /^\/(visitor|agent)\/(\d+)$/.exec(req.url ?? "");
  if (!match?.[1] || !match[2]) return ws.close(closeCodeOf("not_found"), "bad path");
  const key = match[2];
  const session = sessions.get(key) ?? {};
  sessions.set(key, session);
  const peer = new SocketPeer(ws, shutdown, req.socket);
  if (match[1] === "visitor") {
    session.visitor = ws;
    session.visitorPeer = peer;
    ws.on("message", (data) => onVisitorFrame(session, data));
  } else {
    session.agent = ws;
    session.agentPeer = peer;
  }
  ws.on("close", () => {
    session.room?.end("visitor_gone");
    sessions.delete(key);
  });
  if (mode === "relay") connectRelay(session);
  else connectForwarder(session);
});
wss.on("listening", () => {
  const address = wss.address();
  process.send?.({ port: address !== null && typeof address === "object" ? address.port : 0 });
});
