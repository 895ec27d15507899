import * as z from "zod/mini";
import { CHAT_SERVER_KINDS, type ChatServerFrame } from "../../../protocol/chat-frames.js";
import type { AgentChatMessage } from "../../../protocol/chat-messages.js";
import { api } from "../api.js";

const ticketSchema = z.object({ ticket: z.string(), expiresAt: z.number() });
const kinds: ReadonlySet<string> = new Set(CHAT_SERVER_KINDS);

export interface ChatSocketOptions {
  readonly onFrame: (frame: ChatServerFrame) => void;
  /** After every (re)connect: re-send watches and resume conversations. */
  readonly onOpen: () => void;
  readonly onDown: () => void;
  readonly signal: AbortSignal;
}

/**
 * The console's chat connection on /ws/agent: a fresh single-use ticket per connection,
 * reconnects with backoff, and frames read defensively (only chat kinds pass).
 */
export class ChatSocket {
  #ws: WebSocket | undefined;
  #attempt = 0;

  constructor(private readonly o: ChatSocketOptions) {
    o.signal.addEventListener("abort", () => this.#ws?.close(1000, "left"));
    void this.#connect();
  }

  send(message: AgentChatMessage): boolean {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(message));
    return true;
  }

  async #connect(): Promise<void> {
    if (this.o.signal.aborted) return;
    let ticket: string;
    try {
      ticket = (await api.post("/api/v1/ws-ticket", {}, ticketSchema)).ticket;
    } catch {
      return this.#retry();
    }
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/ws/agent?ticket=${encodeURIComponent(ticket)}`);
    this.#ws = ws;
    ws.addEventListener("open", () => {
      this.#attempt = 0;
      this.o.onOpen();
    });
    ws.addEventListener("message", (e) => {
      if (typeof e.data !== "string") return;
      let value: unknown;
      try {
        value = JSON.parse(e.data);
      } catch {
        return;
      }
      const kind = (value as { kind?: unknown } | null)?.kind;
      if (typeof kind === "string" && kinds.has(kind)) this.o.onFrame(value as ChatServerFrame);
    });
    ws.addEventListener("close", (e) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.o.onDown();
      // 4401/4403: the session ended or is not allowed; retrying cannot help.
      if (e.code !== 4401 && e.code !== 4403) this.#retry();
    });
  }

  #retry(): void {
    if (this.o.signal.aborted) return;
    const delay = Math.min(15_000, 500 * 2 ** this.#attempt++);
    setTimeout(() => void this.#connect(), delay);
  }
}
