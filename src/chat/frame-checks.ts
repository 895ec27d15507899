import type { AgentChatMessage, VisitorChatMessage } from "../protocol/chat-messages.js";

// What every chat frame kind must prove besides its policy action (message-actions.ts), before
// anything else happens for it: no subscription, no state change, no delivery. The checks run in
// one place, authorize-frame.ts; a kind that names a conversation cannot be given "none" (the
// types below refuse it, and src/chat/frame-checks.test.ts enumerates the schemas).

/** Checks of frames that name a conversation. */
export type ConversationCheck =
  /** The actor takes part (participation.ts): its own visit's conversation, or the assigned agent, or a supervisor who joined. */
  | "takes-part"
  /** Accepting: the conversation waits in a queue (queued or offline); the claim itself is atomic. */
  | "waiting"
  /** Transfer: the assigned agent, or a supervisor (who may take any chat over). */
  | "handles"
  /** Supervisor join: the conversation exists and has not ended. */
  | "open";

/** Checks of frames that name no conversation. */
export type OtherCheck =
  /** About the actor's own visit or a site (the policy action is the whole check). */
  | "none"
  /** An invitation this connection received (an answer), or accepted (a start naming it); none named passes. */
  | "own-invite";

type ChecksFor<M extends { kind: string }> = { readonly [K in M["kind"]]: Extract<M, { kind: K }> extends { conversation: string } ? ConversationCheck : OtherCheck };

export const visitorFrameChecks: ChecksFor<VisitorChatMessage> = {
  // Starting names no invitation, or the one this connection accepted (the chat then goes to its agent).
  "chat-start": "own-invite",
  "chat-offline": "none",
  presence: "none",
  // About the visit itself; the token's signature, audience and single use are the check (src/visitor-identity).
  identify: "none",
  "chat-invite-answer": "own-invite",
  "chat-send": "takes-part",
  "chat-typing": "takes-part",
  "chat-resume": "takes-part",
  "chat-end": "takes-part",
  "chat-file-start": "takes-part",
  "chat-file-chunk": "takes-part",
  "chat-file-link": "takes-part",
  "chat-rate": "takes-part",
};

export const agentFrameChecks: ChecksFor<AgentChatMessage> = {
  "watch-site": "none",
  "chat-invite": "none",
  "set-availability": "none",
  "watch-availability": "none",
  "visitors-query": "none",
  "visitors-stop": "none",
  "chat-accept": "waiting",
  "chat-send": "takes-part",
  "chat-typing": "takes-part",
  "chat-resume": "takes-part",
  "chat-end": "takes-part",
  "chat-transfer": "handles",
  "chat-join": "open",
  "chat-file-start": "takes-part",
  "chat-file-chunk": "takes-part",
};
