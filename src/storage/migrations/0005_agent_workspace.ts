import type { Kysely } from "kysely";

// The agent workspace: availability per agent (removed with the agent), and the co-browse
// sessions that ran during a conversation (removed with the conversation: retention, erasure).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("agent_availability")
    .addColumn("agent_id", "varchar(36)", (c) => c.primaryKey().references("agent.id").onDelete("cascade"))
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("chat_cobrowse_session")
    .addColumn("conversation_id", "varchar(36)", (c) => c.notNull().references("chat_conversation.id").onDelete("cascade"))
    .addColumn("session_id", "varchar(64)", (c) => c.notNull())
    .addColumn("site_id", "varchar(64)", (c) => c.notNull())
    .addColumn("linked_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("chat_cobrowse_session_pk", ["conversation_id", "session_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("chat_cobrowse_session").execute();
  await db.schema.dropTable("agent_availability").execute();
}
