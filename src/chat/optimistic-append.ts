import { sql, type Kysely } from "kysely";
import { sealMessage } from "../crypto/message-box.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import { toConversation, type Conversation } from "./conversations.js";
import type { PendingSend } from "./pending-send.js";
import { isOpenForMessages, OPEN_STATES, type AppendResult } from "./messages.js";

/**
 * What this process last saw of conversations it writes to: a prediction of each one's last_seq,
 * state and handler, never the authority. The optimistic write below checks every predicted value
 * against the row itself; a stale prediction only sends its messages down the locking path.
 */
export class ConversationPredictions {
  readonly #rows = new Map<string, Conversation>();

  constructor(private readonly limit = 10_000) {}

  get(id: string): Conversation | undefined {
    return this.#rows.get(id);
  }

  remember(c: Conversation): void {
    this.#rows.delete(c.id);
    this.#rows.set(c.id, c);
    // Map keeps insertion order: the first key is the one written longest ago.
    if (this.#rows.size > this.limit) this.#rows.delete(this.#rows.keys().next().value as string);
  }

  forget(id: string): void {
    this.#rows.delete(id);
  }

  missing(ids: Iterable<string>): string[] {
    return [...ids].filter((id) => !this.#rows.has(id));
  }
}

/** The sends this path stored (by index into the batch) and those it leaves to the locking path. */
export interface OptimisticOutcome {
  readonly stored: Map<number, AppendResult>;
  readonly rest: number[];
}

/**
 * PostgreSQL's fast path for a batch of sends: one statement, committed on its own, instead of a
 * transaction of five round trips (BEGIN, lock, retry lookup, insert, COMMIT). Each round trip
 * costs the server process and Airlock more than the rows themselves, so at chat rates the
 * round trips, not the disk, set the pace.
 *
 * A conversation takes this path when its predicted row says every send of the batch may be
 * stored: the visitor of that conversation (site and visit never change), or the agent it is
 * assigned to, while it is open, with no client id twice. Sequence numbers follow the predicted
 * last_seq; the statement moves last_seq only where the row still has the predicted last_seq,
 * state and handler (the row lock and PostgreSQL's re-check of the condition after a concurrent
 * commit make this safe across server processes), and inserts the messages of exactly the
 * conversations it moved. A conversation it did not move, and every send of a retried client id
 * (the unique constraint rejects the whole statement), go to the locking path, which answers
 * them as before. Nothing is acknowledged before the statement has committed.
 */
export async function appendOptimistically(db: Kysely<Database>, keys: ConversationKeys, predictions: ConversationPredictions, sends: readonly PendingSend[], now: number): Promise<OptimisticOutcome> {
  const ids = new Set(sends.map((s) => s.conversationId));
  const unknown = predictions.missing(ids);
  if (unknown.length > 0) {
    const rows = await db.selectFrom("chat_conversation").selectAll().where("id", "in", unknown).execute();
    for (const row of rows) predictions.remember(toConversation(row));
  }

  const eligible = new Set([...ids].filter((id) => mayTakeFastPath(predictions.get(id), sends.filter((s) => s.conversationId === id))));
  const rest: number[] = [];
  const planned: { index: number; result: AppendResult; row: MessageRow }[] = [];
  const moves = new Map<string, Move>();
  for (const [index, send] of sends.entries()) {
    const c = predictions.get(send.conversationId);
    if (!c || !eligible.has(send.conversationId)) {
      rest.push(index);
      continue;
    }
    const move = moves.get(c.id) ?? { predicted: c, newSeq: c.lastSeq, handler: null };
    const seq = ++move.newSeq;
    if (send.actor.kind === "agent") move.handler = c.assignedAgentId;
    moves.set(c.id, move);
    const sender = send.actor.kind;
    const senderId = send.actor.kind === "agent" ? send.actor.agentId : null;
    const body = sealMessage(await keys.keyFor(c.id), { conversationId: c.id, seq, sender, kind: "text" }, send.text);
    const known = send.actor.kind === "agent" && send.actor.name ? { senderName: send.actor.name } : {};
    const message = { conversationId: c.id, seq, clientId: send.clientId, sender, senderId, kind: "text" as const, text: send.text, at: now, ...known };
    planned.push({ index, result: { message, duplicate: false }, row: { conversationId: c.id, seq, clientId: send.clientId, sender, senderId, body } });
  }

  let moved = new Set<string>();
  if (planned.length > 0) {
    try {
      moved = await moveAndInsert(db, [...moves.values()], planned.map((p) => p.row), now);
    } catch (err) {
      // A retried client id: the statement stored nothing; the locking path finds the first copy.
      if (!isUniqueViolation(err)) throw err;
    }
  }
  const stored = new Map<number, AppendResult>();
  for (const p of planned) {
    if (moved.has(p.result.message.conversationId)) stored.set(p.index, p.result);
    else rest.push(p.index);
  }
  for (const [id, move] of moves) if (moved.has(id)) predictions.remember({ ...move.predicted, lastSeq: move.newSeq });
  // What the locking path writes moves the row: read it afresh next time.
  for (const i of rest) predictions.forget((sends[i] as PendingSend).conversationId);
  return { stored, rest: rest.sort((a, b) => a - b) };
}

/** One conversation's part of the statement: its predicted row, the last_seq it moves to, the handler its agent sends need. */
interface Move {
  readonly predicted: Conversation;
  newSeq: number;
  handler: string | null;
}

interface MessageRow {
  readonly conversationId: string;
  readonly seq: number;
  readonly clientId: string;
  readonly sender: "visitor" | "agent";
  readonly senderId: string | null;
  readonly body: string;
}

function mayTakeFastPath(c: Conversation | undefined, sends: readonly PendingSend[]): boolean {
  if (!c || !isOpenForMessages(c.state)) return false;
  const clientIds = new Set(sends.map((s) => s.clientId));
  if (clientIds.size !== sends.length) return false;
  return sends.every((s) => (s.actor.kind === "visitor" ? s.actor.siteId === c.siteId && s.actor.visitorId === c.visitorId : c.assignedAgentId !== null && s.actor.agentId === c.assignedAgentId));
}

/**
 * The one statement: move last_seq where the row still is as predicted, insert the messages of
 * the conversations moved. Arrays keep the statement's text the same for every batch size.
 */
async function moveAndInsert(db: Kysely<Database>, moves: readonly Move[], rows: readonly MessageRow[], now: number): Promise<Set<string>> {
  const result = await sql<{ id: string }>`
    WITH expected AS (
      SELECT * FROM unnest(${moves.map((m) => m.predicted.id)}::varchar[], ${moves.map((m) => m.predicted.lastSeq)}::bigint[], ${moves.map((m) => m.newSeq)}::bigint[], ${moves.map((m) => m.handler)}::varchar[])
        AS e(id, predicted_seq, new_seq, handler)
    ), moved AS (
      UPDATE chat_conversation c SET last_seq = e.new_seq FROM expected e
      WHERE c.id = e.id AND c.last_seq = e.predicted_seq AND c.state = ANY(${[...OPEN_STATES]}::varchar[])
        AND (e.handler IS NULL OR c.assigned_agent_id = e.handler)
      RETURNING c.id
    ), stored AS (
      INSERT INTO chat_message (conversation_id, seq, client_id, sender_kind, sender_id, kind, body, created_at)
      SELECT m.conversation_id, m.seq, m.client_id, m.sender_kind, m.sender_id, 'text', m.body, ${now}::bigint
      FROM unnest(${rows.map((r) => r.conversationId)}::varchar[], ${rows.map((r) => r.seq)}::bigint[], ${rows.map((r) => r.clientId)}::varchar[],
                  ${rows.map((r) => r.sender)}::varchar[], ${rows.map((r) => r.senderId)}::varchar[], ${rows.map((r) => r.body)}::text[])
        AS m(conversation_id, seq, client_id, sender_kind, sender_id, body)
      WHERE m.conversation_id IN (SELECT id FROM moved)
      RETURNING 1
    )
    SELECT id FROM moved`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "23505";
}
