// The key vault's own schema. It holds nothing but wrapped data keys, in a database apart from
// the main one (ADR 0004), so deleting a key here also makes every copy of the main database
// that holds the key's ciphertext undecryptable.

export interface VaultDataKeyTable {
  /** The chat conversation whose messages this key encrypts (a row of the main database). */
  conversation_id: string;
  master_key_id: string;
  /** base64 of the data key sealed under the master key (XChaCha20-Poly1305). */
  wrapped_key: string;
  /** Epoch ms. */
  created_at: number;
  rewrapped_at: number | null;
}

export interface KeyVaultTables {
  vault_data_key: VaultDataKeyTable;
}
