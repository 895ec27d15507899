import { randomBytes } from "node:crypto";
import { WebSocket } from "ws";
import { frameText } from "../http/ws/frame-text.js";
import { NORMAL_CLOSE } from "../protocol/error-codes.js";
import { BENCH_SITE_KEY } from "./failover-cluster.js";

// A visitor chatting through the visitors' door while its server process dies: it sends a
// message every `everyMs`, each with its own client id, and keeps every message it has no
// acknowledgement for. When the connection drops it reconnects through the door, resumes its
// visit with its token and sends every unacknowledged message again (the server answers a
// retry from the first stored copy).

export class RetryingChatVisitor {
  readonly sent = new Set<string>();
  readonly pending = new Map<string, string>();
  /** Sequence numbers acknowledged per client id (more than one would be a duplicate). */
  readonly acked = new Map<string, Set<number>>();
  conversation: string | undefined;
  #ws: WebSocket | undefined;
  #token: string | undefined;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly doorUrl: string,
    private readonly origin: string,
  ) {}

  open(): void {
    if (this.#stopped) return;
    const ws = new WebSocket(`${this.doorUrl.replace(/^http/, "ws")}/ws/visitor`, { origin: this.origin });
    this.#ws = ws;
    ws.on("error", () => undefined);
    ws.on("open", () => {
      const base = { versions: [1, 2], url: `${this.origin}/account`, viewport: { width: 1000, height: 700 } };
      ws.send(JSON.stringify(this.#token ? { kind: "resume", resumeToken: this.#token, ...base } : { kind: "hello", siteKey: BENCH_SITE_KEY, ...base }));
    });
    ws.on("message", (data) => this.#onFrame(ws, frameText(data)));
    ws.on("close", () => {
      if (this.#ws !== ws || this.#stopped) return;
      setTimeout(() => this.open(), 200).unref();
    });
  }

  #onFrame(ws: WebSocket, text: string): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (frame.kind === "welcome" && typeof frame.resumeToken === "string") {
      this.#token = frame.resumeToken;
      if (!this.conversation) ws.send(JSON.stringify({ kind: "chat-start" }));
      else for (const [clientId, body] of this.pending) this.#send(ws, clientId, body);
    } else if (frame.kind === "chat-conversation" && frame.change === "started" && typeof frame.conversation === "string") {
      this.conversation = frame.conversation;
    } else if (frame.kind === "chat-ack" && typeof frame.clientId === "string" && typeof frame.seq === "number") {
      this.pending.delete(frame.clientId);
      const seqs = this.acked.get(frame.clientId) ?? new Set<number>();
      seqs.add(frame.seq);
      this.acked.set(frame.clientId, seqs);
    }
  }

  /** Sends one message every `everyMs` until `stopSending`. */
  startSending(everyMs: number): void {
    this.#timer = setInterval(() => {
      const ws = this.#ws;
      if (!this.conversation) return;
      const clientId = randomBytes(12).toString("base64url");
      const body = `message ${this.sent.size + 1}`;
      this.sent.add(clientId);
      this.pending.set(clientId, body);
      if (ws?.readyState === WebSocket.OPEN) this.#send(ws, clientId, body);
    }, everyMs);
  }

  stopSending(): void {
    clearInterval(this.#timer);
  }

  #send(ws: WebSocket, clientId: string, text: string): void {
    if (this.conversation) ws.send(JSON.stringify({ kind: "chat-send", conversation: this.conversation, clientId, text }));
  }

  close(): void {
    this.#stopped = true;
    this.stopSending();
    this.#ws?.close(NORMAL_CLOSE, "done");
  }
}
