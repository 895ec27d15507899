import { AirlockError } from "../errors.js";
import { isRole, type Action } from "../policy/actions.js";
import type { PolicyEngine } from "../policy/engine.js";
import { agentChatMessage, type AgentChatMessage, type ChatServerFrame } from "../protocol/chat-messages.js";
import type { PresenceRegistry } from "../presence/registry.js";
import { ChatFrameQueue } from "./chat-frame-queue.js";
import { findConversation } from "./conversations.js";
import { topics, type ChatEvent, type Subscription } from "./fanout.js";
import { conversationFrame, messageFrame } from "./frames.js";
import { agentChatActions } from "./message-actions.js";
import { activeConversationsOf, waitingConversations } from "./queue.js";
import type { ChatService } from "./service.js";
import type { OnlineAgents } from "./online-agents.js";
import type { Invitations } from "./visitor-directory.js";
import type { FrameSink } from "./visitor-connection.js";

export interface ChatAgent {
  readonly agentId: string;
  readonly roles: readonly string[];
  /** The client address of the connection (network allowlist), after trusted-proxy processing. */
  readonly sourceAddress?: string;
}

/**
 * Chat for one agent console connection: site queues and the live visitor list, several chats
 * at once, transfer, supervisor join, invitations. Every kind's action is decided by the policy
 * engine with the facts it needs (roles, MFA, whether the agent is assigned).
 */
export class AgentChatConnection {
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #frames = new ChatFrameQueue(agentChatMessage, (frame) => this.#send(frame), (m) => this.#authorizeAndDispatch(m));
  #closed = false;

  constructor(
    private readonly chat: ChatService,
    private readonly presence: PresenceRegistry,
    private readonly visitors: Invitations,
    private readonly online: OnlineAgents,
    private readonly policy: Pick<PolicyEngine, "decide">,
    private readonly sink: FrameSink,
    readonly agent: ChatAgent,
  ) {}

  /** Re-attaches the agent's active chats (after a reload or reconnect); the console then resumes each. */
  async start(): Promise<void> {
    for (const c of await activeConversationsOf(this.chat.storage.db, this.agent.agentId)) {
      await this.#follow(topics.conversation(c.id));
      this.#send(conversationFrame(c, "accepted", "agent"));
    }
  }

  /** Handles one text frame from the console (in arrival order; see ChatFrameQueue). */
  handle(text: string): Promise<void> {
    return this.#frames.handle(text);
  }

  async #authorizeAndDispatch(m: AgentChatMessage): Promise<void> {
    await this.#authorize(m);
    await this.#dispatch(m);
  }

  async #authorize(m: AgentChatMessage): Promise<void> {
    const action: Action = agentChatActions[m.kind];
    let assigned: boolean | undefined;
    if ("conversation" in m) assigned = (await findConversation(this.chat.storage.db, m.conversation))?.assignedAgentId === this.agent.agentId;
    const decision = this.policy.decide(action, {
      actor: "agent",
      roles: this.agent.roles.filter(isRole),
      subject: this.agent.agentId,
      mfa: true, // chat connections exist only for sessions whose second factor is satisfied
      ...(assigned === undefined ? {} : { assigned }),
      ...(this.agent.sourceAddress ? { sourceAddress: this.agent.sourceAddress } : {}),
    });
    if (!decision.allow) throw new AirlockError("forbidden", `not allowed (${decision.rule})`);
  }

  async #dispatch(m: AgentChatMessage): Promise<void> {
    const me = { kind: "agent" as const, agentId: this.agent.agentId };
    switch (m.kind) {
      case "watch-site": {
        await this.#follow(topics.site(m.site));
        if (!this.#subscriptions.has(`presence:${m.site}`)) {
          const stopPresence = this.presence.watch(m.site, (frame) => this.#send(frame));
          const release = this.online.watch(m.site, this.agent.agentId);
          this.#subscriptions.set(`presence:${m.site}`, { ready: Promise.resolve(), stop: () => (stopPresence(), release()) });
        }
        for (const c of await waitingConversations(this.chat.storage.db, m.site)) this.#send(conversationFrame(c, c.state === "offline" ? "offline" : "queued", "agent"));
        return;
      }
      case "chat-accept": {
        await this.#follow(topics.conversation(m.conversation));
        await this.chat.accept(this.agent.agentId, m.conversation);
        return;
      }
      case "chat-send": {
        const r = await this.chat.send(me, m.conversation, m.clientId, m.text);
        return this.#send({ kind: "chat-ack", conversation: m.conversation, clientId: m.clientId, seq: r.message.seq });
      }
      case "chat-typing":
        this.chat.typing(me, m.conversation, m.typing);
        return;
      case "chat-resume": {
        await this.#follow(topics.conversation(m.conversation));
        for (const msg of await this.chat.resume(me, m.conversation, m.afterSeq)) this.#send(messageFrame(msg, "agent"));
        return;
      }
      case "chat-end":
        await this.chat.end(me, m.conversation);
        return;
      case "chat-transfer": {
        const supervising = this.agent.roles.includes("supervisor");
        await this.chat.transfer({ agentId: this.agent.agentId, force: supervising }, m.conversation, m.to, m.note);
        return;
      }
      case "chat-join": {
        await this.#follow(topics.conversation(m.conversation));
        await this.chat.join(this.agent.agentId, m.conversation);
        return;
      }
      case "chat-invite": {
        if (!this.visitors.invite(m.site, m.visitor, m.text ?? "")) throw new AirlockError("not_found", "the visitor is no longer on the site");
        return;
      }
    }
  }

  close(): void {
    this.#closed = true;
    for (const s of this.#subscriptions.values()) s.stop();
    this.#subscriptions.clear();
  }

  #follow(topic: string): Promise<void> {
    let s = this.#subscriptions.get(topic);
    if (!s) this.#subscriptions.set(topic, (s = this.chat.fanout.subscribe(topic, (e) => this.#deliver(e))));
    return s.ready;
  }

  #deliver(e: ChatEvent): void {
    if (e.type === "message") return this.#send(messageFrame(e.message, "agent"));
    if (e.type === "typing") {
      if (e.from === "visitor") this.#send({ kind: "chat-typing", conversation: e.conversationId, from: "visitor", typing: e.typing });
      return;
    }
    const c = e.conversation;
    // A transfer to this agent: start following the conversation.
    if (e.change === "transferred" && c.assignedAgentId === this.agent.agentId) void this.#follow(topics.conversation(c.id));
    this.#send(conversationFrame(c, e.change, "agent"));
  }

  #send(frame: ChatServerFrame): void {
    if (!this.#closed) this.sink.send(JSON.stringify(frame));
  }
}
