import type { FileHandle } from "node:fs/promises";
import sodium from "libsodium-wrappers";
import { BackupError } from "./errors.js";
import { CHUNK_MAX_BYTES } from "./file-format.js";

type StateAddress = ReturnType<typeof sodium.crypto_secretstream_xchacha20poly1305_init_pull>;
interface MessageTag {
  readonly message: Uint8Array;
  readonly tag: number;
}

/**
 * Opens the secretstream chunks of a backup file one by one. Every chunk is authenticated before
 * any of its bytes are returned; a chunk out of order, a changed byte, a stream that ends before
 * its FINAL chunk or bytes after it all throw, naming the chunk.
 */
export async function* decryptChunks(file: FileHandle, offset: number, key: Uint8Array, prelude: Buffer): AsyncGenerator<Buffer> {
  let position = offset;
  const header = await readExactly(file, position, sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES);
  if (!header) throw new BackupError("backup_truncated", "the backup ends inside the stream header");
  position += header.length;
  let state: StateAddress;
  try {
    state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
  } catch (cause) {
    throw new BackupError("backup_corrupt", "the stream header is invalid", { cause });
  }
  let associatedData: Uint8Array | null = prelude;
  for (let index = 1; ; index++) {
    const lengthBytes = await readExactly(file, position, 4);
    if (!lengthBytes) throw new BackupError("backup_truncated", `the backup ends before its final chunk (after chunk ${index - 1})`);
    const length = lengthBytes.readUInt32BE(0);
    if (length < sodium.crypto_secretstream_xchacha20poly1305_ABYTES || length > CHUNK_MAX_BYTES) {
      throw new BackupError("backup_corrupt", `chunk ${index} has an impossible length (${length} bytes)`);
    }
    const cipher = await readExactly(file, position + 4, length);
    if (!cipher) throw new BackupError("backup_truncated", `the backup ends inside chunk ${index}`);
    position += 4 + length;
    const opened = pull(state, cipher, associatedData, index);
    associatedData = null;
    yield Buffer.from(opened.message);
    if (opened.tag === sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      const after = await file.read(Buffer.alloc(1), 0, 1, position);
      if (after.bytesRead > 0) throw new BackupError("backup_corrupt", `bytes follow the final chunk (${index})`);
      return;
    }
    if (opened.tag !== sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
      throw new BackupError("backup_corrupt", `chunk ${index} has an unexpected tag`);
    }
  }
}

function pull(state: StateAddress, cipher: Buffer, associatedData: Uint8Array | null, index: number): MessageTag {
  let opened: MessageTag | false;
  try {
    // libsodium-wrappers returns false (or throws) when a chunk does not authenticate.
    opened = sodium.crypto_secretstream_xchacha20poly1305_pull(state, cipher, associatedData);
  } catch (cause) {
    throw new BackupError("backup_corrupt", `chunk ${index} does not authenticate: the file was changed, or the key is wrong`, { cause });
  }
  if (!opened) throw new BackupError("backup_corrupt", `chunk ${index} does not authenticate: the file was changed, or the key is wrong`);
  return opened;
}

async function readExactly(file: FileHandle, position: number, length: number): Promise<Buffer | undefined> {
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const { bytesRead } = await file.read(buffer, read, length - read, position + read);
    if (bytesRead === 0) return undefined;
    read += bytesRead;
  }
  return buffer;
}
