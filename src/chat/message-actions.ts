import type { Action } from "../policy/actions.js";
import type { AgentChatKind, VisitorChatKind } from "../protocol/chat-messages.js";

// The policy action every chat and presence message kind needs, per side. The composition root
// builds the sockets' message guards from these and the co-browse kinds (server/message-guards.ts).

export const visitorChatActions: { readonly [K in VisitorChatKind]: Action } = {
  "chat-start": "visitor:chat",
  "chat-send": "visitor:chat",
  "chat-typing": "visitor:chat",
  "chat-resume": "visitor:chat",
  "chat-end": "visitor:chat",
  "chat-offline": "visitor:chat",
  "chat-invite-answer": "visitor:chat",
  "chat-file-start": "visitor:chat",
  "chat-file-chunk": "visitor:chat",
  "chat-file-link": "visitor:chat",
  "chat-rate": "visitor:chat",
  presence: "visitor:connect",
  identify: "visitor:connect",
};

export const agentChatActions: { readonly [K in AgentChatKind]: Action } = {
  "watch-site": "visitors:view",
  "chat-accept": "chat:handle",
  "chat-send": "chat:handle",
  "chat-typing": "chat:handle",
  "chat-resume": "chat:handle",
  "chat-end": "chat:handle",
  "chat-transfer": "chat:transfer",
  "chat-join": "chat:supervise",
  "chat-invite": "chat:invite",
  "set-availability": "chat:handle",
  "watch-availability": "chat:handle",
  // Each site the query names is decided again with its id (site-visibility.ts).
  "visitors-query": "visitors:view",
  "visitors-stop": "visitors:view",
  "chat-file-start": "chat:handle",
  "chat-file-chunk": "chat:handle",
};
