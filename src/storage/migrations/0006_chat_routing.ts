import type { Kysely } from "kysely";

// Routing: the team whose queue a chat waits in, and the agent it is offered to until when (so an
// offer made by one server process is seen by the others, and an expired one by anyone).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("chat_conversation").addColumn("team", "varchar(64)").execute();
  await db.schema.alterTable("chat_conversation").addColumn("offered_agent_id", "varchar(36)").execute();
  await db.schema.alterTable("chat_conversation").addColumn("offer_expires_at", "bigint").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ["offer_expires_at", "offered_agent_id", "team"]) await db.schema.alterTable("chat_conversation").dropColumn(column).execute();
}
