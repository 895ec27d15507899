import { AirlockError } from "../errors.js";
import { agentPolicyContext } from "../policy/agent-context.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { AgentChatMessage, VisitorChatMessage } from "../protocol/chat-messages.js";
import type { Storage } from "../storage/db.js";
import { findConversation, type Conversation } from "./conversations.js";
import { agentFrameChecks, visitorFrameChecks, type ConversationCheck, type OtherCheck } from "./frame-checks.js";
import { agentChatActions, visitorChatActions } from "./message-actions.js";
import { participationOf, type ChatActor, type Participation } from "./participation.js";
import { ChatRefusal } from "./refusal.js";

/** What a frame was allowed on: its conversation (when it names one) and how the actor takes part. */
export interface FrameGrant {
  readonly conversation?: Conversation;
  readonly participation?: Participation;
}

export interface AuthorizeDeps {
  readonly storage: Pick<Storage, "db">;
  readonly policy: Pick<PolicyEngine, "decide">;
}

export interface AgentFacts {
  readonly agentId: string;
  readonly roles: readonly string[];
  /** Whether the second factor of the agent's login session is satisfied (the socket's principal says). */
  readonly mfa: boolean;
  readonly sourceAddress?: string;
}

export interface VisitFacts {
  readonly siteId: string;
  readonly visitorId: string;
  readonly origin?: string;
}

/**
 * The one authorization of an agent's chat frame: the kind's policy action, then the kind's
 * check (frame-checks.ts). It runs before the frame does anything; a refusal throws and leaves
 * nothing behind (`forbidden`, `not_found`, `conflict`).
 */
export async function authorizeAgentFrame(deps: AuthorizeDeps, agent: AgentFacts, m: AgentChatMessage): Promise<FrameGrant> {
  const conversation = "conversation" in m ? await findConversation(deps.storage.db, m.conversation) : undefined;
  const decision = deps.policy.decide(
    agentChatActions[m.kind],
    agentPolicyContext(
      { subject: agent.agentId, roles: agent.roles, mfa: agent.mfa, sourceAddress: agent.sourceAddress },
      "conversation" in m ? { assigned: conversation?.assignedAgentId === agent.agentId } : {},
    ),
  );
  if (!decision.allow) throw new AirlockError("forbidden", `not allowed (${decision.rule})`);
  const check: ConversationCheck | OtherCheck = agentFrameChecks[m.kind];
  if (!("conversation" in m)) {
    if (check === "none") return {};
    throw new AirlockError("forbidden", "not allowed");
  }
  if (!conversation) throw new AirlockError("not_found", "no such conversation");
  const actor: ChatActor = { kind: "agent", agentId: agent.agentId };
  switch (check) {
    case "takes-part": {
      const participation = await participationOf(deps.storage.db, actor, conversation);
      if (!participation) throw new AirlockError("forbidden", "the conversation is not assigned to you");
      return { conversation, participation };
    }
    case "waiting":
      if (conversation.state !== "queued" && conversation.state !== "offline") throw new AirlockError("conflict", "the conversation is no longer waiting");
      return { conversation };
    case "handles":
      if (conversation.assignedAgentId !== agent.agentId && !agent.roles.includes("supervisor")) throw new AirlockError("forbidden", "the conversation is assigned to another agent");
      return { conversation };
    case "open":
      if (conversation.state === "ended") throw new AirlockError("conflict", "the conversation has ended");
      return { conversation };
    default:
      // A kind naming a conversation without a conversation check: deny (frame-checks.ts types forbid it).
      throw new AirlockError("forbidden", "not allowed");
  }
}

/**
 * The one authorization of a visitor's chat frame: the kind's policy action (site and Origin),
 * then the kind's check. Another visit's conversation is `not_found`, never a hint that it exists.
 */
export async function authorizeVisitorFrame(deps: AuthorizeDeps, visit: VisitFacts, invites: { has(invite: string): boolean }, m: VisitorChatMessage): Promise<FrameGrant> {
  const decision = deps.policy.decide(visitorChatActions[m.kind], { actor: "visitor", siteId: visit.siteId, ...(visit.origin ? { origin: visit.origin } : {}) });
  if (!decision.allow) throw new ChatRefusal("not_allowed", "not allowed");
  const check: ConversationCheck | OtherCheck = visitorFrameChecks[m.kind];
  if (!("conversation" in m)) {
    if (check === "none") return {};
    if (check === "own-invite" && m.kind === "chat-start" && (m.invite === undefined || invites.has(m.invite))) return {};
    if (check === "own-invite" && m.kind === "chat-invite-answer" && invites.has(m.invite)) return {};
    throw new AirlockError("not_found", "no such invitation");
  }
  const conversation = await findConversation(deps.storage.db, m.conversation);
  const actor: ChatActor = { kind: "visitor", siteId: visit.siteId, visitorId: visit.visitorId };
  const participation = conversation && check === "takes-part" ? await participationOf(deps.storage.db, actor, conversation) : undefined;
  if (!conversation || !participation) throw new AirlockError("not_found", "no such conversation");
  return { conversation, participation };
}
