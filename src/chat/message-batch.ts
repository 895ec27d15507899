import { sql, type Kysely, type QueryCreator, type Transaction } from "kysely";
import { sealMessage } from "../crypto/message-box.js";
import { AirlockError } from "../errors.js";
import { agentNames } from "../auth/agent-names.js";
import type { DialectName, Storage } from "../storage/db.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import { toConversation, type Conversation } from "./conversations.js";
import type { ItemOutcome } from "./group-commit.js";
import { decryptMessage, isOpenForMessages, type AppendResult } from "./messages.js";
import { appendOptimistically, type ConversationPredictions } from "./optimistic-append.js";
import { participationOf } from "./participation.js";
import type { PendingSend } from "./pending-send.js";
import type { ChatMessageTable } from "./tables.js";


/**
 * Writes one group-commit batch and answers each send on its own. On PostgreSQL the batch first
 * takes the one-statement optimistic path (optimistic-append.ts); whatever it leaves — a
 * prediction that no longer held, a retry, a refusal to explain — goes through the locking
 * transaction below. A send the optimistic statement committed stays acknowledged even when the
 * locking transaction then fails: only that transaction's sends are told to send again.
 */
export async function writeMessageBatch(storage: Storage, keys: ConversationKeys, predictions: ConversationPredictions, sends: readonly PendingSend[], now: number, onFailure: (cause: unknown) => Error): Promise<ItemOutcome<AppendResult>[]> {
  const inTransaction = (batch: readonly PendingSend[]) => storage.db.transaction().execute((trx) => appendMessages(trx, storage.dialect, keys, batch, now));
  if (storage.dialect !== "postgres") return inTransaction(sends);
  const fast = await appendOptimistically(storage.db, keys, predictions, sends, now);
  const stored: ItemOutcome<AppendResult>[] = [...fast.stored.values()].map((value) => ({ ok: true, value }));
  await nameAgentSenders(storage.db, stored);
  const outcomes = new Map([...fast.stored.keys()].map((i, k) => [i, stored[k] as ItemOutcome<AppendResult>]));
  if (fast.rest.length > 0) {
    try {
      const locked = await inTransaction(fast.rest.map((i) => sends[i] as PendingSend));
      fast.rest.forEach((i, k) => outcomes.set(i, locked[k] ?? { ok: false, error: onFailure(new Error("the locking path gave no outcome")) }));
    } catch (cause) {
      for (const i of fast.rest) outcomes.set(i, { ok: false, error: onFailure(cause) });
    }
  }
  return sends.map((_, i) => outcomes.get(i) ?? { ok: false, error: onFailure(new Error("the batch writer gave no outcome")) });
}

/**
 * Stores a batch of sends in the caller's transaction with a fixed number of statements, however
 * many messages it carries: lock the conversations (FOR UPDATE on PostgreSQL, in id order so two
 * batches never wait on each other in a circle; SQLite has one writer), read the client ids
 * already stored, insert every new message, move each conversation's last_seq. Each send is
 * answered on its own, in arrival order: one that may not be stored (no such conversation, not a
 * participant, ended) is refused without touching the others; a retried client id — stored
 * earlier or earlier in this batch — is answered with the first copy and writes nothing.
 */
export async function appendMessages(trx: Transaction<Database>, dialect: DialectName, keys: ConversationKeys, sends: readonly PendingSend[], now: number): Promise<ItemOutcome<AppendResult>[]> {
  const conversationIds = [...new Set(sends.map((s) => s.conversationId))].sort();
  let lock = trx.selectFrom("chat_conversation").selectAll().where("id", "in", conversationIds).orderBy("id");
  if (dialect === "postgres") lock = lock.forUpdate();
  const conversations = new Map((await lock.execute()).map((row) => [row.id, toConversation(row)]));
  const stored = await trx
    .selectFrom("chat_message")
    .selectAll()
    .where("conversation_id", "in", conversationIds)
    .where("client_id", "in", [...new Set(sends.map((s) => s.clientId))])
    .execute();
  const firstCopies = new Map<string, AppendResult>();
  for (const row of stored) firstCopies.set(idemKey(row.conversation_id, row.client_id), { message: decryptMessage(await keys.keyFor(row.conversation_id), row), duplicate: true });

  const lastSeq = new Map([...conversations].map(([id, c]) => [id, c.lastSeq]));
  const rows: ChatMessageTable[] = [];
  const outcomes: ItemOutcome<AppendResult>[] = [];
  for (const send of sends) {
    const outcome = await answer(trx, send, conversations.get(send.conversationId), firstCopies.get(idemKey(send.conversationId, send.clientId)));
    if (outcome) {
      outcomes.push(outcome);
      continue;
    }
    const seq = (lastSeq.get(send.conversationId) ?? 0) + 1;
    lastSeq.set(send.conversationId, seq);
    const sender = send.actor.kind;
    const senderId = send.actor.kind === "agent" ? send.actor.agentId : null;
    const key = await keys.keyFor(send.conversationId);
    const body = sealMessage(key, { conversationId: send.conversationId, seq, sender, kind: "text" }, send.text);
    rows.push({ conversation_id: send.conversationId, seq, client_id: send.clientId, sender_kind: sender, sender_id: senderId, kind: "text", body, created_at: now });
    const known = send.actor.kind === "agent" && send.actor.name ? { senderName: send.actor.name } : {};
    const message = { conversationId: send.conversationId, seq, clientId: send.clientId, sender, senderId, kind: "text" as const, text: send.text, at: now, ...known };
    firstCopies.set(idemKey(send.conversationId, send.clientId), { message, duplicate: true });
    outcomes.push({ ok: true, value: { message, duplicate: false } });
  }
  if (rows.length === 0) return outcomes;
  await nameAgentSenders(trx, outcomes);

  // No ON CONFLICT: under the conversations' locks no other writer can have stored these client
  // ids, so a unique violation is a fault that fails the whole batch (nobody is acknowledged).
  const moved = [...new Set(rows.map((r) => r.conversation_id))];
  const newSeq = sql.join(
    moved.map((id) => sql`WHEN ${id} THEN CAST(${lastSeq.get(id)} AS BIGINT)`),
    sql` `,
  );
  const moveLastSeq = (db: QueryCreator<Database>) => db.updateTable("chat_conversation").set({ last_seq: sql<number>`CASE id ${newSeq} END` }).where("id", "in", moved);
  if (dialect === "postgres") {
    // One round trip instead of two: a data-modifying CTE runs the insert with the update, in
    // the same statement and snapshot (SQLite has no INSERT inside WITH).
    await moveLastSeq(trx.with("stored", (db) => db.insertInto("chat_message").values(rows))).execute();
  } else {
    await trx.insertInto("chat_message").values(rows).execute();
    await moveLastSeq(trx).execute();
  }
  return outcomes;
}

/**
 * Agents' messages carry the sender's display name: the connection's when it knows it, else one
 * lookup for the batch, not one per message.
 */
async function nameAgentSenders(trx: Kysely<Database> | Transaction<Database>, outcomes: ItemOutcome<AppendResult>[]): Promise<void> {
  const stored = (o: ItemOutcome<AppendResult>): o is { ok: true; value: AppendResult } => o.ok && !o.value.duplicate && o.value.message.senderName === undefined;
  const names = await agentNames(trx, outcomes.filter(stored).flatMap((o) => (o.value.message.senderId ? [o.value.message.senderId] : [])));
  if (names.size === 0) return;
  outcomes.forEach((o, i) => {
    const senderName = stored(o) && o.value.message.senderId ? names.get(o.value.message.senderId) : undefined;
    if (stored(o) && senderName) outcomes[i] = { ok: true, value: { ...o.value, message: { ...o.value.message, senderName } } };
  });
}

/** The answer for a send that writes nothing (a refusal or a retry), or undefined when it is to be stored. */
async function answer(trx: Transaction<Database>, send: PendingSend, c: Conversation | undefined, firstCopy: AppendResult | undefined): Promise<ItemOutcome<AppendResult> | undefined> {
  // The same checks, in the same order, as a single message under its conversation's lock.
  if (!c) return { ok: false, error: new AirlockError("not_found", "no such conversation") };
  if (!(await participationOf(trx, send.actor, c))) {
    const error = send.actor.kind === "visitor" ? new AirlockError("not_found", "no such conversation") : new AirlockError("forbidden", "the conversation is not assigned to you");
    return { ok: false, error };
  }
  if (firstCopy) return { ok: true, value: firstCopy };
  if (!isOpenForMessages(c.state)) return { ok: false, error: new AirlockError("conflict", "the conversation has ended") };
  return undefined;
}

function idemKey(conversationId: string, clientId: string): string {
  return `${conversationId}\u0000${clientId}`;
}
