import type { Kysely } from "kysely";

// Agent identity: agents (by issuer + subject), server-side sessions, TOTP enrollment,
// recovery codes, OIDC login transactions and WebSocket tickets. No password column, ever.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("agent")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("issuer", "varchar(512)", (c) => c.notNull())
    .addColumn("subject", "varchar(255)", (c) => c.notNull())
    .addColumn("display_name", "varchar(255)", (c) => c.notNull())
    .addColumn("email", "varchar(320)")
    .addColumn("groups_json", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_login_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("agent_issuer_subject_unique", ["issuer", "subject"])
    .execute();

  await db.schema
    .createTable("agent_session")
    .addColumn("id_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("agent_id", "varchar(36)", (c) => c.notNull().references("agent.id").onDelete("cascade"))
    .addColumn("state", "varchar(16)", (c) => c.notNull())
    .addColumn("idp_sid", "varchar(255)")
    .addColumn("amr_json", "text", (c) => c.notNull())
    .addColumn("id_token_hint", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("reauthenticated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("agent_session_agent_idx").on("agent_session").column("agent_id").execute();
  await db.schema.createIndex("agent_session_idp_sid_idx").on("agent_session").column("idp_sid").execute();

  await db.schema
    .createTable("agent_totp")
    .addColumn("agent_id", "varchar(36)", (c) => c.primaryKey().references("agent.id").onDelete("cascade"))
    .addColumn("secret_box", "text", (c) => c.notNull())
    .addColumn("key_id", "varchar(64)", (c) => c.notNull())
    .addColumn("confirmed_at", "bigint")
    .addColumn("last_step", "bigint", (c) => c.notNull())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("lockouts", "integer", (c) => c.notNull())
    .addColumn("locked_until", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("agent_recovery_code")
    .addColumn("agent_id", "varchar(36)", (c) => c.notNull().references("agent.id").onDelete("cascade"))
    .addColumn("code_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .addPrimaryKeyConstraint("agent_recovery_code_pk", ["agent_id", "code_hash"])
    .execute();

  await db.schema
    .createTable("login_transaction")
    .addColumn("id_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("state", "varchar(128)", (c) => c.notNull())
    .addColumn("nonce", "varchar(128)", (c) => c.notNull())
    .addColumn("code_verifier", "varchar(128)", (c) => c.notNull())
    .addColumn("return_to", "varchar(512)", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("ws_ticket")
    .addColumn("id_hash", "varchar(64)", (c) => c.primaryKey())
    .addColumn("session_id_hash", "varchar(64)", (c) => c.notNull().references("agent_session.id_hash").onDelete("cascade"))
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["ws_ticket", "login_transaction", "agent_recovery_code", "agent_totp", "agent_session", "agent"]) {
    await db.schema.dropTable(table).execute();
  }
}
