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
    const row = await trx.selectFrom("airlock_instance").select("value").where("key", "=", KEY).executeTakeFirst();
    if (row?.value === hash) return false;
    const now = Date.now();
    if (row) await trx.updateTable("airlock_instance").set({ value: hash, updated_at: now }).where("key", "=", KEY).execute();
    else await trx.insertInto("airlock_instance").values({ key: KEY, value: hash, updated_at: now }).execute();
    await appendAudit(trx, { actor, action: "policy.changed", target: `policy:sha256:${hash}`, decision: "info", at: now });
    return true;
  });
}
