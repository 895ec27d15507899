import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";

/** One agent's day on a site, as a supervisor's statistics show it. */
export interface AgentDay {
  readonly id: string;
  /** The IdP display name at the last login ("Alex Agent"); never shown as a bare id. */
  readonly name: string;
  readonly online: boolean;
  /** Chats assigned to them and in progress now. */
  readonly activeNow: number;
  /** Chats they took (accepted or received by transfer) since the start of the window. */
  readonly handledSince: number;
}

/**
 * The agents of a site for the statistics page: everyone online now and everyone who handled a
 * chat there since `since`, busiest first. Counts only: no chat content is read.
 */
export async function agentDays(db: Kysely<Database>, siteId: string, since: number, onlineIds: readonly string[]): Promise<AgentDay[]> {
  const handled = await db
    .selectFrom("chat_participant")
    .innerJoin("chat_conversation", "chat_conversation.id", "chat_participant.conversation_id")
    .select((eb) => ["chat_participant.agent_id as agentId", eb.fn.count<number>("chat_participant.conversation_id").distinct().as("n")])
    .where("chat_conversation.site_id", "=", siteId)
    .where("chat_participant.role", "=", "handler")
    .where("chat_participant.joined_at", ">=", since)
    .groupBy("chat_participant.agent_id")
    .execute();
  const active = await db
    .selectFrom("chat_conversation")
    .select((eb) => ["assigned_agent_id as agentId", eb.fn.countAll<number>().as("n")])
    .where("site_id", "=", siteId)
    .where("state", "=", "active")
    .where("assigned_agent_id", "is not", null)
    .groupBy("assigned_agent_id")
    .execute();
  const ids = [...new Set([...onlineIds, ...handled.map((r) => r.agentId), ...active.flatMap((r) => (r.agentId ? [r.agentId] : []))])];
  if (ids.length === 0) return [];
  const names = new Map((await db.selectFrom("agent").select(["id", "display_name"]).where("id", "in", ids).execute()).map((r) => [r.id, r.display_name]));
  const online = new Set(onlineIds);
  return ids
    .map((id) => ({
      id,
      name: names.get(id)?.trim() || "Agent",
      online: online.has(id),
      activeNow: Number(active.find((r) => r.agentId === id)?.n ?? 0),
      handledSince: Number(handled.find((r) => r.agentId === id)?.n ?? 0),
    }))
    .sort((a, b) => Number(b.online) - Number(a.online) || b.activeNow - a.activeNow || b.handledSince - a.handledSince || a.name.localeCompare(b.name));
}
