import type { FileHandle } from "node:fs/promises";
import sodium from "libsodium-wrappers";
import { CHUNK_TARGET_BYTES } from "./file-format.js";

type StateAddress = ReturnType<typeof sodium.crypto_secretstream_xchacha20poly1305_init_pull>;

/**
 * Seals a stream of records into XChaCha20-Poly1305 secretstream chunks and writes them after the
 * prelude. Records are buffered and a chunk always ends on a record boundary, so a reader can
 * parse each chunk on its own. `finish` seals the last chunk with the FINAL tag.
 */
export class EncryptedWriter {
  readonly #state: StateAddress;
  readonly #pending: Buffer[] = [];
  #pendingBytes = 0;
  #associatedData: Uint8Array | null;
  #finished = false;

  private constructor(
    private readonly file: FileHandle,
    state: StateAddress,
    associatedData: Uint8Array,
  ) {
    this.#state = state;
    this.#associatedData = associatedData;
  }

  /** Writes the prelude and the stream header; the prelude becomes the first chunk's associated data. */
  static async start(file: FileHandle, key: Uint8Array, prelude: Buffer): Promise<EncryptedWriter> {
    const { state, header } = sodium.crypto_secretstream_xchacha20poly1305_init_push(key);
    await file.write(prelude);
    await file.write(header);
    return new EncryptedWriter(file, state, prelude);
  }

  async write(record: string): Promise<void> {
    const bytes = Buffer.from(record + "\n", "utf8");
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.length;
    if (this.#pendingBytes >= CHUNK_TARGET_BYTES) await this.#flush(sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  }

  async finish(): Promise<void> {
    if (this.#finished) return;
    await this.#flush(sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL);
    this.#finished = true;
  }

  async #flush(tag: number): Promise<void> {
    const plain = Buffer.concat(this.#pending);
    this.#pending.length = 0;
    this.#pendingBytes = 0;
    const cipher = sodium.crypto_secretstream_xchacha20poly1305_push(this.#state, plain, this.#associatedData, tag);
    this.#associatedData = null;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(cipher.length);
    await this.file.write(length);
    await this.file.write(cipher);
    sodium.memzero(plain);
  }
}
