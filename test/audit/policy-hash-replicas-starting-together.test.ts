import { expect, it } from "vitest";
import { recordPolicyHash } from "../../src/audit/policy-hash.js";
import { verifyAudit } from "../../src/audit/trail.js";
import { openStorage } from "../../src/storage/db.js";
import { migrateUp } from "../../src/storage/migrate.js";
import { describeEachDialect } from "../helpers/dialects.js";

// Replicas starting at the same moment on a fresh database each record the policy hash at start.
// Both must start (one used to fail on the instance row's key: both saw no row and inserted one),
// and each change is audited once. Replicas need PostgreSQL; SQLite has one process writing.

describeEachDialect("policy hash recorded by replicas starting together", (fx) => {
  it.skipIf(fx.dialect === "sqlite")("both record it without a key violation, and each change is audited once", async () => {
    const url = await fx.freshUrl();
    const [a, b] = [openStorage(url), openStorage(url)];
    try {
      await migrateUp(a);
      // A fresh instance row each round: the race is between two first starts.
      for (let round = 0; round < 20; round++) {
        await a.db.deleteFrom("airlock_instance").where("key", "=", "policy_hash").execute();
        const started = await Promise.allSettled([recordPolicyHash(a.db, `h${round}`, "system"), recordPolicyHash(b.db, `h${round}`, "system")]);
        expect(started.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
        expect(started.map((r) => (r.status === "fulfilled" ? r.value : undefined)).sort()).toEqual([false, true]);
      }
      const changes = await a.db.selectFrom("audit_log").select("target").where("action", "=", "policy.changed").orderBy("seq").execute();
      expect(changes.map((c) => c.target)).toEqual(Array.from({ length: 20 }, (_, round) => `policy:sha256:h${round}`));
      expect((await verifyAudit(a.db)).ok).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
