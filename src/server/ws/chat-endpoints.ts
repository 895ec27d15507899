import { AGENT_CHAT_KINDS, VISITOR_CHAT_KINDS } from "../../protocol/chat-messages.js";
import { AGENT_KINDS } from "../../protocol/agent-messages.js";
import { VISITOR_KINDS } from "../../protocol/visitor-messages.js";
import { agentChatActions, visitorChatActions } from "../../chat/message-actions.js";
import { defineMessageGuards } from "../../policy/message-guards.js";
import { agentActions, visitorActions } from "../../relay/message-table.js";

// The same two sockets carry co-browse and chat. Co-browse frames go to the relay, chat and
// presence frames to the chat runtime; every kind of both is registered with its policy action.

/** One chat connection as the socket drives it (the chat runtime's ChatEndpoint fits). */
export interface ChatConnection {
  handle(text: string): Promise<void>;
  close(): void;
}

/** What the socket layer needs from the chat runtime (src/chat/runtime.ts ChatRuntime fits). */
export interface ChatSockets {
  openVisitor(visit: { siteId: string; visitorId: string; origin: string }, sink: { send(frame: string): void }, events: { onOffence(): void }): ChatConnection;
  openAgent(agent: { agentId: string; roles: readonly string[]; sourceAddress?: string }, sink: { send(frame: string): void }, events: { onOffence(): void }): ChatConnection;
}

export const visitorChatKinds: ReadonlySet<string> = new Set(VISITOR_CHAT_KINDS);
export const agentChatKinds: ReadonlySet<string> = new Set(AGENT_CHAT_KINDS);

defineMessageGuards("visitor", [...VISITOR_KINDS, ...VISITOR_CHAT_KINDS], { ...visitorChatActions, ...visitorActions });
defineMessageGuards("agent", [...AGENT_KINDS, ...AGENT_CHAT_KINDS], { ...agentChatActions, ...agentActions });
