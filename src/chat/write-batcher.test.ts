import { afterAll, describe, expect, it } from "vitest";
import { openStorage } from "../storage/db.js";
import { migrateUp } from "../storage/migrate.js";
import { WriteBatcher } from "./write-batcher.js";

describe("WriteBatcher (SQLite group commit)", () => {
  const storage = openStorage("sqlite::memory:");
  afterAll(() => storage.close());

  it("commits concurrent units together; a failing unit rolls back alone and rejects only its caller", async () => {
    await migrateUp(storage);
    const batcher = new WriteBatcher(storage.db, 8);
    const put = (key: string, fail: boolean) =>
      batcher.run(async (trx) => {
        await trx.insertInto("airlock_instance").values({ key, value: "v", updated_at: 1 }).execute();
        if (fail) throw new Error(`unit ${key} failed`);
        return key;
      });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => put(`k${i}`, i % 5 === 3)));
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(4);
    const rows = await storage.db.selectFrom("airlock_instance").select("key").where("key", "like", "k%").execute();
    expect(rows.map((r) => r.key).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => i)
        .filter((i) => i % 5 !== 3)
        .map((i) => `k${i}`)
        .sort(),
    );
  });
});
