import { AGENT_CHAT_KINDS, VISITOR_CHAT_KINDS } from "../../protocol/chat-messages.js";

// The same two sockets carry co-browse and chat. Co-browse frames go to the relay, chat and
// presence frames to the chat runtime; every kind of both has its policy action in the message
// guards (src/server/message-guards.ts).

/** One chat connection as the socket drives it (the chat runtime's ChatEndpoint fits). */
export interface ChatConnection {
  handle(text: string): Promise<void>;
  close(): void;
}

/** What the socket layer needs from the chat runtime (src/chat/runtime.ts ChatRuntime fits). */
export interface ChatSockets {
  openVisitor(visit: { siteId: string; visitorId: string; origin: string }, sink: { send(frame: string): void }, events: { onOffence(): void }): ChatConnection;
  openAgent(agent: { agentId: string; name: string; roles: readonly string[]; mfa: boolean; sourceAddress?: string }, sink: { send(frame: string): void }, events: { onOffence(): void }): ChatConnection;
}

export const visitorChatKinds: ReadonlySet<string> = new Set(VISITOR_CHAT_KINDS);
export const agentChatKinds: ReadonlySet<string> = new Set(AGENT_CHAT_KINDS);
