import type { MasterKeyRing } from "../auth/master-keys.js";
import { sodiumReady, wipe } from "../crypto/aead.js";
import { newDataKey, unwrapDataKey, wrapDataKey } from "../crypto/data-keys.js";
import type { KeyVault } from "../crypto/vault/key-vault.js";
import { AirlockError } from "../errors.js";

/**
 * Hands out each conversation's data key. Keys are created with their conversation and stored
 * only wrapped, in the key vault (never in the main database), and kept unwrapped in a bounded
 * in-memory cache so a busy chat is not unwrapped per message. `shred` is the one way to
 * destroy them: from the vault first, then from the cache.
 */
export class ConversationKeys {
  readonly #cache = new Map<string, Uint8Array>();

  private constructor(
    readonly ring: MasterKeyRing,
    readonly vault: KeyVault,
    private readonly maxCached: number,
  ) {}

  static async create(ring: MasterKeyRing, vault: KeyVault, maxCached = 10_000): Promise<ConversationKeys> {
    await sodiumReady();
    return new ConversationKeys(ring, vault, maxCached);
  }

  /**
   * Creates and stores the data key of a new conversation. The vault commits on its own: if the
   * caller's transaction then rolls back, the key is an orphan without ciphertext, which the
   * retention job sweeps (`sweepOrphanKeys`).
   */
  async createFor(conversationId: string, now: number): Promise<Uint8Array> {
    const key = newDataKey();
    await this.vault.put(conversationId, wrapDataKey(this.ring, conversationId, key), now);
    this.#remember(conversationId, key);
    return key;
  }

  /** The conversation's data key; `not_found` when it has been erased (or never existed). */
  async keyFor(conversationId: string): Promise<Uint8Array> {
    const cached = this.#cache.get(conversationId);
    if (cached) {
      // refresh recency: Map iteration order is insertion order, so re-insert
      this.#cache.delete(conversationId);
      this.#cache.set(conversationId, cached);
      return cached;
    }
    const wrapped = await this.vault.get(conversationId);
    if (!wrapped) throw new AirlockError("not_found", "no such conversation, or its content has been erased");
    const key = unwrapDataKey(this.ring, conversationId, wrapped);
    this.#remember(conversationId, key);
    return key;
  }

  /** Crypto-shredding: deletes the keys from the vault (committed) and wipes cached copies. */
  async shred(conversationIds: readonly string[]): Promise<number> {
    const deleted = await this.vault.shred(conversationIds);
    for (const id of conversationIds) this.forget(id);
    return deleted;
  }

  /** Drops the cached copy only (tests and rotation checks read the vault again). */
  forget(conversationId: string): void {
    const key = this.#cache.get(conversationId);
    if (key) wipe(key);
    this.#cache.delete(conversationId);
  }

  #remember(conversationId: string, key: Uint8Array): void {
    this.#cache.set(conversationId, key);
    if (this.#cache.size > this.maxCached) {
      const oldest = this.#cache.keys().next().value;
      // not wiped: a caller may still be using it; only shredding wipes (see forget)
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }
}
