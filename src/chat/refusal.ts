import type { ChatRefusalCode } from "../protocol/chat-frames.js";

/**
 * A chat frame refused for a reason the client can act on (policy, quota). The frame queue
 * answers it as a `chat-error` with this code; the widget turns the code into a sentence.
 */
export class ChatRefusal extends Error {
  constructor(
    readonly code: ChatRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = "ChatRefusal";
  }

  /** A quota refusal counts against the connection (wsOffenceLimit); a policy refusal does not. */
  get quota(): boolean {
    return this.code === "too_many_conversations" || this.code === "too_many_messages";
  }
}
