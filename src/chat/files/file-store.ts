import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { openFileContent, openFileName, sealFileContent, sealFileName } from "../../crypto/file-box.js";
import type { Database } from "../../storage/schema.js";
import type { ConversationKeys } from "../conversation-keys.js";
import type { FileState } from "../tables.js";
import type { AttachmentType } from "./file-types.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface NewFile {
  readonly conversationId: string;
  readonly sender: "visitor" | "agent";
  readonly senderId: string | null;
  readonly name: string;
  readonly type: AttachmentType;
  readonly bytes: Uint8Array;
  readonly state: FileState;
  readonly signature?: string;
}

/** A stored attachment's metadata (name decrypted); its bytes are read apart (readFileBytes). */
export interface StoredFile {
  readonly id: string;
  readonly conversationId: string;
  readonly sender: "visitor" | "agent";
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly state: FileState;
}

/** Stores a file's name and bytes encrypted under its conversation's data key, in the caller's transaction. */
export async function insertFile(trx: Transaction<Database>, keys: ConversationKeys, f: NewFile, now: number): Promise<string> {
  const id = randomUUID();
  const key = await keys.keyFor(f.conversationId);
  const at = { conversationId: f.conversationId, fileId: id, mediaType: f.type, size: f.bytes.length };
  await trx
    .insertInto("chat_file")
    .values({
      id,
      conversation_id: f.conversationId,
      sender_kind: f.sender,
      sender_id: f.senderId,
      media_type: f.type,
      size: f.bytes.length,
      state: f.state,
      signature: f.signature ?? null,
      name: sealFileName(key, at, f.name),
      content: sealFileContent(key, at, f.bytes),
      created_at: now,
    })
    .execute();
  return id;
}

export async function countFiles(db: Db, conversationId: string): Promise<number> {
  const row = await db.selectFrom("chat_file").select((eb) => eb.fn.countAll<string | number>().as("n")).where("conversation_id", "=", conversationId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A file's metadata, or undefined when there is no such file in that conversation. */
export async function findFile(db: Db, keys: ConversationKeys, fileId: string, conversationId?: string): Promise<StoredFile | undefined> {
  let q = db.selectFrom("chat_file").select(["id", "conversation_id", "sender_kind", "media_type", "size", "state", "name"]).where("id", "=", fileId);
  if (conversationId !== undefined) q = q.where("conversation_id", "=", conversationId);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const key = await keys.keyFor(row.conversation_id);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    sender: row.sender_kind,
    name: openFileName(key, { conversationId: row.conversation_id, fileId: row.id }, row.name),
    type: row.media_type,
    size: Number(row.size),
    state: row.state,
  };
}

/** The decrypted bytes of a clean file; undefined for a quarantined one (never served) or none. */
export async function readFileBytes(db: Db, keys: ConversationKeys, file: StoredFile): Promise<Uint8Array | undefined> {
  if (file.state !== "clean") return undefined;
  const row = await db.selectFrom("chat_file").select("content").where("id", "=", file.id).executeTakeFirst();
  if (!row) return undefined;
  const key = await keys.keyFor(file.conversationId);
  return openFileContent(key, { conversationId: file.conversationId, fileId: file.id, mediaType: file.type, size: file.size }, row.content);
}
