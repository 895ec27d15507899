import { randomFillSync } from "node:crypto";
import sodium from "libsodium-wrappers";

// XChaCha20-Poly1305 (IETF) through libsodium. A 24-byte random nonce per message is safe
// for any number of messages under one key, so nonces need no coordination between replicas.

export const KEY_BYTES = 32;

let ready: Promise<void> | undefined;

/** libsodium initialises asynchronously once per process; every entry point awaits this first. */
export function sodiumReady(): Promise<void> {
  ready ??= sodium.ready;
  return ready;
}

export function randomKey(): Uint8Array {
  return sodium.crypto_aead_xchacha20poly1305_ietf_keygen();
}

/** Returns nonce || ciphertext+tag. The associated data is authenticated, not stored. */
export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: string): Uint8Array {
  // The nonce comes from Node's CSPRNG (OpenSSL) in one call; libsodium.js's randombytes_buf asks
  // WebCrypto for four bytes at a time, which cost more than the encryption of a chat message.
  const nonce = randomFillSync(new Uint8Array(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES));
  const cipher = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData, null, nonce, key);
  const out = new Uint8Array(nonce.length + cipher.length);
  out.set(nonce);
  out.set(cipher, nonce.length);
  return out;
}

/** Throws DecryptError when the key, the associated data or any byte of the box is wrong. */
export function open(key: Uint8Array, box: Uint8Array, associatedData: string): Uint8Array {
  const n = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (box.length < n + sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES) throw new DecryptError();
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, box.subarray(n), associatedData, box.subarray(0, n), key);
  } catch (cause) {
    throw new DecryptError(cause);
  }
}

/** Deliberately says nothing about the input: it may be attacker-chosen. */
export class DecryptError extends Error {
  constructor(cause?: unknown) {
    super("ciphertext could not be authenticated", { cause });
    this.name = "DecryptError";
  }
}

/** Overwrites key material that is no longer needed (best effort in a garbage-collected runtime). */
export function wipe(bytes: Uint8Array): void {
  sodium.memzero(bytes);
}
