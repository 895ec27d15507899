import { PostgresAdapter, sql, type Kysely } from "kysely";

const genesis = "0".repeat(64);

// The audit trail: an append-only, hash-chained log plus the chain head every append locks.
// UPDATE is refused by a trigger on both dialects; deletions (retention) move the anchor and any
// other removal breaks the chain, which `airlock audit verify` reports.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("audit_log")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor", "varchar(200)", (c) => c.notNull())
    .addColumn("action", "varchar(64)", (c) => c.notNull())
    .addColumn("target", "varchar(200)")
    .addColumn("decision", "varchar(16)", (c) => c.notNull())
    .addColumn("rule", "varchar(128)")
    .addColumn("source_address", "varchar(64)")
    .addColumn("prev_hash", "char(64)", (c) => c.notNull())
    .addColumn("hash", "char(64)", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();
  await db.schema
    .createTable("audit_head")
    .addColumn("id", "integer", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "char(64)", (c) => c.notNull())
    .addColumn("anchor_seq", "bigint", (c) => c.notNull())
    .addColumn("anchor_prev_hash", "char(64)", (c) => c.notNull())
    .execute();
  await sql`insert into audit_head (id, seq, hash, anchor_seq, anchor_prev_hash) values (1, 0, ${genesis}, 1, ${genesis})`.execute(db);

  if (isPostgres(db)) {
    await sql`create function audit_log_refuse_update() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`.execute(db);
    await sql`create trigger audit_log_no_update before update on audit_log for each row execute function audit_log_refuse_update()`.execute(db);
  } else {
    await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger if exists audit_log_no_update on audit_log`.execute(db);
    await sql`drop function if exists audit_log_refuse_update()`.execute(db);
  } else {
    await sql`drop trigger if exists audit_log_no_update`.execute(db);
  }
  await db.schema.dropTable("audit_head").execute();
  await db.schema.dropTable("audit_log").execute();
}

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
