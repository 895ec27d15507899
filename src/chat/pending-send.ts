import type { ChatActor } from "./participation.js";

/** One chat-send waiting for its write batch (group-commit.ts): the text is already cleaned. */
export interface PendingSend {
  readonly actor: ChatActor;
  readonly conversationId: string;
  readonly clientId: string;
  readonly text: string;
}
