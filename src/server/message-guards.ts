import { agentChatActions, visitorChatActions } from "../chat/message-actions.js";
import { guardTable, MessageGuards } from "../policy/message-guards.js";
import { AGENT_CHAT_KINDS, VISITOR_CHAT_KINDS } from "../protocol/chat-messages.js";
import { AGENT_KINDS } from "../protocol/agent-messages.js";
import { VISITOR_KINDS } from "../protocol/visitor-messages.js";
import { agentActions, visitorActions } from "../relay/message-table.js";

/**
 * The message guards of Airlock's two sockets, built once at start (server.ts): each socket
 * carries co-browse kinds (the relay's table) and chat and presence kinds (chat's table), so each
 * side's registry is both tables together.
 */
export function airlockMessageGuards(): MessageGuards {
  return new MessageGuards({
    visitor: guardTable("visitor", [...VISITOR_KINDS, ...VISITOR_CHAT_KINDS], { ...visitorChatActions, ...visitorActions }),
    agent: guardTable("agent", [...AGENT_KINDS, ...AGENT_CHAT_KINDS], { ...agentChatActions, ...agentActions }),
  });
}
