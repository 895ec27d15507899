import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { toConversation, type Conversation } from "./conversations.js";

/** Chats waiting for an agent on a site, oldest first: live requests and offline forms. */
export async function waitingConversations(db: Kysely<Database>, siteId: string, limit = 200): Promise<Conversation[]> {
  const rows = await db.selectFrom("chat_conversation").selectAll().where("site_id", "=", siteId).where("state", "in", ["queued", "offline"]).orderBy("created_at").limit(limit).execute();
  return rows.map(toConversation);
}

/** Active chats assigned to an agent (after a console reload, the agent picks them up again). */
export async function activeConversationsOf(db: Kysely<Database>, agentId: string): Promise<Conversation[]> {
  const rows = await db.selectFrom("chat_conversation").selectAll().where("assigned_agent_id", "=", agentId).where("state", "=", "active").orderBy("created_at").execute();
  return rows.map(toConversation);
}

/** Active chats on a site (supervisors pick one to join). */
export async function activeConversations(db: Kysely<Database>, siteId: string, limit = 200): Promise<Conversation[]> {
  const rows = await db.selectFrom("chat_conversation").selectAll().where("site_id", "=", siteId).where("state", "=", "active").orderBy("created_at").limit(limit).execute();
  return rows.map(toConversation);
}

export interface QueueStats {
  readonly waiting: number;
  readonly active: number;
  /** Mean time from request to accept over chats accepted since `since`. */
  readonly averageWaitMs: number;
}

export async function queueStats(db: Kysely<Database>, siteId: string, since: number): Promise<QueueStats> {
  const counts = await db
    .selectFrom("chat_conversation")
    .select((eb) => ["state", eb.fn.countAll<number>().as("n")])
    .where("site_id", "=", siteId)
    .where("state", "in", ["queued", "active"])
    .groupBy("state")
    .execute();
  const waits = await db
    .selectFrom("chat_conversation")
    .select(["created_at", "accepted_at"])
    .where("site_id", "=", siteId)
    .where("accepted_at", ">=", since)
    .execute();
  const n = (state: string) => Number(counts.find((c) => c.state === state)?.n ?? 0);
  const total = waits.reduce((sum, w) => sum + (Number(w.accepted_at) - Number(w.created_at)), 0);
  return { waiting: n("queued"), active: n("active"), averageWaitMs: waits.length ? Math.round(total / waits.length) : 0 };
}
