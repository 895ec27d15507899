import type { z } from "zod";
import { asAirlockError } from "../errors.js";
import type { ChatServerFrame } from "../protocol/chat-messages.js";
import { parseFrame } from "../protocol/frame.js";
import { MAX_PENDING_FRAMES } from "./frames.js";
import { ChatRefusal } from "./refusal.js";

/** Largest chat frame a client may send: an attachment chunk (FILE_CHUNK_BYTES as base64) and its envelope; every field is bounded by its schema besides. */
const MAX_CHAT_FRAME_BYTES = 48 * 1024;

/**
 * The front of a chat connection, the same for visitors and agents. Frames are handled one after
 * another in arrival order, so a client's messages are stored in the order it sent them; a client
 * that floods the queue is told so instead of being buffered. Each frame is parsed by the side's
 * schema; a parse failure or an error of the handler answers a `chat-error` frame with a stable
 * code, so nothing a client sends can throw out of `handle`.
 */
export class ChatFrameQueue<M extends { readonly kind: string; readonly clientId?: string }> {
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(
    private readonly schema: z.ZodType<M>,
    private readonly send: (frame: ChatServerFrame) => void,
    private readonly handleMessage: (message: M) => Promise<void>,
    /** Told of each refusal for load or quota, so the socket can close a persistent offender. */
    private readonly onOffence: () => void = () => undefined,
  ) {}

  handle(text: string): Promise<void> {
    if (this.#pending >= MAX_PENDING_FRAMES) {
      this.send({ kind: "chat-error", code: "rate_limited", message: "too many frames waiting" });
      this.onOffence();
      return Promise.resolve();
    }
    this.#pending += 1;
    this.#tail = this.#tail.then(() => this.#handleNow(text)).finally(() => (this.#pending -= 1));
    return this.#tail;
  }

  async #handleNow(text: string): Promise<void> {
    const parsed = parseFrame(text, this.schema, MAX_CHAT_FRAME_BYTES);
    if (!parsed.ok) {
      this.send({ kind: "chat-error", code: parsed.code, message: parsed.message, ...(parsed.ref ? { ref: parsed.ref } : {}) });
      return;
    }
    const m = parsed.message;
    try {
      await this.handleMessage(m);
    } catch (err) {
      const ref = m.clientId ?? m.kind;
      if (err instanceof ChatRefusal) {
        this.send({ kind: "chat-error", code: err.code, message: err.message, ref });
        if (err.quota) this.onOffence();
        return;
      }
      const e = asAirlockError(err);
      this.send({ kind: "chat-error", code: e.code, message: e.expose ? e.message : "internal error", ref });
    }
  }
}
