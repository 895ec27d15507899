import type { ChatConversationFrame, ChatMessageFrame } from "../protocol/chat-messages.js";
import { visitorPseudonym } from "../presence/pseudonym.js";
import type { Conversation } from "./conversations.js";
import type { ConversationChange } from "./fanout.js";
import type { Audience, ChatMessage } from "./messages.js";
import type { FileMessageBody } from "./files/transfers.js";

/** Frames a connection may have waiting for handling before it is told to slow down. */
export const MAX_PENDING_FRAMES = 64;

/** A stored message as a frame for one side: both see the agent's name, only agents the agent's id. */
export function messageFrame(m: ChatMessage, audience: Audience): ChatMessageFrame {
  const frame: ChatMessageFrame = { kind: "chat-message", conversation: m.conversationId, seq: m.seq, clientId: m.clientId, from: m.sender, type: m.kind, text: m.text, at: m.at };
  if (audience === "agent" && m.senderId) frame.agentId = m.senderId;
  if (m.sender === "agent" && m.senderName) frame.agentName = m.senderName;
  if (m.kind === "file") {
    // The stored text of an attachment message is its description (FileMessageBody); people see the name.
    const body = JSON.parse(m.text) as FileMessageBody;
    frame.file = { id: body.file, name: body.name, size: body.size, type: body.type };
    frame.text = body.name;
  }
  return frame;
}

/** `agentName`: who handles the chat now (on `accepted` and `transferred`), shown to both sides. */
export function conversationFrame(c: Conversation, change: ConversationChange | "started", audience: Audience, agentName?: string, teamName?: string): ChatConversationFrame {
  const frame: ChatConversationFrame = { kind: "chat-conversation", conversation: c.id, state: c.state, change, lastSeq: c.lastSeq };
  if (audience === "agent") Object.assign(frame, { site: c.siteId, visitor: c.visitorId, visitorName: visitorPseudonym(c.visitorId), assignedAgent: c.assignedAgentId, createdAt: c.createdAt });
  if (agentName && (change === "accepted" || change === "transferred")) Object.assign(frame, { agentName }, teamName ? { teamName } : {});
  return frame;
}
