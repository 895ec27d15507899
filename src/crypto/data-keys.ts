import type { MasterKeyRing } from "../auth/master-keys.js";
import { open, randomKey, seal } from "./aead.js";

/** A conversation's data key as stored: encrypted under one master key, named by its id. */
export interface WrappedDataKey {
  readonly masterKeyId: string;
  /** base64 of nonce || ciphertext */
  readonly wrapped: string;
}

// The associated data names the conversation and the master key, so a wrapped key copied to
// another conversation's row (or relabelled with another key id) does not unwrap.
function wrapAd(conversationId: string, masterKeyId: string): string {
  return `airlock/data-key/v1|${conversationId}|${masterKeyId}`;
}

export function newDataKey(): Uint8Array {
  return randomKey();
}

export function wrapDataKey(ring: MasterKeyRing, conversationId: string, dataKey: Uint8Array): WrappedDataKey {
  const master = ring.current;
  const box = seal(master.key, dataKey, wrapAd(conversationId, master.id));
  return { masterKeyId: master.id, wrapped: Buffer.from(box).toString("base64") };
}

/** Throws UnknownMasterKeyError when the key id is not in the ring, DecryptError when it does not authenticate. */
export function unwrapDataKey(ring: MasterKeyRing, conversationId: string, stored: WrappedDataKey): Uint8Array {
  const master = ring.byId(stored.masterKeyId);
  if (!master) throw new UnknownMasterKeyError(stored.masterKeyId);
  return open(master.key, new Uint8Array(Buffer.from(stored.wrapped, "base64")), wrapAd(conversationId, master.id));
}

/** Re-encrypts a data key under the ring's current master key (rotation); the data key itself is unchanged. */
export function rewrapDataKey(ring: MasterKeyRing, conversationId: string, stored: WrappedDataKey): WrappedDataKey {
  return wrapDataKey(ring, conversationId, unwrapDataKey(ring, conversationId, stored));
}

export class UnknownMasterKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`master key ${keyId} is not in the key ring`);
    this.name = "UnknownMasterKeyError";
  }
}
