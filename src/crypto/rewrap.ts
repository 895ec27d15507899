import type { MasterKeyRing } from "../auth/master-keys.js";
import { rewrapDataKey } from "./data-keys.js";
import type { KeyVault } from "./vault/key-vault.js";

/**
 * Re-wraps every data key in the vault that is not under the ring's current master key, in small
 * transactions so the service keeps running: each row is updated only if it still holds the wrap
 * that was read (a concurrent erase or rewrap wins). The data keys themselves, and so all
 * ciphertext in the main database, are unchanged.
 */
export async function rewrapDataKeys(vault: KeyVault, ring: MasterKeyRing, now: number, batch = 200): Promise<number> {
  const current = ring.current.id;
  let moved = 0;
  let after = "";
  for (;;) {
    const rows = await vault.db
      .selectFrom("vault_data_key")
      .select(["conversation_id", "master_key_id", "wrapped_key"])
      .where("master_key_id", "!=", current)
      .where("conversation_id", ">", after)
      .orderBy("conversation_id")
      .limit(batch)
      .execute();
    if (rows.length === 0) return moved;
    await vault.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        const next = rewrapDataKey(ring, row.conversation_id, { masterKeyId: row.master_key_id, wrapped: row.wrapped_key });
        const r = await trx
          .updateTable("vault_data_key")
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
