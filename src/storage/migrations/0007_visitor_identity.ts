import type { Kysely } from "kysely";

// Verified visitors: a conversation remembers the customer id the site vouched for (so a data
// subject request finds it by that id), and each identity token's `jti` is kept until the token
// expires, so a token is accepted once across every server process.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("chat_conversation").addColumn("customer_id", "varchar(128)").execute();
  await db.schema.createIndex("chat_conversation_customer_idx").on("chat_conversation").columns(["site_id", "customer_id"]).execute();
  await db.schema
    .createTable("visitor_identity_token")
    .addColumn("site_id", "varchar(64)", (c) => c.notNull())
    .addColumn("jti_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("visitor_identity_token_pk", ["site_id", "jti_hash"])
    .execute();
  await db.schema.createIndex("visitor_identity_token_expiry_idx").on("visitor_identity_token").column("expires_at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("visitor_identity_token").execute();
  await db.schema.dropIndex("chat_conversation_customer_idx").execute();
  await db.schema.alterTable("chat_conversation").dropColumn("customer_id").execute();
}
