import type { ChatConversationFrame, ChatMessageFrame } from "../protocol/chat-messages.js";
import { visitorPseudonym } from "../presence/pseudonym.js";
import type { Conversation } from "./conversations.js";
import type { ConversationChange } from "./fanout.js";
import type { Audience, ChatMessage } from "./messages.js";

/** Frames a connection may have waiting for handling before it is told to slow down. */
export const MAX_PENDING_FRAMES = 64;

/** A stored message as a frame for one side; visitors never learn which agent wrote. */
export function messageFrame(m: ChatMessage, audience: Audience): ChatMessageFrame {
  const frame: ChatMessageFrame = { kind: "chat-message", conversation: m.conversationId, seq: m.seq, clientId: m.clientId, from: m.sender, type: m.kind, text: m.text, at: m.at };
  if (audience === "agent" && m.senderId) frame.agentId = m.senderId;
  return frame;
}

export function conversationFrame(c: Conversation, change: ConversationChange | "started", audience: Audience): ChatConversationFrame {
  const frame: ChatConversationFrame = { kind: "chat-conversation", conversation: c.id, state: c.state, change, lastSeq: c.lastSeq };
  if (audience === "agent") Object.assign(frame, { site: c.siteId, visitor: c.visitorId, visitorName: visitorPseudonym(c.visitorId), assignedAgent: c.assignedAgentId, createdAt: c.createdAt });
  return frame;
}
