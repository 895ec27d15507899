import type { Kysely } from "kysely";
import type { MasterKeyRing } from "../auth/master-keys.js";
import type { Database } from "../storage/schema.js";
import { rewrapDataKey } from "./data-keys.js";

/** Data keys per master key id: what rotation still has to move. */
export async function dataKeysByMasterKey(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db.selectFrom("chat_data_key").select((eb) => ["master_key_id", eb.fn.countAll<number>().as("n")]).groupBy("master_key_id").execute();
  return Object.fromEntries(rows.map((r) => [r.master_key_id, Number(r.n)]));
}

/**
 * Re-wraps every data key not under the ring's current master key, in small transactions so the
 * service keeps running: each row is updated only if it still holds the wrap that was read (a
 * concurrent erase or rewrap wins). The data keys themselves, and so all ciphertext, are unchanged.
 */
export async function rewrapDataKeys(db: Kysely<Database>, ring: MasterKeyRing, now: number, batch = 200): Promise<number> {
  const current = ring.current.id;
  let moved = 0;
  let after = "";
  for (;;) {
    const rows = await db
      .selectFrom("chat_data_key")
      .select(["conversation_id", "master_key_id", "wrapped_key"])
      .where("master_key_id", "!=", current)
      .where("conversation_id", ">", after)
      .orderBy("conversation_id")
      .limit(batch)
      .execute();
    if (rows.length === 0) return moved;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const next = rewrapDataKey(ring, row.conversation_id, { masterKeyId: row.master_key_id, wrapped: row.wrapped_key });
        const r = await trx
          .updateTable("chat_data_key")
          .set({ master_key_id: next.masterKeyId, wrapped_key: next.wrapped, rewrapped_at: now })
          .where("conversation_id", "=", row.conversation_id)
          .where("wrapped_key", "=", row.wrapped_key)
          .executeTakeFirst();
        moved += Number(r.numUpdatedRows);
      }
    });
    after = rows[rows.length - 1]?.conversation_id ?? after;
  }
}
