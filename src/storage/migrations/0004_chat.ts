import type { Kysely } from "kysely";

// Live chat: conversations (metadata), encrypted messages, who took part, and canned responses.
// The conversations' data keys are not here: they live in the key vault, a separate database
// with its own migrations (src/crypto/vault), so erasing a key also reaches copies of this one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("chat_conversation")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("site_id", "varchar(64)", (c) => c.notNull())
    .addColumn("visitor_id", "varchar(64)", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("assigned_agent_id", "varchar(36)")
    .addColumn("last_seq", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("accepted_at", "bigint")
    .addColumn("ended_at", "bigint")
    .execute();
  await db.schema.createIndex("chat_conversation_site_created_idx").on("chat_conversation").columns(["site_id", "created_at"]).execute();
  await db.schema.createIndex("chat_conversation_visitor_idx").on("chat_conversation").column("visitor_id").execute();
  await db.schema.createIndex("chat_conversation_state_idx").on("chat_conversation").columns(["state", "created_at"]).execute();

  await db.schema
    .createTable("chat_message")
    .addColumn("conversation_id", "varchar(36)", (c) => c.notNull().references("chat_conversation.id").onDelete("cascade"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("client_id", "varchar(64)", (c) => c.notNull())
    .addColumn("sender_kind", "varchar(16)", (c) => c.notNull())
    .addColumn("sender_id", "varchar(36)")
    .addColumn("kind", "varchar(16)", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("chat_message_pk", ["conversation_id", "seq"])
    .addUniqueConstraint("chat_message_client_unique", ["conversation_id", "client_id"])
    .execute();

  await db.schema
    .createTable("chat_participant")
    .addColumn("conversation_id", "varchar(36)", (c) => c.notNull().references("chat_conversation.id").onDelete("cascade"))
    .addColumn("agent_id", "varchar(36)", (c) => c.notNull())
    .addColumn("role", "varchar(16)", (c) => c.notNull())
    .addColumn("joined_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("chat_participant_pk", ["conversation_id", "agent_id", "role"])
    .execute();
  await db.schema.createIndex("chat_participant_agent_idx").on("chat_participant").column("agent_id").execute();

  await db.schema
    .createTable("chat_canned_response")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("team", "varchar(128)", (c) => c.notNull())
    .addColumn("title", "varchar(120)", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("updated_by", "varchar(36)", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("chat_canned_response_team_idx").on("chat_canned_response").column("team").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["chat_canned_response", "chat_participant", "chat_message", "chat_conversation"]) {
    await db.schema.dropTable(table).execute();
  }
}
