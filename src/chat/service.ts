import { availableParallelism } from "node:os";
import { sql, type Kysely, type Transaction } from "kysely";
import { appendAudit } from "../audit/trail.js";
import { AirlockError } from "../errors.js";
import type { Storage } from "../storage/db.js";
import type { Database } from "../storage/schema.js";
import { agentName, agentNames } from "../auth/agent-names.js";
import type { ConversationKeys } from "./conversation-keys.js";
import {
  acceptConversation,
  addParticipant,
  countOpenConversations,
  createConversation,
  endConversation,
  findConversation,
  lockConversation,
  requeueConversation,
  transferConversation,
  type Conversation,
} from "./conversations.js";
import { topics, type ChatFanout, type ConversationChange } from "./fanout.js";
import { appendMessage, messagesAfter, type AppendResult, type Audience, type ChatMessage } from "./messages.js";
import { cleanMessageText } from "./message-text.js";
import { participationOf, type ChatActor } from "./participation.js";
import { ChatRefusal } from "./refusal.js";
import { MAX_NOTE_CHARS } from "../protocol/chat-messages.js";
import { GroupCommit, type GroupCommitOptions } from "./group-commit.js";
import { writeMessageBatch } from "./message-batch.js";
import type { PendingSend } from "./pending-send.js";
import { ConversationPredictions } from "./optimistic-append.js";
import { DomainEvents, type ConversationEventChange } from "../events/domain-events.js";

export type { ChatActor } from "./participation.js";

/** A transfer note is a short hand-over line: cleaned like a message, and refused when longer than MAX_NOTE_CHARS. */
function cleanNote(raw: string): string {
  const tooLong = () => new ChatRefusal("note_too_long", `a transfer note has at most ${MAX_NOTE_CHARS} characters`);
  let text: string;
  try {
    text = cleanMessageText(raw);
  } catch (err) {
    throw err instanceof AirlockError && err.code === "payload_too_large" ? tooLong() : err;
  }
  if ([...text].length > MAX_NOTE_CHARS) throw tooLong();
  return text;
}

/** The conversation changes that are domain events (an offline form is a message, not a chat; erasure is audited). */
const DOMAIN_CHANGE: Partial<Record<ConversationChange, ConversationEventChange>> = { queued: "started", accepted: "assigned", transferred: "transferred", ended: "ended" };

/**
 * Live chat's commands. Each runs in one transaction; events are published and the caller
 * acknowledges only after that transaction has committed, so a client that saw an ack will
 * find its message after any reconnect, and a client that saw none retries with the same id.
 */
export class ChatService {
  /** Chat messages are written by group commit (see group-commit.ts); other commands are rare and take a transaction each. */
  readonly #sends: GroupCommit<PendingSend, AppendResult>;
  readonly #queueListeners = new Set<(siteId: string) => void>();

  constructor(
    readonly storage: Storage,
    readonly keys: ConversationKeys,
    readonly fanout: ChatFanout,
    private readonly now: () => number = Date.now,
    groupCommit: Partial<GroupCommitOptions> = {},
    /** Where conversations' domain events go (started, assigned, transferred, ended, rated): webhooks listen. */
    readonly events: DomainEvents = new DomainEvents(),
  ) {
    const notStored = (cause: unknown) => new AirlockError("internal", "the message was not stored (its write batch failed); send it again with the same client id", { cause });
    const predictions = new ConversationPredictions();
    this.#sends = new GroupCommit(
      (sends) => writeMessageBatch(this.storage, this.keys, predictions, sends, this.now(), notStored),
      (send) => send.conversationId,
      notStored,
      // SQLite has one writer: one lane. PostgreSQL commits several batches side by side, about
      // one per core: more batches in flight than cores only shrink each batch and cost CPU.
      { windowMs: 2, maxBatch: 128, lanes: storage.dialect === "sqlite" ? 1 : Math.min(4, Math.max(2, availableParallelism())), ...groupCommit },
    );
  }

  /**
   * Opens a conversation, waiting in `team`'s queue when the site routes by team (agents with
   * `skills` preferred); with `maxOpen`, refuses (`too_many_conversations`) a visit that already
   * has that many open.
   */
  async startChat(visitor: { siteId: string; visitorId: string }, maxOpen?: number, team?: string, skills?: readonly string[]): Promise<Conversation> {
    const conversation = await this.#tx(async (trx) => {
      await this.#mustHaveRoom(trx, visitor, maxOpen);
      return createConversation(trx, this.keys, { ...visitor, offline: false, team: team ?? null, wantedSkills: skills ?? [] }, this.now());
    });
    this.#announce(conversation, "queued");
    return conversation;
  }

  /** The offline form, for when no agent is online: stored encrypted, queued for agents as `offline`. */
  async submitOfflineForm(visitor: { siteId: string; visitorId: string }, form: { name: string; email: string; clientId: string; text: string }, maxOpen?: number): Promise<Conversation> {
    const text = cleanMessageText(form.text);
    const payload = JSON.stringify({ name: form.name.slice(0, 120), email: form.email.slice(0, 320), text });
    const conversation = await this.#tx(async (trx) => {
      await this.#mustHaveRoom(trx, visitor, maxOpen);
      const c = await createConversation(trx, this.keys, { ...visitor, offline: true }, this.now());
      await appendMessage(trx, this.storage.dialect, this.keys, { conversationId: c.id, clientId: form.clientId, sender: "visitor", senderId: null, kind: "form", text: payload }, this.now());
      return { ...c, lastSeq: 1 };
    });
    this.#announce(conversation, "offline");
    return conversation;
  }

  /** Stores and delivers a message; a retried client id returns the stored copy and delivers nothing new. */
  async send(actor: ChatActor, conversationId: string, clientId: string, rawText: string): Promise<AppendResult> {
    const text = cleanMessageText(rawText);
    const result = await this.#sends.submit({ actor, conversationId, clientId, text });
    if (result.duplicate) return result;
    // The batch looked the agent's stored name up; a name the connection already knows wins.
    const senderName = actor.kind === "agent" ? (actor.name ?? result.message.senderName) : undefined;
    const message = senderName ? { ...result.message, senderName } : result.message;
    this.fanout.publish(topics.conversation(conversationId), { type: "message", message });
    return { ...result, message };
  }

  /**
   * Delivers an attachment that passed its checks: `store` writes the file (in the same
   * transaction, after the participation check under the conversation's lock) and returns the
   * message text that announces it. Like `send`, a retried client id returns the first copy.
   */
  async sendFile(actor: ChatActor, conversationId: string, clientId: string, store: (trx: Transaction<Database>) => Promise<string>): Promise<AppendResult> {
    const result = await this.#tx(async (trx) => {
      const conversation = await lockConversation(trx, this.storage.dialect, conversationId);
      await this.#mustTakePart(trx, actor, conversation);
      const text = await store(trx);
      const senderId = actor.kind === "agent" ? actor.agentId : null;
      return appendMessage(trx, this.storage.dialect, this.keys, { conversationId, clientId, sender: actor.kind, senderId, kind: "file", text }, this.now(), conversation);
    });
    if (result.duplicate) return result;
    const senderName = actor.kind === "agent" ? (actor.name ?? (await agentName(this.storage.db, actor.agentId))) : undefined;
    const message = senderName ? { ...result.message, senderName } : result.message;
    this.fanout.publish(topics.conversation(conversationId), { type: "message", message });
    return { ...result, message };
  }

  /** Runs `work` in one transaction of this service (group commit on SQLite). */
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.#tx(work);
  }

  /** Whether the actor takes part in the conversation (throws `not_found` / `forbidden` otherwise). */
  async mustTakePart(actor: ChatActor, conversationId: string): Promise<Conversation> {
    const conversation = await findConversation(this.storage.db, conversationId);
    if (!conversation) throw new AirlockError("not_found", "no such conversation");
    await this.#mustTakePart(this.storage.db, actor, conversation);
    return conversation;
  }

  typing(actor: ChatActor, conversationId: string, typing: boolean): void {
    this.fanout.publish(topics.conversation(conversationId), { type: "typing", conversationId, from: actor.kind, typing });
  }

  /** Messages after `afterSeq` for a participant (resume after reconnect). */
  async resume(actor: ChatActor, conversationId: string, afterSeq: number): Promise<ChatMessage[]> {
    const conversation = await findConversation(this.storage.db, conversationId);
    if (!conversation) throw new AirlockError("not_found", "no such conversation");
    await this.#mustTakePart(this.storage.db, actor, conversation);
    const audience: Audience = actor.kind === "visitor" ? "visitor" : "agent";
    return messagesAfter(this.storage.db, this.keys, conversationId, afterSeq, audience);
  }

  /** `name`: the accepting agent's display name, announced to both sides ("Alex has joined"). */
  async accept(agentId: string, conversationId: string, name?: string): Promise<Conversation> {
    const c = await this.#tx((trx) => acceptConversation(trx, this.storage.dialect, conversationId, agentId, this.now()));
    this.#announce(c, "accepted", name ?? (await agentName(this.storage.db, agentId)));
    return c;
  }

  /**
   * The visitor accepted an agent's invitation: the new chat goes straight to that agent, whose
   * consoles are told on their own topic as well (they may not be watching the site's queue).
   */
  async assignToInviter(agentId: string, conversationId: string, name?: string): Promise<Conversation> {
    const c = await this.accept(agentId, conversationId, name);
    this.fanout.publish(topics.agent(agentId), { type: "conversation", conversation: c, change: "accepted", ...(name ? { agentName: name } : {}) });
    return c;
  }

  /** Hands the chat to a colleague; the note is stored encrypted and shown only to agents. */
  async transfer(from: { agentId: string; force: boolean }, conversationId: string, toAgentId: string, note: { clientId: string; text: string } | undefined): Promise<Conversation> {
    const noteText = note ? cleanNote(note.text) : undefined;
    let noteMessage: ChatMessage | undefined;
    const c = await this.#tx(async (trx) => {
      const moved = await transferConversation(trx, this.storage.dialect, conversationId, from, toAgentId, this.now());
      if (note && noteText) {
        const r = await appendMessage(trx, this.storage.dialect, this.keys, { conversationId, clientId: note.clientId, sender: "agent", senderId: from.agentId, kind: "note", text: noteText }, this.now());
        noteMessage = r.message;
      }
      await appendAudit(trx, { actor: `agent:${from.agentId}`, action: "chat:transfer", target: `conversation:${conversationId}`, decision: "success" });
      const after = await lockConversation(trx, this.storage.dialect, conversationId);
      return { ...moved, lastSeq: after.lastSeq };
    });
    const names = await agentNames(this.storage.db, [from.agentId, toAgentId]);
    const fromName = names.get(from.agentId);
    if (noteMessage) this.fanout.publish(topics.conversation(conversationId), { type: "message", message: fromName ? { ...noteMessage, senderName: fromName } : noteMessage });
    const toName = names.get(toAgentId);
    this.#announce(c, "transferred", toName);
    // The receiving agent's consoles learn it on their own topic too (they may not watch the site's queue).
    this.fanout.publish(topics.agent(toAgentId), { type: "conversation", conversation: c, change: "transferred", ...(toName ? { agentName: toName } : {}) });
    return c;
  }

  /**
   * Hands the chat back to a team's queue (routing offers it to that team's agents); the note is
   * stored like a transfer note; audited as a transfer. The visitor waits again, told their place.
   */
  async transferToTeam(from: { agentId: string; force: boolean }, conversationId: string, team: string, note: { clientId: string; text: string } | undefined): Promise<Conversation> {
    const noteText = note ? cleanNote(note.text) : undefined;
    let noteMessage: ChatMessage | undefined;
    const c = await this.#tx(async (trx) => {
      const moved = await requeueConversation(trx, this.storage.dialect, conversationId, from, team);
      if (note && noteText) {
        const r = await appendMessage(trx, this.storage.dialect, this.keys, { conversationId, clientId: note.clientId, sender: "agent", senderId: from.agentId, kind: "note", text: noteText }, this.now());
        noteMessage = r.message;
      }
      await appendAudit(trx, { actor: `agent:${from.agentId}`, action: "chat:transfer-to-team", target: `conversation:${conversationId}`, decision: "success" });
      const after = await lockConversation(trx, this.storage.dialect, conversationId);
      return { ...moved, lastSeq: after.lastSeq };
    });
    if (noteMessage) {
      const fromName = await agentName(this.storage.db, from.agentId);
      this.fanout.publish(topics.conversation(conversationId), { type: "message", message: fromName ? { ...noteMessage, senderName: fromName } : noteMessage });
    }
    this.#announce(c, "transferred");
    return c;
  }

  /** Calls `listener(siteId)` after each change to a site's queue or its agents' load (routing). */
  onQueueChange(listener: (siteId: string) => void): () => void {
    this.#queueListeners.add(listener);
    return () => this.#queueListeners.delete(listener);
  }

  /** A supervisor joins a chat (sees it live and may write); audited. */
  async join(supervisorId: string, conversationId: string): Promise<Conversation> {
    const c = await this.#tx(async (trx) => {
      const conversation = await lockConversation(trx, this.storage.dialect, conversationId);
      if (conversation.state === "ended") throw new AirlockError("conflict", "the conversation has ended");
      await addParticipant(trx, conversationId, supervisorId, "supervisor", this.now());
      await appendAudit(trx, { actor: `agent:${supervisorId}`, action: "chat:supervise", target: `conversation:${conversationId}`, decision: "success" });
      return conversation;
    });
    this.#announce(c, "joined");
    return c;
  }

  async end(actor: ChatActor, conversationId: string): Promise<Conversation> {
    const c = await this.#tx(async (trx) => {
      const conversation = await lockConversation(trx, this.storage.dialect, conversationId);
      await this.#mustTakePart(trx, actor, conversation);
      return endConversation(trx, this.storage.dialect, conversationId, this.now());
    });
    this.#announce(c, "ended");
    return c;
  }

  /** Counted before the data key is made: a refused start leaves no key and no row. */
  async #mustHaveRoom(trx: Transaction<Database>, visitor: { siteId: string; visitorId: string }, maxOpen: number | undefined): Promise<void> {
    if (maxOpen === undefined) return;
    // PostgreSQL runs starts side by side: one visit's starts take turns (SQLite has one writer anyway).
    if (this.storage.dialect === "postgres") await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`chat-visit:${visitor.siteId}:${visitor.visitorId}`}, 0))`.execute(trx);
    const open = await countOpenConversations(trx, visitor.siteId, visitor.visitorId);
    if (open >= maxOpen) throw new ChatRefusal("too_many_conversations", `at most ${maxOpen} open conversations per visit`);
  }

  /** Checked again here, under the conversation's lock, whatever the caller checked before. */
  async #mustTakePart(db: Kysely<Database> | Transaction<Database>, actor: ChatActor, c: Conversation): Promise<void> {
    if (await participationOf(db, actor, c)) return;
    if (actor.kind === "visitor") throw new AirlockError("not_found", "no such conversation");
    throw new AirlockError("forbidden", "the conversation is not assigned to you");
  }

  #announce(conversation: Conversation, change: ConversationChange, agentName?: string): void {
    const event = { type: "conversation", conversation, change, ...(agentName ? { agentName } : {}) } as const;
    this.fanout.publish(topics.conversation(conversation.id), event);
    this.fanout.publish(topics.site(conversation.siteId), event);
    if (change === "queued" || change === "accepted" || change === "transferred" || change === "ended") {
      for (const l of [...this.#queueListeners]) l(conversation.siteId);
    }
    const domainChange = DOMAIN_CHANGE[change];
    if (domainChange) {
      const c = conversation;
      this.events.emit({ kind: "conversation", change: domainChange, conversationId: c.id, siteId: c.siteId, team: c.team, agentId: c.assignedAgentId, startedAt: c.createdAt, endedAt: c.endedAt, at: this.now() });
    }
  }

  #tx<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.storage.db.transaction().execute(work);
  }
}
