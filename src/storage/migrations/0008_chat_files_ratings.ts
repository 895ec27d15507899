import type { Kysely } from "kysely";

// Chat attachments and satisfaction ratings. Both hang off their conversation (deleted with it by
// retention and erasure) and keep their content only as ciphertext under the conversation's data
// key, so shredding that key erases them too, in every copy of this database.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("chat_file")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("conversation_id", "varchar(36)", (c) => c.notNull().references("chat_conversation.id").onDelete("cascade"))
    .addColumn("sender_kind", "varchar(16)", (c) => c.notNull())
    .addColumn("sender_id", "varchar(36)")
    .addColumn("media_type", "varchar(100)", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("signature", "varchar(200)")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("chat_file_conversation_idx").on("chat_file").column("conversation_id").execute();

  await db.schema
    .createTable("chat_rating")
    .addColumn("conversation_id", "varchar(36)", (c) => c.primaryKey().references("chat_conversation.id").onDelete("cascade"))
    .addColumn("site_id", "varchar(64)", (c) => c.notNull())
    .addColumn("agent_id", "varchar(36)")
    .addColumn("score", "integer", (c) => c.notNull())
    .addColumn("comment", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("chat_rating_site_created_idx").on("chat_rating").columns(["site_id", "created_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("chat_rating").execute();
  await db.schema.dropTable("chat_file").execute();
}
