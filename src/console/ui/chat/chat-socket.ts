import { CHAT_SERVER_KINDS, type ChatServerFrame } from "../../../protocol/chat-frames.js";
import type { AgentChatMessage } from "../../../protocol/chat-messages.js";
import { closeCodeOf } from "../../../protocol/error-codes.js";
import { readKnownFrame } from "../../../protocol/known-frame.js";
import { openAgentSocket } from "../agent-socket.js";

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
    void this.#connect();
  }

  send(message: AgentChatMessage): boolean {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(message));
    return true;
  }

  async #connect(): Promise<void> {
    if (this.o.signal.aborted) return;
    let ws: WebSocket;
    try {
      ws = await openAgentSocket(this.o.signal);
    } catch {
      return this.#retry();
    }
    this.#ws = ws;
    ws.addEventListener("open", () => {
      this.#attempt = 0;
      this.o.onOpen();
    });
    ws.addEventListener("message", (e) => {
      const frame = readKnownFrame<ChatServerFrame>(e.data, kinds);
      if (frame) this.o.onFrame(frame);
    });
    ws.addEventListener("close", (e) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.o.onDown();
      // 4401/4403: the session ended or is not allowed; retrying cannot help.
      if (e.code !== closeCodeOf("session_ended") && e.code !== closeCodeOf("forbidden")) this.#retry();
    });
  }

  #retry(): void {
    if (this.o.signal.aborted) return;
    const delay = Math.min(15_000, 500 * 2 ** this.#attempt++);
    setTimeout(() => void this.#connect(), delay);
  }
}
