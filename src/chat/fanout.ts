import type { AgentAvailability, ChatInviteStatusFrame } from "../protocol/chat-frames.js";
import type { Conversation } from "./conversations.js";
import type { ChatMessage } from "./messages.js";

/** What chat delivers live. Messages are published only after their transaction committed. */
export type ChatEvent =
  | { readonly type: "message"; readonly message: ChatMessage }
  | { readonly type: "typing"; readonly conversationId: string; readonly from: "visitor" | "agent"; readonly typing: boolean }
  | { readonly type: "conversation"; readonly conversation: Conversation; readonly change: ConversationChange; readonly agentName?: string }
  /** To one agent's consoles: their availability changed (from any console of theirs). */
  | { readonly type: "availability"; readonly agentId: string; readonly status: AgentAvailability }
  /** To the inviting agent's consoles: where an invitation stands. */
  | { readonly type: "invite"; readonly invite: string; readonly site: string; readonly visitor: string; readonly status: ChatInviteStatusFrame["status"] }
  /** To one agent's consoles: a waiting chat is offered to them until `expiresAt` (routing). */
  | { readonly type: "offer"; readonly conversationId: string; readonly site: string; readonly team: string; readonly expiresAt: number }
  /** To one agent's consoles: their offer ran out and the chat went on to a colleague. */
  | { readonly type: "offer-expired"; readonly conversationId: string; readonly site: string }
  /** To one agent's consoles: the chat offered to them no longer waits (taken by a colleague, or it ended). */
  | { readonly type: "offer-withdrawn"; readonly conversationId: string; readonly site: string }
  /** To a waiting chat's visitor: their place in their team's queue (1 = next). */
  | { readonly type: "queue"; readonly conversationId: string; readonly position: number };

export type ConversationChange = "queued" | "offline" | "accepted" | "transferred" | "joined" | "ended" | "erased";

/** Topic names: one per conversation, one per site for queue and supervisor views, one per agent. */
export const topics = {
  conversation: (id: string) => `chat:c:${id}`,
  site: (siteId: string) => `chat:s:${siteId}`,
  /** One agent's consoles, on every replica (availability, invitation status). */
  agent: (agentId: string) => `chat:a:${agentId}`,
} as const;

/**
 * Live delivery between the connections that take part in a conversation. The in-process
 * implementation serves a single replica; with several replicas the bus carries the same events
 * (it never persists them: the database is the only store, and clients resume from it).
 */
export interface ChatFanout {
  publish(topic: string, event: ChatEvent): void;
  subscribe(topic: string, listener: (event: ChatEvent) => void): Subscription;
}

export interface Subscription {
  /** Resolves once events published from now on will arrive (a bus subscription is asynchronous). */
  readonly ready: Promise<void>;
  stop(): void;
}

export class InProcessFanout implements ChatFanout {
  readonly #listeners = new Map<string, Set<(event: ChatEvent) => void>>();

  publish(topic: string, event: ChatEvent): void {
    for (const listener of [...(this.#listeners.get(topic) ?? [])]) {
      // one failing connection must not stop delivery to the others
      try {
        listener(event);
      } catch {
        /* the listener's own connection handles its failure */
      }
    }
  }

  subscribe(topic: string, listener: (event: ChatEvent) => void): Subscription {
    let set = this.#listeners.get(topic);
    if (!set) this.#listeners.set(topic, (set = new Set()));
    const entry = (e: ChatEvent) => listener(e);
    set.add(entry);
    return {
      ready: Promise.resolve(),
      stop: () => {
        set.delete(entry);
        if (set.size === 0 && this.#listeners.get(topic) === set) this.#listeners.delete(topic);
      },
    };
  }

  /** Topics with at least one listener (for tests and metrics). */
  get topicCount(): number {
    return this.#listeners.size;
  }
}
