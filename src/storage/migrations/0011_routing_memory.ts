import type { Kysely } from "kysely";

// What routing remembers about a waiting chat, shared by every server process: the skills its
// page rule prefers, and the agents whose offer of it ran out (JSON arrays). Before, each lived in
// the memory of one process and was lost to the others (and with that process).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("chat_conversation").addColumn("wanted_skills", "text").execute();
  await db.schema.alterTable("chat_conversation").addColumn("expired_offer_agent_ids", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ["expired_offer_agent_ids", "wanted_skills"]) await db.schema.alterTable("chat_conversation").dropColumn(column).execute();
}
