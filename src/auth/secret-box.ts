import sodium from "libsodium-wrappers";
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
    await sodium.ready;
    return new SecretBox(keys);
  }

  seal(plaintext: Uint8Array, associatedData: string): SealedSecret {
    const { id, key } = this.keys.current;
    const nonce = sodium.randombytes_buf(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    const cipher = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, `${id}|${associatedData}`, null, nonce, key);
    const out = new Uint8Array(nonce.length + cipher.length);
    out.set(nonce);
    out.set(cipher, nonce.length);
    return { keyId: id, box: Buffer.from(out).toString("base64") };
  }

  open(sealed: SealedSecret, associatedData: string): Uint8Array {
    const master = this.keys.byId(sealed.keyId);
    if (!master) throw new Error(`unknown master key id ${sealed.keyId}`);
    const bytes = new Uint8Array(Buffer.from(sealed.box, "base64"));
    const n = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, bytes.subarray(n), `${sealed.keyId}|${associatedData}`, bytes.subarray(0, n), master.key);
  }
}
