import type { Kysely } from "kysely";
import type { AgentAvailability } from "../protocol/chat-frames.js";
import type { Database } from "../storage/schema.js";

// Each agent's online / away choice, kept on the server: the console shows it after a reload, in
// a second tab or another browser, and routing and the visitors' offline form follow it. An agent
// who never chose is online (the console is open to take chats).

export async function storedAvailability(db: Kysely<Database>, agentId: string): Promise<AgentAvailability> {
  const row = await db.selectFrom("agent_availability").select("status").where("agent_id", "=", agentId).executeTakeFirst();
  return row?.status === "away" ? "away" : "online";
}

export async function storeAvailability(db: Kysely<Database>, agentId: string, status: AgentAvailability, at: number): Promise<void> {
  await db
    .insertInto("agent_availability")
    .values({ agent_id: agentId, status, updated_at: at })
    .onConflict((oc) => oc.column("agent_id").doUpdateSet({ status, updated_at: at }))
    .execute();
}
