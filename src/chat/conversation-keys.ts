import type { Kysely, Transaction } from "kysely";
import type { MasterKeyRing } from "../auth/master-keys.js";
import { sodiumReady, wipe } from "../crypto/aead.js";
import { newDataKey, unwrapDataKey, wrapDataKey } from "../crypto/data-keys.js";
import { AirlockError } from "../errors.js";
import type { Database } from "../storage/schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Hands out each conversation's data key. Keys are created with their conversation, stored only
 * wrapped, and kept unwrapped in a bounded in-memory cache so a busy chat is not unwrapped per
 * message. Erasure must call `forget` (the row is gone, the cached copy must go too).
 */
export class ConversationKeys {
  readonly #cache = new Map<string, Uint8Array>();

  private constructor(
    readonly ring: MasterKeyRing,
    private readonly maxCached: number,
  ) {}

  static async create(ring: MasterKeyRing, maxCached = 10_000): Promise<ConversationKeys> {
    await sodiumReady();
    return new ConversationKeys(ring, maxCached);
  }

  /** Creates and stores the data key of a new conversation (inside the caller's transaction). */
  async createFor(db: Db, conversationId: string, now: number): Promise<Uint8Array> {
    const key = newDataKey();
    const wrapped = wrapDataKey(this.ring, conversationId, key);
    await db
      .insertInto("chat_data_key")
      .values({ conversation_id: conversationId, master_key_id: wrapped.masterKeyId, wrapped_key: wrapped.wrapped, created_at: now, rewrapped_at: null })
      .execute();
    this.#remember(conversationId, key);
    return key;
  }

  /** The conversation's data key; `not_found` when it has been erased (or never existed). */
  async keyFor(db: Db, conversationId: string): Promise<Uint8Array> {
    const cached = this.#cache.get(conversationId);
    if (cached) {
      // refresh recency: Map iteration order is insertion order, so re-insert
      this.#cache.delete(conversationId);
      this.#cache.set(conversationId, cached);
      return cached;
    }
    const row = await db
      .selectFrom("chat_data_key")
      .select(["master_key_id", "wrapped_key"])
      .where("conversation_id", "=", conversationId)
      .executeTakeFirst();
    if (!row) throw new AirlockError("not_found", "no such conversation, or its content has been erased");
    const key = unwrapDataKey(this.ring, conversationId, { masterKeyId: row.master_key_id, wrapped: row.wrapped_key });
    this.#remember(conversationId, key);
    return key;
  }

  forget(conversationId: string): void {
    const key = this.#cache.get(conversationId);
    if (key) wipe(key);
    this.#cache.delete(conversationId);
  }

  #remember(conversationId: string, key: Uint8Array): void {
    this.#cache.set(conversationId, key);
    if (this.#cache.size > this.maxCached) {
      const oldest = this.#cache.keys().next().value;
      // not wiped: a caller may still be using it; only erasure wipes (see forget)
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }
}
