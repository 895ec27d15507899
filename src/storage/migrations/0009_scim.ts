import type { Kysely } from "kysely";

// SCIM 2.0 provisioning (RFC 7643/7644): the IdPs allowed to provision (their bearer token kept
// only as a SHA-256 hash), the users and groups they push, and group membership. A provisioned
// user links to the agent who signs in with the same identity; deleting one keeps a tombstone
// (the userName only) so that agent's next sign-in is refused.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("scim_idp")
    .addColumn("name", "varchar(64)", (c) => c.primaryKey())
    .addColumn("issuer", "varchar(512)", (c) => c.notNull())
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("rotated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("scim_user")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("idp", "varchar(64)", (c) => c.notNull().references("scim_idp.name").onDelete("cascade"))
    .addColumn("user_name", "varchar(320)", (c) => c.notNull())
    .addColumn("user_name_key", "varchar(320)", (c) => c.notNull())
    .addColumn("external_id", "varchar(255)")
    .addColumn("display_name", "varchar(255)")
    .addColumn("given_name", "varchar(255)")
    .addColumn("family_name", "varchar(255)")
    .addColumn("emails_json", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull())
    .addColumn("agent_id", "varchar(36)", (c) => c.references("agent.id").onDelete("set null"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("deleted_at", "bigint")
    .addUniqueConstraint("scim_user_idp_user_name_unique", ["idp", "user_name_key"])
    .execute();
  await db.schema.createIndex("scim_user_external_idx").on("scim_user").columns(["idp", "external_id"]).execute();
  await db.schema.createIndex("scim_user_agent_idx").on("scim_user").column("agent_id").execute();

  await db.schema
    .createTable("scim_group")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("idp", "varchar(64)", (c) => c.notNull().references("scim_idp.name").onDelete("cascade"))
    .addColumn("display_name", "varchar(255)", (c) => c.notNull())
    .addColumn("display_name_key", "varchar(255)", (c) => c.notNull())
    .addColumn("external_id", "varchar(255)")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("scim_group_idp_name_unique", ["idp", "display_name_key"])
    .execute();

  await db.schema
    .createTable("scim_group_member")
    .addColumn("group_id", "varchar(36)", (c) => c.notNull().references("scim_group.id").onDelete("cascade"))
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("scim_user.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("scim_group_member_pk", ["group_id", "user_id"])
    .execute();
  await db.schema.createIndex("scim_group_member_user_idx").on("scim_group_member").column("user_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["scim_group_member", "scim_group", "scim_user", "scim_idp"]) await db.schema.dropTable(table).execute();
}
