import type { Kysely } from "kysely";

// Signed webhooks: the outbox (one row per event and subscription, claimed by one worker at a
// time) and the delivery log (one row per attempt). Metadata only; see src/webhooks/tables.ts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhook_delivery")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("subscription_id", "varchar(48)", (c) => c.notNull())
    .addColumn("event_type", "varchar(40)", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("attempt_base", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("claimed_by", "varchar(64)")
    .addColumn("claimed_until", "bigint")
    .addColumn("last_outcome", "varchar(40)")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("webhook_delivery_due_idx").on("webhook_delivery").columns(["state", "next_attempt_at"]).execute();
  await db.schema.createIndex("webhook_delivery_updated_idx").on("webhook_delivery").columns(["state", "updated_at"]).execute();

  await db.schema
    .createTable("webhook_attempt")
    .addColumn("delivery_id", "varchar(36)", (c) => c.notNull().references("webhook_delivery.id").onDelete("cascade"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("outcome", "varchar(40)", (c) => c.notNull())
    .addPrimaryKeyConstraint("webhook_attempt_pk", ["delivery_id", "attempt"])
    .execute();
  await db.schema.createIndex("webhook_attempt_at_idx").on("webhook_attempt").column("at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("webhook_attempt").execute();
  await db.schema.dropTable("webhook_delivery").execute();
}
