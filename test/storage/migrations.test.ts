import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { expect, it } from "vitest";
import { openStorage } from "../../src/storage/db.js";
import { migrateUp, migrationStatus, pendingMigrations } from "../../src/storage/migrate.js";
import { migrations } from "../../src/storage/migrations/index.js";
import { describeEachDialect } from "../helpers/dialects.js";

// A migration that creates a table and then fails: nothing of it may remain.
const broken: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable("half_done").addColumn("id", "integer", (c) => c.primaryKey()).execute();
    await sql`select * from table_that_does_not_exist`.execute(db);
  },
};

async function tableExists(db: Kysely<unknown>, name: string): Promise<boolean> {
  const tables = await db.introspection.getTables();
  return tables.some((t) => t.name === name);
}

describeEachDialect("migrations", (fx) => {
  it("applies every migration to an empty database and reports none pending", async () => {
    const storage = openStorage(await fx.freshUrl());
    try {
      expect(await pendingMigrations(storage)).toEqual(Object.keys(migrations));
      const outcome = await migrateUp(storage);
      expect(outcome).toMatchObject({ ok: true, failed: null, error: null });
      expect(outcome.applied).toEqual(Object.keys(migrations));
      expect(await pendingMigrations(storage)).toEqual([]);
      const again = await migrateUp(storage);
      expect(again.applied).toEqual([]);
      const status = await migrationStatus(storage);
      expect(status.every((m) => m.executedAt !== null)).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it("a deliberately broken migration fails, is named, and leaves no partial change", async () => {
    const storage = openStorage(await fx.freshUrl());
    try {
      const outcome = await migrateUp(storage, { ...migrations, "9999_broken": broken });
      expect(outcome.ok).toBe(false);
      expect(outcome.failed).toBe("9999_broken");
      expect(outcome.error).toMatch(/table_that_does_not_exist/);
      expect(outcome.applied).toEqual(Object.keys(migrations));
      expect(await tableExists(storage.db as Kysely<unknown>, "half_done")).toBe(false);
      const status = await migrationStatus(storage, { ...migrations, "9999_broken": broken });
      expect(status.find((m) => m.name === "9999_broken")?.executedAt).toBeNull();
    } finally {
      await storage.close();
    }
  });

  it("stores and reads epoch-millisecond BIGINTs as numbers", async () => {
    const storage = await fx.open();
    const now = Date.now();
    await storage.db.insertInto("airlock_instance").values({ key: "probe", value: "v", updated_at: now }).execute();
    const row = await storage.db.selectFrom("airlock_instance").selectAll().where("key", "=", "probe").executeTakeFirstOrThrow();
    expect(row.updated_at).toBe(now);
    expect(typeof row.updated_at).toBe("number");
  });
});
