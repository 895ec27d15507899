import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";

/**
 * Spends a token's `jti` for its site: true the first time, false for a replay. The database's
 * primary key decides, so two server processes presenting the same token race safely and only
 * one wins. Rows of expired tokens are deleted on the way (a replay of those fails on `exp`).
 */
export async function spendTokenId(db: Kysely<Database>, siteId: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
  await db.deleteFrom("visitor_identity_token").where("expires_at", "<", now).execute();
  const jtiHash = createHash("sha256").update(jti).digest("hex");
  const result = await db
    .insertInto("visitor_identity_token")
    .values({ site_id: siteId, jti_hash: jtiHash, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(["site_id", "jti_hash"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}
