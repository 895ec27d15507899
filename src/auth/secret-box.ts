import { open, seal, sodiumReady } from "../crypto/aead.js";
import type { MasterKeyRing } from "./master-keys.js";

export interface SealedSecret {
  readonly keyId: string;
  /** base64 of nonce || ciphertext */
  readonly box: string;
}

/**
 * Encrypts small secrets (TOTP seeds) with XChaCha20-Poly1305 under the current master key.
 * The associated data binds a ciphertext to its purpose and row, so a box copied to another
 * agent's row does not decrypt.
 */
export class SecretBox {
  private constructor(private readonly keys: MasterKeyRing) {}

  static async create(keys: MasterKeyRing): Promise<SecretBox> {
    await sodiumReady();
    return new SecretBox(keys);
  }

  seal(plaintext: Uint8Array, associatedData: string): SealedSecret {
    const { id, key } = this.keys.current;
    const out = seal(key, plaintext, `${id}|${associatedData}`);
    return { keyId: id, box: Buffer.from(out).toString("base64") };
  }

  open(sealed: SealedSecret, associatedData: string): Uint8Array {
    const master = this.keys.byId(sealed.keyId);
    if (!master) throw new Error(`unknown master key id ${sealed.keyId}`);
    const bytes = new Uint8Array(Buffer.from(sealed.box, "base64"));
    return open(master.key, bytes, `${sealed.keyId}|${associatedData}`);
  }
}
