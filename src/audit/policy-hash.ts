import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { appendAudit } from "./trail.js";

const KEY = "policy_hash";

/**
 * Records the effective policy's hash. When it differs from the last recorded one (first start,
 * a changed file, a reload), the new hash and a `policy.changed` audit entry commit together.
 */
export async function recordPolicyHash(db: Kysely<Database>, hash: string, actor: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const now = Date.now();
    // Replicas starting together on a fresh database: the row is made once (a concurrent insert
    // waits on the key, then does nothing), and only the update that changes the value records
    // the change (a concurrent one re-reads the committed value and updates nothing).
    await trx.insertInto("airlock_instance").values({ key: KEY, value: "", updated_at: now }).onConflict((oc) => oc.column("key").doNothing()).execute();
    const changed = await trx.updateTable("airlock_instance").set({ value: hash, updated_at: now }).where("key", "=", KEY).where("value", "!=", hash).executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) return false;
    await appendAudit(trx, { actor, action: "policy.changed", target: `policy:sha256:${hash}`, decision: "info", at: now });
    return true;
  });
}
