import { sql, type Kysely, type Transaction } from "kysely";
import { openMessage, sealMessage } from "../crypto/message-box.js";
import { AirlockError } from "../errors.js";
import type { DialectName } from "../storage/db.js";
import type { Database } from "../storage/schema.js";
import { agentNames } from "../auth/agent-names.js";
import type { ConversationKeys } from "./conversation-keys.js";
import type { ChatMessageTable, MessageKind, SenderKind } from "./tables.js";

/** A message as delivered to a client: decrypted, with its place in the conversation. */
export interface ChatMessage {
  readonly conversationId: string;
  readonly seq: number;
  readonly clientId: string;
  readonly sender: SenderKind;
  readonly senderId: string | null;
  /** The agent's display name for agent messages (from the agent table; not stored with the message). */
  readonly senderName?: string;
  readonly kind: MessageKind;
  readonly text: string;
  readonly at: number;
}

export interface NewMessage {
  readonly conversationId: string;
  /** The sender's idempotency key (a retry carries the same one). */
  readonly clientId: string;
  readonly sender: SenderKind;
  readonly senderId: string | null;
  readonly kind: MessageKind;
  /** Already cleaned (cleanMessageText). */
  readonly text: string;
}

export interface AppendResult {
  readonly message: ChatMessage;
  /** True when this client id was already stored: the first copy is returned, nothing is written. */
  readonly duplicate: boolean;
}

/** States in which a conversation accepts new messages. */
export const OPEN_STATES = ["queued", "active", "offline"] as const;

export function isOpenForMessages(state: string): boolean {
  return (OPEN_STATES as readonly string[]).includes(state);
}

/**
 * Stores one message with the next sequence number of its conversation, in the caller's
 * transaction. The conversation row is locked first (FOR UPDATE on PostgreSQL; SQLite has one
 * writer), so sequence numbers have no gaps or duplicates, and a retried client id returns the
 * first copy. Callers acknowledge to the sender only after their transaction has committed.
 */
/** Whether a message with this client id is already stored (a retry, answered from its first copy). */
export async function isStored(db: Kysely<Database>, conversationId: string, clientId: string): Promise<boolean> {
  const row = await db.selectFrom("chat_message").select("seq").where("conversation_id", "=", conversationId).where("client_id", "=", clientId).executeTakeFirst();
  return row !== undefined;
}

export async function appendMessage(
  trx: Transaction<Database>,
  dialect: DialectName,
  keys: ConversationKeys,
  m: NewMessage,
  now: number,
  locked?: { readonly lastSeq: number; readonly state: string },
): Promise<AppendResult> {
  const conversation = locked ?? (await lockForAppend(trx, dialect, m.conversationId));
  if (!isOpenForMessages(conversation.state)) {
    const existing = await findByClientId(trx, m);
    if (existing) return { message: decryptMessage(await keys.keyFor(m.conversationId), existing), duplicate: true };
    throw new AirlockError("conflict", "the conversation has ended");
  }
  const key = await keys.keyFor(m.conversationId);
  const seq = conversation.lastSeq + 1;
  const body = sealMessage(key, { conversationId: m.conversationId, seq, sender: m.sender, kind: m.kind }, m.text);
  // The unique (conversation, client id) constraint is the idempotency check: a retried id
  // inserts nothing, and the first copy is returned instead.
  const inserted = await trx
    .insertInto("chat_message")
    .values({ conversation_id: m.conversationId, seq, client_id: m.clientId, sender_kind: m.sender, sender_id: m.senderId, kind: m.kind, body, created_at: now })
    .onConflict((oc) => oc.columns(["conversation_id", "client_id"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
    const existing = await findByClientId(trx, m);
    if (!existing) throw new AirlockError("conflict", "message could not be stored; retry");
    return { message: decryptMessage(key, existing), duplicate: true };
  }
  await trx.updateTable("chat_conversation").set({ last_seq: seq }).where("id", "=", m.conversationId).execute();
  return {
    message: { conversationId: m.conversationId, seq, clientId: m.clientId, sender: m.sender, senderId: m.senderId, kind: m.kind, text: m.text, at: now },
    duplicate: false,
  };
}

async function lockForAppend(trx: Transaction<Database>, dialect: DialectName, conversationId: string): Promise<{ lastSeq: number; state: string }> {
  let lock = trx.selectFrom("chat_conversation").select(["last_seq", "state"]).where("id", "=", conversationId);
  if (dialect === "postgres") lock = lock.forUpdate();
  const row = await lock.executeTakeFirst();
  if (!row) throw new AirlockError("not_found", "no such conversation");
  return { lastSeq: Number(row.last_seq), state: row.state };
}

function findByClientId(trx: Transaction<Database>, m: NewMessage): Promise<MessageRow | undefined> {
  return trx.selectFrom("chat_message").selectAll().where("conversation_id", "=", m.conversationId).where("client_id", "=", m.clientId).executeTakeFirst();
}

/** Who reads: visitors never see agent-only notes. */
export type Audience = "visitor" | "agent";

/** Messages after `afterSeq`, in order (resume after a reconnect, or a full transcript with 0). */
export async function messagesAfter(
  db: Kysely<Database> | Transaction<Database>,
  keys: ConversationKeys,
  conversationId: string,
  afterSeq: number,
  audience: Audience,
  limit = 500,
): Promise<ChatMessage[]> {
  let query = db
    .selectFrom("chat_message")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .limit(limit);
  if (audience === "visitor") query = query.where("kind", "!=", sql.lit("note"));
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const key = await keys.keyFor(conversationId);
  const names = await agentNames(db, rows.flatMap((r) => (r.sender_id ? [r.sender_id] : [])));
  return rows.map((row) => withName(decryptMessage(key, row), names));
}

function withName(m: ChatMessage, names: ReadonlyMap<string, string>): ChatMessage {
  const senderName = m.senderId ? names.get(m.senderId) : undefined;
  return senderName === undefined ? m : { ...m, senderName };
}

/** A stored message row, as declared for the chat_message table. */
type MessageRow = ChatMessageTable;

export function decryptMessage(key: Uint8Array, row: MessageRow): ChatMessage {
  const seq = Number(row.seq);
  const text = openMessage(key, { conversationId: row.conversation_id, seq, sender: row.sender_kind, kind: row.kind }, row.body);
  return {
    conversationId: row.conversation_id,
    seq,
    clientId: row.client_id,
    sender: row.sender_kind,
    senderId: row.sender_id,
    kind: row.kind,
    text,
    at: Number(row.created_at),
  };
}
