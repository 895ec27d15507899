import type { ChatAckFrame, ChatMessageFrame } from "./chat-frames.js";

export interface OutgoingMessage {
  readonly clientId: string;
  readonly text: string;
}

/**
 * A chat client's memory of one conversation, shared by the visitor widget and the console:
 * messages by sequence number (a repeat is ignored), and an outbox of sent-but-unacknowledged
 * messages that is sent again, with the same client ids, after a reconnect. With the server's
 * ack-after-commit and per-conversation sequence numbers this gives exactly-once, in-order
 * display across reconnects. Browser-safe.
 */
export class ChatLedger {
  readonly #messages = new Map<number, ChatMessageFrame>();
  readonly #outbox = new Map<string, OutgoingMessage>();

  /** Records a delivered message; false when it was already known. */
  receive(frame: ChatMessageFrame): boolean {
    if (this.#messages.has(frame.seq)) return false;
    this.#messages.set(frame.seq, frame);
    this.#outbox.delete(frame.clientId);
    return true;
  }

  /** Queues a message for sending; it stays in the outbox until acknowledged. */
  enqueue(message: OutgoingMessage): void {
    this.#outbox.set(message.clientId, message);
  }

  acknowledge(ack: ChatAckFrame): void {
    this.#outbox.delete(ack.clientId);
  }

  /** Messages to send again after a reconnect, in the order they were first sent. */
  unacknowledged(): OutgoingMessage[] {
    return [...this.#outbox.values()];
  }

  /** The highest n such that messages 1..n are all known: resume asks for everything after it. */
  get contiguousSeq(): number {
    let n = 0;
    while (this.#messages.has(n + 1)) n += 1;
    return n;
  }

  /** Every known message in conversation order. */
  messages(): ChatMessageFrame[] {
    return [...this.#messages.values()].sort((a, b) => a.seq - b.seq);
  }
}

/** A random idempotency key for a new message (URL-safe, 16 characters). */
export function newClientId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
