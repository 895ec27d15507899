import { sql, type Kysely } from "kysely";
import { expect, it } from "vitest";
import { appendAudit, exportAudit, pruneAudit, recordAudit, verifyAudit } from "../../src/audit/trail.js";
import type { Storage } from "../../src/storage/db.js";
import type { Database } from "../../src/storage/schema.js";
import { openStorage } from "../../src/storage/db.js";
import { migrateUp } from "../../src/storage/migrate.js";
import { afterAll } from "vitest";
import { describeEachDialect } from "../helpers/dialects.js";
import { runCli } from "../helpers/cli.js";

async function fill(db: Kysely<Database>, n: number, at = 1_700_000_000_000): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await recordAudit(db, { actor: `agent:a${i % 3}`, action: "chatlog:read", target: `conversation:c${i}`, decision: i % 4 === 0 ? "deny" : "allow", rule: "access.roles.auditor", sourceAddress: "10.0.0.7", at: at + i });
  }
}

/** What an attacker with database access does first: remove the append-only trigger. */
async function dropGuard(storage: Storage): Promise<void> {
  if (storage.dialect === "postgres") await sql`drop trigger audit_log_no_update on audit_log`.execute(storage.db);
  else await sql`drop trigger audit_log_no_update`.execute(storage.db);
}

describeEachDialect("audit trail", (fx) => {
  const extra: Storage[] = [];
  afterAll(async () => {
    await Promise.all(extra.map((s) => s.close()));
  });
  /** A fresh migrated database and its URL (for the CLI and for extra connections). */
  async function openWithUrl(): Promise<{ storage: Storage; url: string }> {
    const url = await fx.freshUrl();
    const storage = openStorage(url);
    extra.push(storage);
    const outcome = await migrateUp(storage);
    if (!outcome.ok) throw new Error(`migration failed: ${outcome.error}`);
    return { storage, url };
  }
  it("an untouched trail verifies, and entries export in order with their hashes", async () => {
    const storage = await fx.open();
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: true, entries: 0, headSeq: 0 });
    await fill(storage.db, 25);
    const result = await verifyAudit(storage.db);
    expect(result).toMatchObject({ ok: true, entries: 25, headSeq: 25 });
    const exported = [];
    for await (const r of exportAudit(storage.db)) exported.push(r);
    expect(exported.map((r) => r.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(exported[1]?.prevHash).toBe(exported[0]?.hash);
    expect(exported[0]).toMatchObject({ actor: "agent:a1", action: "chatlog:read", target: "conversation:c1", decision: "allow", sourceAddress: "10.0.0.7" });
  });

  it("commits with the change it records and rolls back with it", async () => {
    const storage = await fx.open();
    await storage.db.transaction().execute(async (trx) => {
      await trx.insertInto("airlock_instance").values({ key: "k1", value: "v", updated_at: 1 }).execute();
      await appendAudit(trx, { actor: "system", action: "policy.changed", target: "policy:sha256:ab", decision: "info" });
    });
    await expect(
      storage.db.transaction().execute(async (trx) => {
        await appendAudit(trx, { actor: "system", action: "policy.changed", target: "policy:sha256:cd", decision: "info" });
        await trx.insertInto("airlock_instance").values({ key: "k1", value: "duplicate", updated_at: 2 }).execute();
      }),
    ).rejects.toThrow();
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: true, entries: 1 });
  });

  it("refuses entries that could carry content (free text), and refuses UPDATE at the database", async () => {
    const storage = await fx.open();
    await expect(recordAudit(storage.db, { actor: "agent:a1", action: "chat:handle", target: "hello, my card number is 4111", decision: "allow" })).rejects.toThrow(/invalid audit entry/);
    await fill(storage.db, 2);
    await expect(sql`update audit_log set actor = 'agent:x' where seq = 1`.execute(storage.db)).rejects.toThrow(/append-only/);
  });

  it("an edited row fails verification naming that row", async () => {
    const storage = await fx.open();
    await fill(storage.db, 10);
    await dropGuard(storage);
    await sql`update audit_log set actor = 'agent:someone-else' where seq = 5`.execute(storage.db);
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: false, brokenAt: 5, entries: 4, reason: expect.stringMatching(/entry 5 does not match its hash: its content was altered/) });
  });

  it("a deleted row fails verification naming the missing row (middle and tail)", async () => {
    const storage = await fx.open();
    await fill(storage.db, 10);
    await sql`delete from audit_log where seq = 7`.execute(storage.db);
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: false, brokenAt: 7, reason: expect.stringMatching(/entry 7 is missing/) });
    const tail = await fx.open();
    await fill(tail.db, 10);
    await sql`delete from audit_log where seq = 10`.execute(tail.db);
    expect(await verifyAudit(tail.db)).toMatchObject({ ok: false, brokenAt: 10, reason: expect.stringMatching(/entry 10 is missing \(the chain head records 10 entries\)/) });
  });

  it("reordered rows fail verification naming the first moved row", async () => {
    const storage = await fx.open();
    await fill(storage.db, 10);
    await dropGuard(storage);
    await sql`update audit_log set seq = -1 where seq = 3`.execute(storage.db);
    await sql`update audit_log set seq = 3 where seq = 4`.execute(storage.db);
    await sql`update audit_log set seq = 4 where seq = -1`.execute(storage.db);
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringMatching(/entry 3 does not link to entry 2/) });
  });

  it("`airlock audit verify` exits 1 and names the broken row; exits 0 on an intact trail", async () => {
    const { storage, url } = await openWithUrl();
    await fill(storage.db, 6);
    const env = { AIRLOCK_DATABASE_URL: url };
    const ok = runCli(["audit", "verify", "--json"], env);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, entries: 6 });
    await sql`delete from audit_log where seq = 2`.execute(storage.db);
    const broken = runCli(["audit", "verify"], env);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at entry 2: entry 2 is missing/);
    const exported = runCli(["audit", "export"], env);
    expect(exported.status).toBe(0);
    expect(exported.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 3, 4, 5, 6]);
  });

  it("retention pruning moves the anchor so the remaining chain still verifies", async () => {
    const storage = await fx.open();
    await fill(storage.db, 10, 1000);
    expect(await pruneAudit(storage.db, 1000 + 5)).toBe(4);
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: true, entries: 6, headSeq: 10 });
    await sql`delete from audit_log where seq = 5`.execute(storage.db);
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: false, brokenAt: 5 });
  });

  if (fx.dialect === "postgres") {
    it("10,000 concurrent appends from 8 writers form one valid chain", { timeout: 180_000 }, async () => {
      const { storage: base, url } = await openWithUrl();
      const writers = Array.from({ length: 8 }, () => openStorage(url, { poolSize: 1 }));
      extra.push(...writers);
      await Promise.all(
        writers.map(async (w, wi) => {
          for (let i = 0; i < 1250; i++) {
            await recordAudit(w.db, { actor: `agent:writer${wi}`, action: "chat:handle", target: `conversation:${wi}-${i}`, decision: "allow", sourceAddress: "10.0.0.1" });
          }
        }),
      );
      const result = await verifyAudit(base.db);
      expect(result).toMatchObject({ ok: true, entries: 10_000, headSeq: 10_000 });
      const perWriter = await sql<{ actor: string; n: number }>`select actor, count(*)::int as n from audit_log group by actor`.execute(base.db);
      expect(perWriter.rows.map((r) => r.n)).toEqual(Array(8).fill(1250));
    });
  }
});
