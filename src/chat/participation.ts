import type { Kysely, Transaction } from "kysely";
import type { Database } from "../storage/schema.js";
import type { Conversation } from "./conversations.js";

/** Who acts on a conversation. Visitors are known by site and per-visit id, agents by agent id. */
export type ChatActor =
  | { readonly kind: "visitor"; readonly siteId: string; readonly visitorId: string }
  | { readonly kind: "agent"; readonly agentId: string; readonly name?: string };

/**
 * How an actor takes part in a conversation: the visit that opened it, the agent it is assigned
 * to, or a supervisor who joined it. A former handler (transferred away) takes no part.
 */
export type Participation = "visitor" | "handler" | "supervisor";

/** The one rule of who takes part; undefined when the actor does not. */
export async function participationOf(db: Kysely<Database> | Transaction<Database>, actor: ChatActor, c: Conversation): Promise<Participation | undefined> {
  if (actor.kind === "visitor") return c.siteId === actor.siteId && c.visitorId === actor.visitorId ? "visitor" : undefined;
  if (c.assignedAgentId === actor.agentId) return "handler";
  const joined = await db
    .selectFrom("chat_participant")
    .select("agent_id")
    .where("conversation_id", "=", c.id)
    .where("agent_id", "=", actor.agentId)
    .where("role", "=", "supervisor")
    .executeTakeFirst();
  return joined ? "supervisor" : undefined;
}
