import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { AirlockError } from "../errors.js";
import type { DialectName } from "../storage/db.js";
import type { Database } from "../storage/schema.js";
import type { ConversationKeys } from "./conversation-keys.js";
import type { ChatConversationTable, ConversationState } from "./tables.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface Conversation {
  readonly id: string;
  readonly siteId: string;
  readonly visitorId: string;
  readonly state: ConversationState;
  readonly assignedAgentId: string | null;
  readonly lastSeq: number;
  readonly createdAt: number;
  readonly acceptedAt: number | null;
  readonly endedAt: number | null;
  /** The team whose queue it waits in (null: the site has no teams). */
  readonly team: string | null;
}

export function toConversation(row: ChatConversationTable): Conversation {
  return {
    id: row.id,
    siteId: row.site_id,
    visitorId: row.visitor_id,
    state: row.state,
    assignedAgentId: row.assigned_agent_id,
    lastSeq: Number(row.last_seq),
    createdAt: Number(row.created_at),
    acceptedAt: row.accepted_at === null ? null : Number(row.accepted_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    team: row.team ?? null,
  };
}

/** Opens a conversation with its own data key: `queued` for a live chat, `offline` for an offline form. */
export async function createConversation(
  trx: Transaction<Database>,
  keys: ConversationKeys,
  input: { siteId: string; visitorId: string; offline: boolean; team?: string | null; wantedSkills?: readonly string[] },
  now: number,
): Promise<Conversation> {
  const row: ChatConversationTable = {
    id: randomUUID(),
    site_id: input.siteId,
    visitor_id: input.visitorId,
    state: input.offline ? "offline" : "queued",
    assigned_agent_id: null,
    last_seq: 0,
    created_at: now,
    accepted_at: null,
    ended_at: null,
    team: input.team ?? null,
    ...(input.wantedSkills?.length ? { wanted_skills: JSON.stringify(input.wantedSkills) } : {}),
    offered_agent_id: null,
    offer_expires_at: null,
  };
  // The key first: a conversation row never exists without its key in the vault.
  await keys.createFor(row.id, now);
  await trx.insertInto("chat_conversation").values(row).execute();
  return toConversation(row);
}

/** Conversations of a visit that are still open: waiting, active, or an offline message nobody took yet. */
export async function countOpenConversations(db: Db, siteId: string, visitorId: string): Promise<number> {
  const row = await db
    .selectFrom("chat_conversation")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("site_id", "=", siteId)
    .where("visitor_id", "=", visitorId)
    .where("state", "in", ["queued", "active", "offline"])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function findConversation(db: Db, id: string): Promise<Conversation | undefined> {
  const row = await db.selectFrom("chat_conversation").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toConversation(row) : undefined;
}

/** Loads and locks a conversation for a state change (row lock on PostgreSQL). */
export async function lockConversation(trx: Transaction<Database>, dialect: DialectName, id: string): Promise<Conversation> {
  let query = trx.selectFrom("chat_conversation").selectAll().where("id", "=", id);
  if (dialect === "postgres") query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw new AirlockError("not_found", "no such conversation");
  return toConversation(row);
}

/** Takes a waiting chat (or an offline form) from the queue; `conflict` when another agent was first. */
export async function acceptConversation(trx: Transaction<Database>, dialect: DialectName, id: string, agentId: string, now: number): Promise<Conversation> {
  const c = await lockConversation(trx, dialect, id);
  if (c.state !== "queued" && c.state !== "offline") throw new AirlockError("conflict", "the conversation is no longer waiting");
  await trx.updateTable("chat_conversation").set({ state: "active", assigned_agent_id: agentId, accepted_at: now, offered_agent_id: null, offer_expires_at: null }).where("id", "=", id).execute();
  await addParticipant(trx, id, agentId, "handler", now);
  return { ...c, state: "active", assignedAgentId: agentId, acceptedAt: now };
}

/** Hands an active conversation to another agent; only its current handler may (or a supervisor, `force`). */
export async function transferConversation(
  trx: Transaction<Database>,
  dialect: DialectName,
  id: string,
  from: { agentId: string; force: boolean },
  toAgentId: string,
  now: number,
): Promise<Conversation> {
  const c = await lockConversation(trx, dialect, id);
  if (c.state !== "active") throw new AirlockError("conflict", "only an active conversation can be transferred");
  if (c.assignedAgentId !== from.agentId && !from.force) throw new AirlockError("forbidden", "the conversation is assigned to another agent");
  if (toAgentId === c.assignedAgentId) throw new AirlockError("conflict", "the conversation is already assigned to that agent");
  await trx.updateTable("chat_conversation").set({ assigned_agent_id: toAgentId }).where("id", "=", id).execute();
  await addParticipant(trx, id, toAgentId, "handler", now);
  return { ...c, assignedAgentId: toAgentId };
}

/** Puts an active conversation back in a team's queue (its handler, or a supervisor, `force`). */
export async function requeueConversation(trx: Transaction<Database>, dialect: DialectName, id: string, from: { agentId: string; force: boolean }, team: string): Promise<Conversation> {
  const c = await lockConversation(trx, dialect, id);
  if (c.state !== "active") throw new AirlockError("conflict", "only an active conversation can be transferred");
  if (c.assignedAgentId !== from.agentId && !from.force) throw new AirlockError("forbidden", "the conversation is assigned to another agent");
  await trx.updateTable("chat_conversation").set({ state: "queued", assigned_agent_id: null, team, offered_agent_id: null, offer_expires_at: null }).where("id", "=", id).execute();
  return { ...c, state: "queued", assignedAgentId: null, team };
}

export async function endConversation(trx: Transaction<Database>, dialect: DialectName, id: string, now: number): Promise<Conversation> {
  const c = await lockConversation(trx, dialect, id);
  if (c.state === "ended") return c;
  await trx.updateTable("chat_conversation").set({ state: "ended", ended_at: now }).where("id", "=", id).execute();
  return { ...c, state: "ended", endedAt: now };
}

export async function addParticipant(trx: Transaction<Database>, id: string, agentId: string, role: "handler" | "supervisor", now: number): Promise<void> {
  await trx
    .insertInto("chat_participant")
    .values({ conversation_id: id, agent_id: agentId, role, joined_at: now })
    .onConflict((oc) => oc.columns(["conversation_id", "agent_id", "role"]).doNothing())
    .execute();
}

/** Whether an agent has handled this conversation (accepted it or received it by transfer). */
export async function isParticipant(db: Db, id: string, agentId: string): Promise<boolean> {
  const row = await db.selectFrom("chat_participant").select("agent_id").where("conversation_id", "=", id).where("agent_id", "=", agentId).executeTakeFirst();
  return row !== undefined;
}
